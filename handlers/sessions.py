"""/newsession and /sessions: the team schedules follow-up sessions per sector; contacts
answer their invitations; after a session, attendees say what they will do next."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import NotAllowed
from bot.services.intentions import check_progress_text
from bot.services.sessions import (
    DEFAULT_OFFSETS,
    SessionDraft,
    check_agenda,
    check_place,
    check_title,
)
from handlers.common import (
    answer,
    callback_number,
    esc,
    keyboard,
    parse_id,
    send,
    show,
    user_id_of,
)
from handlers.flow import DONE, STAY, Draft, Flow, Question, Step, ask, goto, keep
from handlers.render import (
    offset_text,
    rsvp_name,
    session_details,
    session_when,
    within_budget,
)
from handlers.session_messages import rsvp_keyboard

MAX_LISTED = 30  # sessions on the team's list (a button each)


def _offsets_text(context: PactContext, offsets: list[int]) -> str:
    """ "7 days, 1 day, 2 hours": what the offsets question accepts back as typed."""
    return ", ".join(offset_text(context.i18n, minutes) for minutes in offsets)


# -- /newsession ------------------------------------------------------------------------------


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    await context.services.team.require_member(user_id_of(update))
    draft.update(sectors=[], all=False, offsets=list(DEFAULT_OFFSETS))
    return None


async def _ask_sectors(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    rows = [[(("☑ " if draft["all"] else "☐ ") + t.gettext("All sectors"), "ns:sector:all")]]
    for sector in await context.services.sectors.all():
        mark = "☑ " if sector.id in draft["sectors"] else "☐ "
        rows.append([(mark + sector.name(t.locale), f"ns:sector:{sector.id}")])
    rows.append([(t.gettext("Done"), "ns:sector:done")])
    return t.gettext("For which sectors? Tick one or more, then Done."), rows


async def _on_sectors(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "sector":
        raise NotAllowed(N_("This button is no longer valid."))
    if value == "done":
        if not draft["all"] and not draft["sectors"]:
            raise NotAllowed(N_("Tick at least one sector, or All sectors."))
        return None
    if value == "all":
        draft["all"], draft["sectors"] = not draft["all"], []
        return STAY
    sector_id = (await context.services.sectors.get(parse_id(value))).id
    chosen: list[int] = draft["sectors"]
    chosen.remove(sector_id) if sector_id in chosen else chosen.append(sector_id)
    draft["all"] = False
    return STAY


async def _ask_start(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    services = context.services
    example = validation.format_datetime_example(t.locale, t.tz, services.clock.now())
    return t.gettext("When does it start? Write the date and time, like {example}.").format(
        example=example
    ), []


async def _on_start(context: PactContext, draft: Draft, text: str) -> str | None:
    t = context.i18n
    start = validation.moment(text, t.locale, t.tz, context.services.clock.now())
    draft["start"] = start.isoformat()
    return None


async def _ask_duration(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    rows = [
        [
            (label, f"ns:duration:{minutes}")
            for label, minutes in (("1h", 60), ("1h30", 90), ("2h", 120), ("3h", 180))
        ]
    ]
    return t.gettext("How long? Pick one or type it, like 90 or 1h30."), rows


async def _on_duration_button(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "duration":
        raise NotAllowed(N_("This button is no longer valid."))
    draft["duration"] = validation.duration(str(parse_id(value)))
    return None


async def _ask_url(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    return t.gettext("Online link? Send it, or say there is none."), [
        [(t.gettext("No online link"), "ns:url:none")]
    ]


async def _on_url_button(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "url" or value != "none":
        raise NotAllowed(N_("This button is no longer valid."))
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
        raise NotAllowed(N_("This button is no longer valid."))
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
    raise NotAllowed(N_("This button is no longer valid."))


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
        Step("start", _ask_start, on_text=_on_start),
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


# -- /sessions --------------------------------------------------------------------------------


async def sessions(update: Update, context: PactContext) -> None:
    """Team members see every upcoming session with its answers; contacts see theirs."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    mine = await services.sessions.upcoming_for(person_id)
    for session, rsvp in mine:
        text = "\n\n".join(
            (
                session_details(t, session),
                t.gettext("Your answer: {answer}").format(answer=rsvp_name(t, rsvp)),
            )
        )
        await send(update, context, text, rsvp_keyboard(t, session.id, rsvp))
    if await services.team.is_member(person_id):
        upcoming = await services.sessions.upcoming(person_id)
        items: list[str] = []
        rows = []
        for item in upcoming[:MAX_LISTED]:
            items.append(
                t.gettext(
                    "{title} — {when}: {yes} yes, {maybe} maybe, {no} no, of {invited}"
                ).format(
                    title=f"<b>{esc(item.session.title)}</b>",
                    when=session_when(t, item.session),
                    yes=item.yes,
                    maybe=item.maybe,
                    no=item.no,
                    invited=item.invited,
                )
            )
            rows.append([(item.session.title[:40], f"ses:open:{item.session.id}")])
        if not upcoming:
            items.append(t.gettext("None yet. /newsession schedules one."))
        text, shown = within_budget(t, [t.gettext("<b>Upcoming sessions</b>")], items, "\n\n")
        await send(update, context, text, keyboard(rows[:shown]))
    elif not mine:
        await send(update, context, t.gettext("You have no upcoming sessions."))


async def on_rsvp(update: Update, context: PactContext, action: str, value: str) -> None:
    """`rsvp:<yes|maybe|no>:<session>`: only an invitee, only before the start."""
    t = context.i18n
    session = await context.services.sessions.answer(user_id_of(update), parse_id(value), action)
    query = update.callback_query
    assert query is not None
    thanks = t.gettext("Thank you. Your answer: {answer}").format(answer=rsvp_name(t, action))
    await answer(update, context, thanks)
    if query.message is not None:
        await context.bot.edit_markup(
            query.message.chat.id, query.message.message_id, rsvp_keyboard(t, session.id, action)
        )


async def on_session_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`ses:open|cancel|cancelok|csv:<session>` for the team; each re-checks membership."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    session_id = parse_id(value)
    if action == "open":
        session = await services.sessions.for_team(person_id, session_id)
        report = await services.sessions.invitation_report(person_id, session_id)
        text = "\n\n".join(
            (
                session_details(t, session),
                t.gettext(
                    "Invitations: {sent} delivered, {pending} waiting, {blocked} blocked the "
                    "bot, {failed} failed"
                ).format(
                    sent=report.sent,
                    pending=report.pending,
                    blocked=report.blocked,
                    failed=report.failed,
                ),
            )
        )
        if session.state == "cancelled":
            text += "\n\n" + t.gettext("This session is cancelled.")
            await show(update, context, text)
            return
        buttons = keyboard(
            [
                [
                    (t.gettext("🕑 Move"), f"mv:start:{session_id}"),
                    (t.gettext("✏️ Edit"), f"sed:start:{session_id}"),
                ],
                [(t.gettext("📋 Attendance list"), f"ses:csv:{session_id}")],
                [(t.gettext("Cancel the session"), f"ses:cancel:{session_id}")],
            ]
        )
        await show(update, context, text, buttons)
    elif action == "cancel":
        session = await services.sessions.for_team(person_id, session_id)
        question = t.gettext("Cancel {title}? Every invitee will be told.").format(
            title=f"<b>{esc(session.title)}</b>"
        )
        buttons = keyboard(
            [
                [(t.gettext("Yes, cancel it"), f"ses:cancelok:{session_id}")],
                [(t.gettext("No"), f"ses:open:{session_id}")],
            ]
        )
        await show(update, context, question, buttons)
    elif action == "cancelok":
        session = await services.sessions.cancel(person_id, session_id)
        await show(
            update,
            context,
            t.gettext("{title} is cancelled; the invitees are being told.").format(
                title=f"<b>{esc(session.title)}</b>"
            ),
        )
    elif action == "csv":
        session, attendees = await services.sessions.attendance(person_id, session_id)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            [
                t.gettext("Organisation"),
                t.gettext("Name"),
                t.gettext("Answer"),
                t.gettext("Answered at"),
            ]
        )
        for a in attendees:
            answered = t.datetime(a.answered_at, "short") if a.answered_at else ""
            writer.writerow([a.organisation, a.name, rsvp_name(t, a.rsvp), answered])
        await context.bot.send_document(
            person_id,
            document=out.getvalue().encode("utf-8-sig"),
            filename=f"attendance-session-{session.id}.csv",
            caption=t.gettext("Attendance for {title}").format(title=esc(session.title)),
        )
        await answer(update, context)
    else:
        raise NotAllowed(N_("This button is no longer valid."))


# -- moving and editing a session ----------------------------------------------------------------


async def _begin_team_card(update: Update, context: PactContext, draft: Draft) -> str | None:
    session = await context.services.sessions.for_team(user_id_of(update), callback_number(update))
    if session.state != "scheduled":
        raise NotAllowed(N_("That session was cancelled."))
    draft["session_id"], draft["title"] = session.id, session.title
    return None


async def _ask_new_start(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    example = validation.format_datetime_example(t.locale, t.tz, context.services.clock.now())
    return t.gettext("New start of {title}? Write the date and time, like {example}.").format(
        title=f"<b>{esc(draft['title'])}</b>", example=example
    ), []


async def _ask_move_confirm(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    start = dt.datetime.fromisoformat(draft["start"])
    text = t.gettext(
        "Move {title} to {when}? Every invitee will be told, with a new calendar file."
    ).format(title=f"<b>{esc(draft['title'])}</b>", when=f"{t.date(start, 'full')} {t.time(start)}")
    return text, [[(t.gettext("✅ Move it"), "mv:ok:")]]


async def _on_move_confirm(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "ok":
        raise NotAllowed(N_("This button is no longer valid."))
    return DONE


async def _finish_move(update: Update, context: PactContext, draft: Draft) -> None:
    session = await context.services.sessions.move(
        user_id_of(update), draft["session_id"], dt.datetime.fromisoformat(draft["start"])
    )
    t = context.i18n
    await send(
        update,
        context,
        t.gettext("Moved. The invitees are being told:") + "\n\n" + session_details(t, session),
    )


MOVE = Flow(
    name="mv",
    entry_pattern=r"^mv:start:\d+$",
    begin=_begin_team_card,
    finish=_finish_move,
    steps=(
        Step("start", _ask_new_start, on_text=_on_start),
        Step("confirm", _ask_move_confirm, on_button=_on_move_confirm),
    ),
)


async def _ask_session_field(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    return t.gettext("What do you want to change?"), [
        [(t.gettext("Title"), "sed:field:title"), (t.gettext("Place"), "sed:field:place")],
        [
            (t.gettext("Online link"), "sed:field:url"),
            (t.gettext("Duration"), "sed:field:duration_minutes"),
        ],
        [(t.gettext("Agenda"), "sed:field:agenda")],
    ]


async def _on_session_field(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "field" or value not in ("title", "place", "url", "duration_minutes", "agenda"):
        raise NotAllowed(N_("This button is no longer valid."))
    draft["field"] = value
    return None


async def _ask_session_value(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    prompts = {
        "title": N_("Title of the session? (at most 120 characters)"),
        "place": N_("Where? Give the address."),
        "url": N_("The online link?"),
        "duration_minutes": N_("How long? Type it, like 90 or 1h30."),
        "agenda": N_("The agenda? (at most 1,000 characters)"),
    }
    prompt = prompts[draft["field"]]
    return t.gettext(prompt), []


async def _on_session_value(context: PactContext, draft: Draft, text: str) -> str | None:
    checks: dict[str, Callable[[str], str | int]] = {
        "title": check_title,
        "place": check_place,
        "url": validation.website,
        "agenda": check_agenda,
        "duration_minutes": validation.duration,
    }
    draft["value"] = checks[draft["field"]](text)
    return DONE


async def _finish_edit(update: Update, context: PactContext, draft: Draft) -> None:
    await context.services.sessions.edit(
        user_id_of(update), draft["session_id"], draft["field"], draft["value"]
    )
    await send(update, context, context.i18n.gettext("Saved. The invitees are being told."))


EDIT_SESSION = Flow(
    name="sed",
    entry_pattern=r"^sed:start:\d+$",
    begin=_begin_team_card,
    finish=_finish_edit,
    steps=(
        Step("field", _ask_session_field, on_button=_on_session_field),
        Step("value", _ask_session_value, on_text=_on_session_value),
    ),
)


# -- after the session: what next ----------------------------------------------------------------


async def _begin_next(update: Update, context: PactContext, draft: Draft) -> str | None:
    session_id = callback_number(update)
    session = await context.services.sessions.get(session_id)
    rsvp = await context.services.sessions.rsvp_of(user_id_of(update), session_id)
    if session is None or rsvp is None:
        raise NotAllowed(N_("You are not invited to that session."))
    _, intentions = await context.services.intentions.mine(user_id_of(update))
    draft["choices"] = [[i.id, i.title] for i in intentions if i.status != "withdrawn"]
    if not draft["choices"]:
        raise NotAllowed(N_("Your organisation has no intentions yet. Record one with /intention."))
    draft["session_title"] = session.title
    return None


async def _ask_next_intention(context: PactContext, draft: Draft) -> Question:
    rows = [[(title[:60], f"next:pick:{intention_id}")] for intention_id, title in draft["choices"]]
    return context.i18n.gettext("For which intention is this a progress update?"), rows


async def _on_next_intention(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "pick" or parse_id(value) not in [c[0] for c in draft["choices"]]:
        raise NotAllowed(N_("This button is no longer valid."))
    draft["intention_id"] = parse_id(value)
    return DONE


async def _finish_next(update: Update, context: PactContext, draft: Draft) -> None:
    t = context.i18n
    text = f"{draft['text']}\n({draft['session_title']})"
    intention = await context.services.intentions.log_progress(
        user_id_of(update), draft["intention_id"], text[:500], {}
    )
    await send(
        update,
        context,
        t.gettext("Saved as progress on {title}.").format(title=f"<b>{esc(intention.title)}</b>"),
    )


NEXT_STEP = Flow(
    name="next",
    entry_pattern=r"^next:start:\d+$",
    begin=_begin_next,
    finish=_finish_next,
    steps=(
        Step(
            "text",
            ask(N_("What will your organisation do next? (at most 500 characters)")),
            on_text=keep("text", check_progress_text),
        ),
        Step("intention", _ask_next_intention, on_button=_on_next_intention),
    ),
)
