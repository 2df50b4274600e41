"""/digest: the pact team previews the digest as a reader of a chosen language and sectors
would get it now (chart included), and sends it now, after a confirmation that says to how
many and how long it takes, with the delivery report after.

The card keeps its choices in its buttons: `dig:<action>:<locale>.<sectors>`, the sectors
as a bit mask in hexadecimal (0: every sector)."""

from __future__ import annotations

import datetime as dt

from telegram import Update

from bot import SUPPORTED_LOCALES
from bot.clock import to_db
from bot.context import PactContext
from bot.i18n import Translator, translator
from bot.measure import cut
from bot.services.digests import batch_of
from bot.services.sectors import Sector
from handlers.digests.follow import when_text
from handlers.digests.messages import DigestRenderer, sectors_text
from handlers.kit.common import (
    answer,
    keyboard,
    no_longer_valid,
    parse_moment,
    send,
    show,
    user_id_of,
)
from handlers.kit.render import moment, report_line, sending_time

LANGUAGE_LABELS = {"nl": "NL", "fr": "FR", "en": "EN"}
MESSAGES_PER_DIGEST = 3  # a chart and one or two messages of text (3.1 on bench/digest.py)


def _mask(sectors: tuple[int, ...] | None) -> str:
    return f"{sum(1 << s for s in sectors or ()):x}"


def _sectors(mask: str, known: list[Sector]) -> tuple[int, ...] | None:
    try:
        bits = int(mask or "0", 16)
    except ValueError:
        raise no_longer_valid() from None
    chosen = tuple(s.id for s in known if bits >> s.id & 1)
    return chosen or None


def _state(value: str) -> tuple[str, str]:
    locale, _, mask = value.partition(".")
    if locale not in SUPPORTED_LOCALES:
        raise no_longer_valid()
    return locale, mask


async def digest(update: Update, context: PactContext) -> None:
    await context.services.team.require_member(user_id_of(update))
    text, markup = await _card(context, context.i18n.locale, None)
    await send(update, context, text, markup)


async def _card(
    context: PactContext, locale: str, chosen: tuple[int, ...] | None
) -> tuple[str, dict[str, object]]:
    t = context.i18n
    services = context.services
    known = await services.sectors.all()
    now = services.clock.now()
    recipients = await services.digests.recipients()
    lines = [
        t.gettext("<b>The pact's digest</b>"),
        t.gettext("Next: {when} ({frequency}).").format(
            when=moment(t, services.digests.next_moment("weekly", now)),
            frequency=when_text(t, context, "weekly"),
        ),
        t.ngettext(
            "{n} recipient, the digest channel included if there is one.",
            "{n} recipients, the digest channel included if there is one.",
            recipients,
        ).format(n=t.number(recipients)),
        "",
        t.gettext("Preview as a reader of: {language}, {sectors}").format(
            language=LANGUAGE_LABELS[locale], sectors=sectors_text(t, known, chosen)
        ),
    ]
    state = f"{locale}.{_mask(chosen)}"
    rows: list[list[tuple[str, str]]] = [
        [
            (("✓ " if code == locale else "") + label, f"dig:lang:{code}.{_mask(chosen)}")
            for code, label in LANGUAGE_LABELS.items()
        ],
        [(("☑ " if chosen is None else "☐ ") + t.gettext("All sectors"), f"dig:lang:{locale}.0")],
    ]
    boxes = []
    for sector in known:
        toggled = set(chosen or ()) ^ {sector.id}
        mark = "☑ " if chosen and sector.id in chosen else "☐ "
        data = f"dig:lang:{locale}.{_mask(tuple(sorted(toggled)))}"
        boxes.append((mark + cut(sector.name(t.locale), 30), data))
    rows += [boxes[i : i + 2] for i in range(0, len(boxes), 2)]
    rows += [
        [(t.gettext("👁 Preview"), f"dig:view:{state}")],
        [(t.gettext("📤 Send now…"), f"dig:send:{state}")],
    ]
    return "\n".join(lines), keyboard(rows)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`dig:lang|view|send:<locale>.<mask>`, `dig:sendok:`, `dig:report:<epoch>`."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    await services.team.require_member(person_id)
    if action == "report":
        until = parse_moment(value)
        await show(update, context, *await _report(context, until))
        return
    if action == "sendok":
        queued, until = await services.digests.send_now(person_id)
        await answer(update, context)
        await show(update, context, *await _report(context, until, queued))
        return
    locale, mask = _state(value)
    chosen = _sectors(mask, await services.sectors.all())
    if action == "lang":
        await show(update, context, *await _card(context, locale, chosen))
    elif action == "view":
        await answer(update, context)
        await _preview(update, context, translator(locale, t.tz), chosen)
    elif action == "send":
        recipients = await services.digests.recipients()
        rate = services.settings.broadcast_rate
        question = t.ngettext(
            "Send the digest now to {n} recipient? Each gets what happened since their last "
            "digest; at {rate} messages a second it takes {time}.",
            "Send the digest now to {n} recipients? Each gets what happened since their last "
            "digest; at {rate} messages a second it takes {time}.",
            recipients,
        ).format(
            n=t.number(recipients),
            rate=t.number(rate),
            time=sending_time(t, recipients * MESSAGES_PER_DIGEST, rate),
        )
        buttons = [
            [(t.gettext("📤 Yes, send now"), "dig:sendok:")],
            [(t.gettext("No"), f"dig:lang:{value}")],
        ]
        await show(update, context, question, keyboard(buttons))
    else:
        raise no_longer_valid()


async def _preview(
    update: Update, context: PactContext, reader: Translator, chosen: tuple[int, ...] | None
) -> None:
    """The digest a reader would get now, sent here as it would be sent to them."""
    t = context.i18n
    services = context.services
    now = services.clock.now()
    since = services.digests.last_moment("weekly", now)
    content = await services.digests.digest(since, now, chosen)
    if content.empty:
        await send(
            update,
            context,
            t.gettext(
                "Nothing happened for these sectors since {since}: nothing would be sent."
            ).format(since=moment(t, since)),
        )
        return
    await send(update, context, t.gettext("<b>Preview</b> — what this reader would get now:"))
    for part in await DigestRenderer(services).parts(reader, content, buttons=False):
        await context.bot.deliver(user_id_of(update), part)


async def _report(
    context: PactContext, until: dt.datetime, queued: int | None = None
) -> tuple[str, dict[str, object]]:
    t = context.i18n
    report = await context.services.outbox.report(batch_of(to_db(until)))
    lines = [t.gettext("<b>Digest sent now</b>")]
    if queued is not None:
        lines.append(
            t.ngettext("{n} digest queued.", "{n} digests queued.", queued).format(
                n=t.number(queued)
            )
        )
    lines.append(report_line(t, report))
    epoch = int(until.timestamp())
    return "\n".join(lines), keyboard([[(t.gettext("🔄 Refresh"), f"dig:report:{epoch}")]])
