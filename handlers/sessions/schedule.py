"""/newsession: the pact team schedules a follow-up session for one or more sectors; every
contact there is invited, reminded and asked what comes next (handlers/session_messages.py)."""

from __future__ import annotations

import datetime as dt

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import NotAllowed
from bot.services.sessions import (
    DEFAULT_OFFSETS,
    SessionDraft,
    check_agenda,
    check_place,
    check_title,
)
from handlers.kit.common import (
    esc,
    no_longer_valid,
    parse_id,
    sector_boxes,
    send,
    toggle_sector,
    user_id_of,
)
from handlers.kit.flow import DONE, STAY, Draft, Flow, Question, Step, ask, goto, keep
from handlers.kit.render import offset_text, sector_name


def _offsets_text(context: PactContext, offsets: list[int]) -> str:
    """ "7 days, 1 day, 2 hours": what the offsets question accepts back as typed."""
    return ", ".join(offset_text(context.i18n, minutes) for minutes in offsets)


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    await context.services.team.require_member(user_id_of(update))
    draft.update(sectors=[], all=False, offsets=list(DEFAULT_OFFSETS))
    return None


async def _ask_sectors(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    rows = [[(("☑ " if draft["all"] else "☐ ") + t.gettext("All sectors"), "ns:sector:all")]]
    rows += sector_boxes(t, await context.services.sectors.all(), draft["sectors"], "ns")
    rows.append([(t.gettext("Done"), "ns:sector:done")])
    return t.gettext("For which sectors? Tick one or more, then Done."), rows


async def _on_sectors(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "sector":
        raise no_longer_valid()
    if value == "done":
        if not draft["all"] and not draft["sectors"]:
            raise NotAllowed(N_("Tick at least one sector, or All sectors."))
        t = context.i18n
        sectors = await context.services.sectors.all()
        draft["_answered"] = (
            t.gettext("All sectors")
            if draft["all"]
            else ", ".join(sector_name(t, sectors, s) for s in draft["sectors"])
        )
        return None
    if value == "all":
        draft["all"], draft["sectors"] = not draft["all"], []
        return STAY
    await toggle_sector(context, draft["sectors"], value)
    draft["all"] = False
    return STAY


async def _ask_start(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    services = context.services
    example = validation.format_datetime_example(t.locale, t.tz, services.clock.now())
    return t.gettext("When does it start? Write the date and time, like {example}.").format(
        example=example
    ), []


async def on_start(context: PactContext, draft: Draft, text: str) -> str | None:
    """A session's start, typed as the person writes dates and times."""
    t = context.i18n
    start = validation.moment(text, t.locale, t.tz, context.services.clock.now())
    draft["start"] = start.isoformat()
    return None


# Written as each language writes them (1u30 in Dutch): the labels a person can also type.
DURATIONS = ((N_("1h"), 60), (N_("1h30"), 90), (N_("2h"), 120), (N_("3h"), 180))


async def _ask_duration(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    rows = [[(t.gettext(label), f"ns:duration:{minutes}") for label, minutes in DURATIONS]]
    return t.gettext("How long? Pick one or type it, like 90 or 1h30."), rows


async def _on_duration_button(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "duration":
        raise no_longer_valid()
    draft["duration"] = validation.duration(str(parse_id(value)))
    return None


async def _ask_url(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    return t.gettext("Online link? Send it, or say there is none."), [
        [(t.gettext("No online link"), "ns:url:none")]
    ]


async def _on_url_button(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "url" or value != "none":
        raise no_longer_valid()
    if not draft.get("place"):
        raise NotAllowed(N_("Give a place, an online link, or both."))
    draft.pop("url", None)
    return None


async def _ask_offsets(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext(
        "Reminders go {offsets} before the start. Keep them, or type others like 3d, 2h."
    ).format(offsets=_offsets_text(context, draft["offsets"]))
    return text, [[(t.gettext("Keep these"), "ns:offsets:keep")]]


async def _on_offsets_button(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "offsets" or value != "keep":
        raise no_longer_valid()
    return None


def _draft_session(draft: Draft) -> SessionDraft:
    return SessionDraft(
        title=draft["title"],
        sector_ids=None if draft["all"] else draft["sectors"],
        start=dt.datetime.fromisoformat(draft["start"]),
        duration_minutes=draft["duration"],
        place=draft.get("place"),
        url=draft.get("url"),
        agenda=draft["agenda"],
        offsets=draft["offsets"],
    )


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    sectors = await context.services.sectors.all()
    names = (
        t.gettext("All sectors")
        if draft["all"]
        else ", ".join(s.name(t.locale) for s in sectors if s.id in draft["sectors"])
    )
    start = dt.datetime.fromisoformat(draft["start"])
    end = start + dt.timedelta(minutes=draft["duration"])
    lines = [
        t.gettext("<b>Check and confirm</b>"),
        f"<b>{esc(draft['title'])}</b>",
        t.gettext("Sectors: {names}").format(names=esc(names)),
        f"🗓 {t.date(start, 'full')}, {t.time(start)}–{t.time(end)}",
    ]
    if draft.get("place"):
        lines.append(f"📍 {esc(draft['place'])}")
    if draft.get("url"):
        lines.append(f"🔗 {esc(draft['url'])}")
    lines += [
        t.gettext("Reminders: {offsets} before").format(
            offsets=_offsets_text(context, draft["offsets"])
        ),
        "",
        esc(draft["agenda"]),
    ]
    return "\n".join(lines), [
        [(t.gettext("✅ Schedule and invite"), "ns:ok:")],
        [
            (t.gettext("Change title"), "ns:edit:title"),
            (t.gettext("Change start"), "ns:edit:start"),
        ],
        [(t.gettext("Change agenda"), "ns:edit:agenda")],
    ]


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action == "ok":
        return DONE
    if action == "edit" and value in ("title", "start", "agenda"):
        return goto(value)
    raise no_longer_valid()


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    session, invited = await context.services.sessions.schedule(
        user_id_of(update), _draft_session(draft)
    )
    t = context.i18n
    text = t.ngettext(
        "Scheduled: {title}. {n} contact is invited.",
        "Scheduled: {title}. {n} contacts are invited.",
        invited,
    ).format(title=f"<b>{esc(session.title)}</b>", n=invited)
    await send(update, context, text)


NEW_SESSION = Flow(
    name="ns",
    command="newsession",
    begin=_begin,
    finish=_finish,
    steps=(
        Step(
            "title",
            ask(N_("Title of the session? (at most 120 characters)")),
            on_text=keep("title", check_title),
        ),
        Step("sectors", _ask_sectors, on_button=_on_sectors),
        Step("start", _ask_start, on_text=on_start),
        Step(
            "duration",
            _ask_duration,
            on_text=keep("duration", validation.duration),
            on_button=_on_duration_button,
        ),
        Step(
            "place",
            ask(N_("Where? Give the address, or press Skip for an online session.")),
            on_text=keep("place", check_place),
            skippable=True,
        ),
        Step("url", _ask_url, on_text=keep("url", validation.website), on_button=_on_url_button),
        Step(
            "agenda",
            ask(N_("The agenda? (at most 1,000 characters)")),
            on_text=keep("agenda", check_agenda),
        ),
        Step(
            "offsets",
            _ask_offsets,
            on_text=keep("offsets", validation.offsets),
            on_button=_on_offsets_button,
        ),
        Step("review", _ask_review, on_button=_on_review),
    ),
)
