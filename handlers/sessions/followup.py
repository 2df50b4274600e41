"""After a session: someone who came says what their organisation will do next, and it
becomes a progress update on one of its intentions."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_
from bot.measure import cut
from bot.services.errors import NotAllowed
from bot.services.intentions import check_progress_text
from handlers.kit.common import (
    callback_number,
    esc,
    no_longer_valid,
    parse_id,
    send,
    user_id_of,
)
from handlers.kit.flow import DONE, Draft, Flow, Question, Step, ask, keep


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
    rows = [
        [(cut(title, 60), f"next:pick:{intention_id}")] for intention_id, title in draft["choices"]
    ]
    return context.i18n.gettext("For which intention is this a progress update?"), rows


async def _on_next_intention(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "pick" or parse_id(value) not in [c[0] for c in draft["choices"]]:
        raise no_longer_valid()
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
