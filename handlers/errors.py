"""The last resort: log the error with its update, apologise, keep running."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import PactContext

_LOGGER = logging.getLogger("pactbot.errors")


async def on_error(update: object, context: PactContext) -> None:
    update_text = update.to_dict() if isinstance(update, Update) else repr(update)
    _LOGGER.error("error while handling update %s", update_text, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        t = await context.load_locale()
        await context.bot.send_message(
            update.effective_chat.id,
            t.gettext("Sorry, something went wrong on my side. Please try again in a moment."),
        )
    except Exception:  # the apology itself must never take the bot down
        _LOGGER.exception("could not send the apology")
