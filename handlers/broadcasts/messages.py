"""A broadcast as each recipient reads it (their language's text, or the Dutch one, shown as
the team typed it, with its link buttons), the request to approve one, and the live status
the team watches while it goes."""

from __future__ import annotations

from bot.botapi import Markup
from bot.delivery.kinds import Kind, Skip, Text
from bot.delivery.outbox import BatchReport, Due
from bot.i18n import N_, Translator
from bot.measure import cut
from bot.services import Services
from bot.services.broadcasts import Broadcast
from handlers.kit.common import esc, keyboard


def message(broadcast: Broadcast, locale: str) -> Text:
    """What a recipient of `locale` gets: plain text (escaped), the link buttons under it."""
    markup: Markup | None = None
    if broadcast.buttons:
        rows = [[{"text": b.label(locale), "url": b.url}] for b in broadcast.buttons]
        markup = {"inline_keyboard": rows}
    return Text(esc(broadcast.text(locale)), markup)


def audience_text(t: Translator, broadcast: Broadcast, sector_names: dict[int, str]) -> str:
    spec = broadcast.audience
    kind = spec["kind"]
    if kind == "sectors":
        names = ", ".join(esc(sector_names.get(int(s), "?")) for s in spec.get("sectors", []))
        return t.gettext("contacts of: {sectors}").format(sectors=names)
    return t.gettext(AUDIENCE_NAMES[kind])


LANGUAGE_NAMES = {"nl": N_("Dutch"), "fr": N_("French"), "en": N_("English")}
APPROVAL_SHOWN = 1100  # of each language's text in the approval request (three fit one message)

AUDIENCE_NAMES = {
    "everyone": N_("Everyone who uses the bot"),
    "contacts": N_("All organisation contacts"),
    "sectors": N_("Contacts of chosen sectors"),
    "followers": N_("Digest followers"),
    "session": N_("Invitees of a session"),
    "not_endorsed": N_("Organisations that have not endorsed the open campaign"),
}


def button_lines(t: Translator, broadcast: Broadcast) -> list[str]:
    """Each link button as the team checks it: its labels (Dutch first) and address."""
    return [
        t.gettext("Button: {label} → {url}").format(
            label=" / ".join(esc(b.labels[k]) for k in ("nl", "fr", "en") if k in b.labels),
            url=esc(b.url),
        )
        for b in broadcast.buttons
    ]


def status_text(t: Translator, broadcast: Broadcast, report: BatchReport) -> str:
    head = {
        "sending": t.gettext("<b>Broadcast {id}</b> · sending"),
        "done": t.gettext("<b>Broadcast {id}</b> · sent"),
        "cancelled": t.gettext("<b>Broadcast {id}</b> · cancelled"),
        "waiting": t.gettext("<b>Broadcast {id}</b> · waiting for approval"),
    }[broadcast.state].format(id=broadcast.id)
    numbers = {
        "sent": t.number(report.sent),
        "blocked": t.number(report.blocked),
        "failed": t.number(report.failed),
        "pending": t.number(report.pending),
        "cancelled": t.number(report.skipped),  # voided, or stopped at their turn
    }
    if broadcast.state == "cancelled":
        counts = t.gettext(
            "{sent} sent · {blocked} blocked the bot · {failed} failed · {cancelled} not sent "
            "(cancelled)"
        )
    elif broadcast.state == "done":
        counts = t.gettext("{sent} sent · {blocked} blocked the bot · {failed} failed")
    else:
        counts = t.gettext(
            "{sent} sent · {blocked} blocked the bot · {failed} failed · {pending} to go"
        )
    return f"{head}\n{counts.format(**numbers)}"


def status_buttons(t: Translator, broadcast: Broadcast) -> Markup:
    if broadcast.state in ("sending", "waiting"):
        return keyboard([[(t.gettext("⏹ Cancel the rest"), f"bcv:cancel:{broadcast.id}")]])
    return keyboard([[(t.gettext("📄 Who was not reached (CSV)"), f"bcv:csv:{broadcast.id}")]])


def kinds(services: Services) -> list[Kind]:
    async def broadcast(due: Due, t: Translator) -> Text:
        found = await services.broadcasts.get(int(due.payload["broadcast_id"]))
        if found.state != "sending":
            raise Skip("the broadcast was cancelled")
        return message(found, t.locale)

    async def approval(due: Due, t: Translator) -> Text:
        found = await services.broadcasts.get(int(due.payload["broadcast_id"]))
        if found.state != "waiting":
            raise Skip("approved or cancelled already")
        sectors = {s.id: s.name(t.locale) for s in await services.sectors.all()}
        lines = [
            t.gettext(
                "A broadcast to {n} people waits for a second team member's approval."
            ).format(n=t.number(found.recipients)),
            t.gettext("To: {audience}").format(audience=audience_text(t, found, sectors)),
            *button_lines(t, found),
        ]
        for locale, name in LANGUAGE_NAMES.items():  # every version, as each reader gets it
            own = found.texts.get(locale)
            if locale == "nl" or own:
                body = esc(cut(found.text(locale), APPROVAL_SHOWN))
                lines += ["", f"<b>{t.gettext(name)}</b>", body]
            else:
                lines += ["", f"<b>{t.gettext(name)}</b>", t.gettext("(the Dutch text)")]
        buttons = keyboard(
            [
                [(t.gettext("✅ Approve and send"), f"bcv:approve:{found.id}")],
                [(t.gettext("⏹ Cancel it"), f"bcv:cancel:{found.id}")],
            ]
        )
        return Text("\n".join(lines), buttons)

    return [Kind("broadcast", broadcast), Kind("broadcast_approval", approval, bulk=False)]
