"""Moving and editing a session from its card: the invitees are told, with a new calendar
file, and the reminders follow the new time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import NotAllowed
from bot.services.sessions import (
    check_agenda,
    check_place,
    check_title,
)
from handlers.kit.common import (
    callback_number,
    esc,
    no_longer_valid,
    send,
    user_id_of,
)
from handlers.kit.flow import DONE, Draft, Flow, Question, Step
from handlers.kit.render import session_details
from handlers.sessions.schedule import on_start


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
        raise no_longer_valid()
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
        Step("start", _ask_new_start, on_text=on_start),
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
        raise no_longer_valid()
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
