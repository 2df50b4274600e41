"""/sessions: contacts see their invitations and answer them; the team sees every upcoming
session with its answers, opens its card, cancels it, and downloads the attendance list."""

from __future__ import annotations

import contextlib
import csv
import io

from telegram import Update
from telegram.error import TelegramError

from bot.context import PactContext
from bot.measure import cut
from bot.services.errors import Invalid
from handlers.kit.common import (
    answer,
    esc,
    keyboard,
    no_longer_valid,
    parse_id,
    send,
    show,
    user_id_of,
)
from handlers.kit.render import (
    rsvp_name,
    session_details,
    session_when,
    within_budget,
)
from handlers.sessions.messages import rsvp_keyboard

MAX_LISTED = 30  # sessions on the team's list (a button each)


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
            rows.append([(cut(item.session.title, 40), f"ses:open:{item.session.id}")])
        if not upcoming:
            items.append(t.gettext("None yet. /newsession schedules one."))
        text, shown = within_budget(t, [t.gettext("<b>Upcoming sessions</b>")], items, "\n\n")
        await send(update, context, text, keyboard(rows[:shown]))
    elif not mine:
        await send(update, context, t.gettext("You have no upcoming sessions."))


async def on_rsvp(update: Update, context: PactContext, action: str, value: str) -> None:
    """`rsvp:<yes|maybe|no>:<session>`: only an invitee, only before the start. Once the
    session started or was cancelled, the buttons go from the message pressed."""
    t = context.i18n
    query = update.callback_query
    assert query is not None
    try:
        session = await context.services.sessions.answer(
            user_id_of(update), parse_id(value), action
        )
    except Invalid:
        if query.message is not None:
            with contextlib.suppress(TelegramError):
                await context.bot.edit_markup(
                    query.message.chat.id, query.message.message_id, {"inline_keyboard": []}
                )
        raise
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
        raise no_longer_valid()
