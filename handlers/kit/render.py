"""Texts shared by several handlers: names from the vocabulary, progress, cards."""

from __future__ import annotations

import datetime as dt
import math

from bot.botapi import Markup, shown_length
from bot.delivery.outbox import BatchReport
from bot.i18n import N_, Translator
from bot.measure import cut, fitting, units
from bot.services.campaigns import Figures
from bot.services.intentions import (
    HISTORY_PAGE,
    PROGRESS_MAX,
    Indicator,
    Intention,
    ProgressEntry,
)
from bot.services.organisations import Organisation
from bot.services.sectors import Sector
from bot.services.sessions import Session
from bot.vocabulary import CHARACTERISTIC, LEVER, PRECONDITION, STATUS
from handlers.kit.common import esc, keyboard

BAR_CELLS = 10


def bar(fraction: float) -> str:
    """A short text bar: ▓▓▓▓░░░░░░ for 40%."""
    filled = round(max(0.0, min(fraction, 1.0)) * BAR_CELLS)
    return "▓" * filled + "░" * (BAR_CELLS - filled)


def progress(t: Translator, fraction: float | None) -> str:
    if fraction is None:
        return t.gettext("no indicator")
    return f"{bar(fraction)} {t.percent(round(fraction, 2))}"


def status_name(t: Translator, code: str) -> str:
    return t.gettext(STATUS[code].name) if code in STATUS else code


def lever_name(t: Translator, code: str) -> str:
    return t.gettext(LEVER[code].name) if code in LEVER else code


def sector_name(t: Translator, sectors: list[Sector], sector_id: int) -> str:
    for sector in sectors:
        if sector.id == sector_id:
            return sector.name(t.locale)
    return "?"


def indicator_line(t: Translator, indicator: Indicator) -> str:
    current = t.number(indicator.current) if indicator.current is not None else "–"
    return t.gettext("{name}: {current} of {target} {unit} (from {baseline}) {progress}").format(
        name=esc(indicator.name),
        current=current,
        target=t.number(indicator.target),
        unit=esc(indicator.unit),
        baseline=t.number(indicator.baseline),
        progress=progress(t, indicator.fraction),
    )


def intention_line(t: Translator, intention: Intention) -> str:
    return t.gettext("<b>{title}</b> — {status}, due {due}\n{progress}").format(
        title=esc(intention.title),
        status=status_name(t, intention.status),
        due=t.date(intention.due_date),
        progress=progress(t, intention.fraction),
    )


def intention_card(
    t: Translator,
    intention: Intention,
    organisation: Organisation,
    sectors: list[Sector],
) -> str:
    """The whole card, with the intention's latest progress (`intention.history`)."""
    lines = [
        f"<b>{esc(intention.title)}</b>",
        esc(organisation.name),
        "",
        esc(intention.description),
        "",
        t.gettext("Status: {status}").format(status=status_name(t, intention.status)),
        t.gettext("Due: {date}").format(date=t.date(intention.due_date)),
        t.gettext("Sector: {sector}").format(
            sector=esc(sector_name(t, sectors, intention.sector_id))
        ),
        t.gettext("Lever: {lever}").format(lever=lever_name(t, intention.lever)),
    ]
    if intention.preconditions:
        names = ", ".join(t.gettext(PRECONDITION[c].name) for c in intention.preconditions)
        lines.append(t.gettext("Preconditions: {names}").format(names=names))
    if intention.characteristics:
        names = ", ".join(t.gettext(CHARACTERISTIC[c].name) for c in intention.characteristics)
        lines.append(t.gettext("Characteristics: {names}").format(names=names))
    lines += [
        "",
        t.gettext("<b>Progress</b> {progress}").format(progress=progress(t, intention.fraction)),
    ]
    lines += [f"• {indicator_line(t, i)}" for i in intention.indicators]
    # The latest updates, as many as fit; the History button shows them all.
    latest = [history_line(t, intention, entry, 200) for entry in intention.history]
    if latest:
        shown = [*lines, "", t.gettext("<b>Latest updates</b>")]
        for line in latest:
            if shown_length("\n".join([*shown, line])) > CARD_BUDGET:
                break
            shown.append(line)
        if len(shown) > len(lines) + 2:
            lines = shown
    return "\n".join(lines)


CARD_BUDGET = 3900  # of Telegram's 4,096 characters, with room for a note above the card


def history_line(t: Translator, intention: Intention, entry: ProgressEntry, cut: int) -> str:
    """ "25/11/2026: Four mentees found work. (Jobs found: 4 people)"."""
    by_id = {i.id: i for i in intention.indicators}
    values = ", ".join(
        t.gettext("{name}: {value} {unit}").format(
            name=esc(_short(by_id[k].name, 30)), value=t.number(v), unit=esc(by_id[k].unit)
        )
        for k, v in entry.values.items()
        if k in by_id
    )
    text = entry.text if len(entry.text) <= cut else entry.text[: cut - 1] + "…"
    line = t.gettext("{date}: {text}").format(date=t.date(entry.at, "short"), text=esc(text))
    return f"{line} ({values})" if values else line


def history_page(
    t: Translator, intention: Intention, entries: list[ProgressEntry], page: int, total: int
) -> str:
    pages = max(1, -(-total // HISTORY_PAGE))
    lines = [
        t.gettext("<b>{title}</b>: progress, page {page} of {pages}").format(
            title=esc(intention.title), page=page + 1, pages=pages
        ),
        "",
    ]
    lines += [history_line(t, intention, entry, PROGRESS_MAX) for entry in entries]
    if not entries:
        lines.append(t.gettext("No progress logged yet."))
    return "\n".join(lines)


TEXT_PART = 3800  # of a long text, what goes in one message (with room for a heading)


def split_text(text: str, limit: int = TEXT_PART) -> list[str]:
    """A long (escaped, tag-free) text in parts that each fit in a message (`limit` as
    Telegram counts): at paragraph boundaries, else at line breaks, else at spaces."""
    parts: list[str] = []
    current = ""
    for piece in _pieces(text.strip(), limit):
        joined = f"{current}\n\n{piece}" if current else piece
        if current and units(joined) > limit:
            parts.append(current)
            current = piece
        else:
            current = joined
    if current:
        parts.append(current)
    return parts


def _pieces(text: str, limit: int) -> list[str]:
    """Paragraphs, each cut further when longer than `limit`."""
    pieces: list[str] = []
    for paragraph in (p.strip() for p in text.split("\n\n")):
        while units(paragraph) > limit:
            end = fitting(paragraph, limit)
            cut = paragraph.rfind("\n", 0, end)
            if cut <= 0:
                cut = paragraph.rfind(" ", 0, end)
            if cut <= 0:
                cut = end
                amp = paragraph.rfind("&", cut - 8, cut)  # not inside an escaped "&amp;"
                if amp > 0 and ";" not in paragraph[amp:cut]:
                    cut = amp
            pieces.append(paragraph[:cut].rstrip())
            paragraph = paragraph[cut:].lstrip()
        if paragraph:
            pieces.append(paragraph)
    return pieces


def within_budget(
    t: Translator, head: list[str], items: list[str], joiner: str = "\n"
) -> tuple[str, int]:
    """`head`, then as many `items` as fit in one message, then how many more there are;
    and how many items it shows."""
    lines = list(head)
    for n, item in enumerate(items):
        rest = len(items) - n
        more = t.ngettext("… and {n} more", "… and {n} more", rest).format(n=rest)
        if shown_length(joiner.join([*lines, item, more])) > CARD_BUDGET:
            return joiner.join([*lines, more]), n
        lines.append(item)
    return joiner.join(lines), len(items)


def history_keyboard(
    t: Translator, area: str, head: str, tail: str, page: int, total: int, back: str
) -> Markup:
    """« and » through the history (`area:history:<head><page><tail>`), and back to the card."""
    pages = max(1, -(-total // HISTORY_PAGE))
    row = []
    if page > 0:
        row.append(("«", f"{area}:history:{head}{page - 1}{tail}"))
    if page + 1 < pages:
        row.append(("»", f"{area}:history:{head}{page + 1}{tail}"))
    rows = [row] if row else []
    rows.append([(t.gettext("« Back to the card"), back)])
    return keyboard(rows)


def _short(text: str, limit: int) -> str:
    return cut(text, limit)


def organisation_summary(t: Translator, organisation: Organisation, sectors: list[Sector]) -> str:
    lines = [
        f"<b>{esc(organisation.name)}</b>",
        t.gettext("Sector: {sector}").format(
            sector=esc(sector_name(t, sectors, organisation.sector_id))
        ),
    ]
    if organisation.website:
        lines.append(t.gettext("Website: {url}").format(url=esc(organisation.website)))
    if organisation.description:
        lines.append(esc(organisation.description))
    if organisation.public and organisation.public_at:
        lines.append(
            t.gettext("On the pact's public page since {date}.").format(
                date=t.date(organisation.public_at, "short")
            )
        )
    elif organisation.public is False:
        lines.append(t.gettext("Not on the pact's public page."))
    else:
        lines.append(t.gettext("The pact's public page: not asked yet."))
    return "\n".join(lines)


def public_page_question(t: Translator) -> tuple[str, Markup]:
    """Asked once, after an organisation's first intention (`org:public:yes|no`)."""
    text = t.gettext(
        "Show your organisation's intentions and their progress on the pact's public page "
        "and in its open data? Anyone can read them there, also outside Telegram; your name "
        "and those of your colleagues never appear. You can change it later with /register."
    )
    return text, keyboard(
        [[(t.gettext("🌐 Yes, show them"), "org:public:yes"), (t.gettext("No"), "org:public:no")]]
    )


def report_line(t: Translator, report: BatchReport) -> str:
    """Where a bulk send stands, as the outbox reports it."""
    return t.gettext(
        "{sent} delivered, {pending} waiting, {blocked} blocked the bot, {failed} failed, "
        "{skipped} with nothing to send"
    ).format(
        sent=t.number(report.sent),
        pending=t.number(report.pending),
        blocked=t.number(report.blocked),
        failed=t.number(report.failed),
        skipped=t.number(report.skipped),
    )


def moment(t: Translator, when: dt.datetime) -> str:
    """ "Tuesday, 1 December 2026 at 14:30" in the person's language and the pact's zone."""
    return t.gettext("{date} at {time}").format(date=t.date(when, "full"), time=t.time(when))


def duration_text(t: Translator, minutes: int) -> str:
    """ "7 days", "2 hours", "1 hour 30 minutes", "45 minutes"."""
    if minutes and minutes % 1440 == 0:
        days = minutes // 1440
        return t.ngettext("{n} day", "{n} days", days).format(n=days)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(t.ngettext("{n} hour", "{n} hours", hours).format(n=hours))
    if rest or not hours:
        parts.append(t.ngettext("{n} minute", "{n} minutes", rest).format(n=rest))
    return " ".join(parts)


def offset_text(t: Translator, minutes: int) -> str:
    """A reminder offset in one unit ("2 days", "36 hours", "90 minutes"), as the offsets
    question reads it back."""
    if minutes % 1440 == 0:
        return t.ngettext("{n} day", "{n} days", minutes // 1440).format(n=minutes // 1440)
    if minutes % 60 == 0:
        return t.ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)
    return t.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def how_soon(t: Translator, start: dt.datetime, now: dt.datetime) -> str:
    """When something starts, seen from `now`: "today at 14:30, in 2 hours", "tomorrow
    at 14:30", "in 7 days, on Tuesday, 1 December 2026 at 14:30"."""
    days = (start.astimezone(t.tz).date() - now.astimezone(t.tz).date()).days
    if days <= 0:
        minutes = max(round((start - now).total_seconds() / 60), 0)
        return t.gettext("today at {time}, in {duration}").format(
            time=t.time(start), duration=duration_text(t, minutes)
        )
    if days == 1:
        return t.gettext("tomorrow at {time}").format(time=t.time(start))
    return t.ngettext("in {n} day, on {moment}", "in {n} days, on {moment}", days).format(
        n=days, moment=moment(t, start)
    )


def session_when(t: Translator, session: Session) -> str:
    """ "Monday 30 November 2026, 14:30–16:00" in the person's language and the pact's zone."""
    return t.gettext("{day}, {start}–{end}").format(
        day=t.date(session.start, "full"), start=t.time(session.start), end=t.time(session.end)
    )


def session_details(t: Translator, session: Session) -> str:
    lines = [f"<b>{esc(session.title)}</b>", f"🗓 {session_when(t, session)}"]
    if session.place:
        lines.append(f"📍 {esc(session.place)}")
    if session.url:
        lines.append(f"🔗 {esc(session.url)}")
    lines += ["", esc(session.agenda)]
    return "\n".join(lines)


def rsvp_name(t: Translator, rsvp: str | None) -> str:
    names = {"yes": N_("yes"), "maybe": N_("maybe"), "no": N_("no")}
    return t.gettext(names[rsvp]) if rsvp in names else t.gettext("no answer yet")


def figure_lines(t: Translator, figures: Figures, sectors: list[Sector]) -> list[str]:
    """How many endorsed, personally and on behalf of organisations (per sector), and
    where moderation stands."""
    lines = [
        t.gettext(
            "Endorsements: {total} ({personal} personal, {on_behalf} on behalf of organisations)"
        ).format(
            total=t.number(figures.total),
            personal=t.number(figures.personal),
            on_behalf=t.number(figures.on_behalf),
        ),
        t.gettext(
            "{approved} approved, {waiting} waiting for review, {rejected} not approved"
        ).format(
            approved=t.number(figures.approved),
            waiting=t.number(figures.waiting),
            rejected=t.number(figures.rejected),
        ),
    ]
    if figures.per_sector:
        lines.append(t.gettext("On behalf of organisations, per sector:"))
    lines += [
        "• "
        + t.gettext("{label}: {value}").format(
            label=esc(sector_name(t, sectors, sector_id)), value=t.number(count)
        )
        for sector_id, count in sorted(figures.per_sector.items())
    ]
    return lines


def digest_offer_button(t: Translator, sector: Sector) -> list[tuple[str, str]]:
    label = t.gettext("📬 Weekly digest: {sector}").format(sector=cut(sector.name(t.locale), 30))
    return [(label, f"fol:quick:{sector.id}")]


def sending_time(t: Translator, messages: int, rate: float) -> str:
    """How long `messages` take at `rate` a second, as the team reads it before sending."""
    seconds = messages / rate if rate else 0.0
    if seconds < 60:
        return t.gettext("less than a minute")
    return t.gettext("about {minutes} min").format(minutes=t.number(math.ceil(seconds / 60)))


def public_page_line(t: Translator, public_url: str | None) -> str | None:
    """Where anyone can follow the pact, when the bot serves its public page."""
    if not public_url:
        return None
    return t.gettext("🌐 Anyone can follow the commitments here: {url}").format(url=esc(public_url))
