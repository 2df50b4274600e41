"""The last resort: a refusal a service raised is shown politely; anything else is logged
with its update and the person gets an apology. The bot keeps running either way. A chat
that blocked the bot (Telegram answers 403) gets nothing more: one log line, and the
person is marked unreachable."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden

from bot.context import PactContext
from bot.services.errors import ServiceError
from handlers.kit.common import refuse

_LOGGER = logging.getLogger("pactbot.errors")


async def on_error(update: object, context: PactContext) -> None:
    error = context.error
    if not isinstance(update, Update) or update.effective_chat is None:
        _LOGGER.error("error outside an update", exc_info=error)
        if error is not None:
            await context.services.alerts.report(f"error: {where(error)}", where(error))
        return
    if isinstance(error, Forbidden):
        await _blocked(update, context, error)
        return
    try:
        t = await context.load_locale()
        if isinstance(error, ServiceError):
            await refuse(update, context, error)
            return
        # The update's id, never what a person wrote; the owners hear of it once an hour.
        _LOGGER.error("error while handling update %s", update.update_id, exc_info=error)
        if error is not None:
            await context.services.alerts.report(f"error: {where(error)}", where(error))
        await context.bot.send_text(
            update.effective_chat.id,
            t.gettext("Sorry, something went wrong on my side. Please try again in a moment."),
        )
    except Forbidden as blocked:  # blocked meanwhile: the apology cannot reach them
        await _blocked(update, context, blocked)
    except Exception:  # the answer itself must never take the bot down
        _LOGGER.exception("could not answer after an error (%r)", error)


def where(error: BaseException) -> str:
    """The kind of error and the place in the bot's own code it came from: what the owners
    read, never a person's data."""
    place = "?"
    trace = error.__traceback__
    while trace is not None:
        module = trace.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("bot.", "handlers.")):
            place = f"{module}.{trace.tb_frame.f_code.co_name}"
        trace = trace.tb_next
    return f"{type(error).__name__} in {place}"


async def _blocked(update: Update, context: PactContext, error: Forbidden) -> None:
    """The chat blocked the bot: no apology (it would get a 403 too), one line logged."""
    chat = update.effective_chat
    _LOGGER.info(
        "update %s: chat %s blocked the bot (%s)",
        update.update_id,
        chat.id if chat else "?",
        error.message,
    )
    if chat is not None and chat.type == "private":
        try:
            await context.services.people.mark_unreachable(chat.id)
        except Exception:  # the database too: say so, once
            _LOGGER.exception("could not mark chat %s unreachable", chat.id)
