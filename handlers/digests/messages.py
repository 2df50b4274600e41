"""The digest as the dispatcher sends it, in the reader's language: a chart, then the
period's news for the sectors they follow in as many messages as it needs (split between
sections, or between items of a long section, never inside one), and under the last one
the buttons to change or stop it. A period with nothing for the reader sends nothing.

Readers of the same language and sectors get the same text and chart, made once per
period (`Memo`); only a contact's "your organisation" part is theirs alone.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from bot.botapi import Markup
from bot.charts import DigestChart, DigestFigures, DigestLabels
from bot.clock import from_db
from bot.delivery.kinds import Kind, Parts, Photo, Skip, Text
from bot.delivery.outbox import Due
from bot.i18n import Translator
from bot.measure import cut, units
from bot.services import Services
from bot.services.digests import (
    Attention,
    Digest,
    NewIntention,
    ProgressUpdate,
    PublishedParagraph,
    StatusChange,
    UpcomingSession,
)
from bot.services.sectors import Sector
from bot.vocabulary import LEVERS
from handlers.kit.common import esc, keyboard
from handlers.kit.render import lever_name, public_page_line, sector_name, status_name

MESSAGE_BUDGET = 4000  # characters of HTML per message (Telegram shows at most 4,096)
ITEMS_SHOWN = 20  # per section; "… and 12 more" after
PARAGRAPH_SHOWN = 600  # characters of an endorsement paragraph or progress text
ATTENTION_BUTTONS = 5
MEMO_SIZE = 512

Section = tuple[str, list[str]]  # a heading and its items


@dataclass(frozen=True, slots=True)
class Rendered:
    sections: list[Section]
    chart: bytes
    chart_key: str
    caption: str


def short(text: str, limit: int = PARAGRAPH_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def period_text(t: Translator, digest: Digest) -> str:
    """From when to when, or the one day when the period lies within it."""
    since, until = t.date(digest.since, "medium"), t.date(digest.until, "medium")
    return since if since == until else f"{since} – {until}"


def heading(t: Translator, digest: Digest, sectors: list[Sector]) -> str:
    """The digest's one heading: the period and the sectors, as the chart's caption."""
    return "\n".join(
        (
            t.gettext("<b>The pact's digest</b> · {period}").format(period=period_text(t, digest)),
            t.gettext("Sectors: {sectors}").format(
                sectors=sectors_text(t, sectors, digest.sectors)
            ),
        )
    )


def sectors_text(t: Translator, sectors: list[Sector], chosen: tuple[int, ...] | None) -> str:
    if chosen is None:
        return t.gettext("All sectors")
    return ", ".join(esc(sector_name(t, sectors, s)) for s in chosen)


def _capped(t: Translator, items: list[str]) -> list[str]:
    if len(items) <= ITEMS_SHOWN:
        return items
    hidden = len(items) - ITEMS_SHOWN
    more = t.ngettext("… and {n} more.", "… and {n} more.", hidden).format(n=t.number(hidden))
    return [*items[:ITEMS_SHOWN], more]


def sections(t: Translator, digest: Digest, sectors: list[Sector]) -> list[Section]:
    """The news every reader of these sectors gets, section by section (the heading is
    the chart's caption)."""
    found: list[Section] = []
    news = (
        (t.gettext("<b>New intentions</b>"), [_new(t, x) for x in digest.new]),
        (t.gettext("<b>Status changes</b>"), [_status(t, x) for x in digest.statuses]),
        (t.gettext("<b>Progress</b>"), [_progress(t, x) for x in digest.progress]),
        (
            t.gettext("<b>Sessions in the next two weeks</b>"),
            [_session(t, x) for x in digest.sessions],
        ),
        (
            t.gettext("<b>Newly published endorsements</b>"),
            [_paragraph(t, x) for x in digest.paragraphs],
        ),
    )
    found += [(heading, _capped(t, items)) for heading, items in news if items]
    totals = _totals(t, digest, sectors)
    if totals[1]:
        found.append(totals)
    return found


def _new(t: Translator, x: NewIntention) -> str:
    return "• " + t.gettext("{title} — {organisation} · {lever}").format(
        title=f"<b>{esc(x.title)}</b>",
        organisation=esc(x.organisation),
        lever=lever_name(t, x.lever),
    )


def _status(t: Translator, x: StatusChange) -> str:
    return "• " + t.gettext("{title} — {organisation}: {status}").format(
        title=f"<b>{esc(x.title)}</b>",
        organisation=esc(x.organisation),
        status=status_name(t, x.status),
    )


def _progress(t: Translator, x: ProgressUpdate) -> str:
    line = "• " + t.gettext("{title} — {organisation}: “{text}”").format(
        title=f"<b>{esc(x.title)}</b>", organisation=esc(x.organisation), text=esc(short(x.text))
    )
    if x.updates > 1:
        count = t.ngettext("({n} update)", "({n} updates)", x.updates)
        line += " " + count.format(n=t.number(x.updates))
    moves = [
        "   "
        + t.gettext("{indicator}: from {before} to {after}").format(
            indicator=esc(m.name),
            before=t.percent(round(m.before, 2)),
            after=t.percent(round(m.after, 2)),
        )
        for m in x.moves
    ]
    return "\n".join([line, *moves])


def _session(t: Translator, x: UpcomingSession) -> str:
    return "• " + t.gettext("{when} — {title}").format(
        when=t.datetime(x.start, "short"), title=f"<b>{esc(x.title)}</b>"
    )


def _paragraph(t: Translator, x: PublishedParagraph) -> str:
    who = ", ".join(esc(part) for part in (x.name, x.organisation) if part)
    return "• " + t.gettext("“{paragraph}” — {who} ({campaign})").format(
        paragraph=esc(short(x.paragraph)),
        who=who or t.gettext("an endorser"),
        campaign=esc(x.campaign_in(t.locale)),
    )


def _totals(t: Translator, digest: Digest, sectors: list[Sector]) -> Section:
    levers = ", ".join(
        f"{lever_name(t, lever.code)} {t.number(digest.per_lever[lever.code])}"
        for lever in LEVERS
        if digest.per_lever.get(lever.code)  # a lever nobody works on yet is left out
    )
    lines = [t.gettext("Intentions per lever: {levers}").format(levers=levers)] if levers else []
    per_sector = ", ".join(
        f"{esc(sector_name(t, sectors, s))} {t.number(n)}"
        for s, n in sorted(digest.per_sector.items())
    )
    if per_sector:
        lines.append(t.gettext("Per sector: {sectors}").format(sectors=per_sector))
    return t.gettext("<b>Totals</b>"), lines


def attention_section(t: Translator, attention: tuple[Attention, ...]) -> Section:
    items = [
        "• "
        + (
            t.gettext("{title}: past its due date, {date}")
            if a.overdue
            else t.gettext("{title}: no progress for 30 days")
        ).format(title=f"<b>{esc(a.title)}</b>", date=t.date(a.due_date, "short"))
        for a in attention
    ]
    return t.gettext("<b>Your organisation</b>"), _capped(t, items)


def pack(found: list[Section], budget: int = MESSAGE_BUDGET) -> list[str]:
    """Messages within `budget`: whole sections where they fit, a long section split
    between its items; an item is never cut."""
    messages: list[str] = []
    current = ""
    for heading, items in found:
        block = "\n".join([heading, *items])
        if current and units(current) + 2 + units(block) <= budget:
            current += "\n\n" + block
            continue
        if current:
            messages.append(current)
        current = heading
        for item in items:
            if units(current) + 1 + units(item) > budget:
                messages.append(current)
                current = item
            else:
                current += "\n" + item
    if current:
        messages.append(current)
    return messages


def chart_labels(t: Translator) -> DigestLabels:
    return DigestLabels(
        progress_title=t.gettext("Indicator progress per lever"),
        levers=tuple(lever_name(t, lever.code) for lever in LEVERS),
        axis=(t.percent(0), t.percent(0.5), t.percent(1)),
        activity_title=t.gettext("Activity"),
        kinds=(
            t.gettext("New intentions"),
            t.gettext("Status changes"),
            t.gettext("Progress updates"),
        ),
        this_period=t.gettext("this period"),
        previous_period=t.gettext("the one before"),
    )


def chart_figures(t: Translator, digest: Digest) -> DigestFigures:
    progress = tuple(digest.lever_progress.get(lever.code) for lever in LEVERS)
    return DigestFigures(
        progress=progress,
        progress_text=tuple("–" if p is None else t.percent(round(p, 2)) for p in progress),
        this_period=digest.activity,
        previous_period=digest.activity_before,
    )


def progress_label(t: Translator, attention: Attention) -> str:
    return t.gettext("📈 Progress: {title}").format(title=cut(attention.title, 40))


def settings_buttons(t: Translator) -> list[list[tuple[str, str]]]:
    return [
        [
            (t.gettext("⚙️ What I follow"), "fol:menu:"),
            (t.gettext("🔕 Stop the digest"), "fol:stop:"),
        ]
    ]


CHART = DigestChart()  # the layouts it keeps hold labels only: one for every bot


class DigestRenderer:
    """A digest's messages. The part every reader of one language and one set of sectors
    gets (text and chart) is made once per period and kept for the next reader."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._memo: OrderedDict[tuple[str, str, str, tuple[int, ...] | None], Rendered] = (
            OrderedDict()
        )

    async def _shared(self, t: Translator, digest: Digest) -> Rendered:
        key = (t.locale, digest.since.isoformat(), digest.until.isoformat(), digest.sectors)
        found = self._memo.get(key)
        if found is not None:
            self._memo.move_to_end(key)
            return found
        sectors = await self._services.sectors.all()
        png = await CHART.png(chart_labels(t), chart_figures(t, digest))
        caption = heading(t, digest, sectors)
        # The same picture (another period or set of sectors with the same figures) is sent
        # again by the file id Telegram gave it, not uploaded twice.
        chart_key = "digest:" + hashlib.sha256(png).hexdigest()[:32]
        found = Rendered(sections(t, digest, sectors), png, chart_key, caption)
        self._memo[key] = found
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return found

    async def parts(self, t: Translator, digest: Digest, buttons: bool) -> Parts:
        """The chart, then the text in as many messages as it needs; `buttons` (a person,
        not the channel): change or stop it under the last one."""
        rendered = await self._shared(t, digest)
        found = list(rendered.sections)
        rows: list[list[tuple[str, str]]] = []
        if digest.attention:  # the reader's own organisation first
            found.insert(0, attention_section(t, digest.attention))
            rows += [
                [(progress_label(t, a), f"prog:start:{a.intention_id}")]
                for a in digest.attention[:ATTENTION_BUTTONS]
            ]
        link = public_page_line(t, self._services.settings.public_url)
        if link:
            found.append((link, []))
        texts = pack(found)
        if buttons:
            rows += settings_buttons(t)
        markup: Markup | None = keyboard(rows) if rows else None
        last = len(texts) - 1
        return (
            Photo(rendered.chart, rendered.chart_key, rendered.caption),
            *(Text(text, markup if i == last else None) for i, text in enumerate(texts)),
        )


def kinds(services: Services) -> list[Kind]:
    renderer = DigestRenderer(services)

    async def digest(message: Due, t: Translator) -> Parts:
        payload = message.payload
        if message.person_id is not None:
            subscription = await services.digests.subscription(message.person_id)
            if subscription is None or not subscription.following:
                raise Skip("no longer follows the digest")
        sectors = payload.get("sectors")
        content = await services.digests.digest(
            from_db(str(payload["since"])),
            from_db(str(payload["until"])),
            None if sectors is None else tuple(int(s) for s in sectors),
            payload.get("organisation_id"),
        )
        if content.empty:
            raise Skip("nothing happened for this reader")
        return await renderer.parts(t, content, buttons=message.person_id is not None)

    return [Kind("digest", digest)]
