"""The last resort: a refusal a service raised is shown politely; anything else is logged
with its update and the person gets an apology. The bot keeps running either way."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import PactContext
from bot.services.errors import ServiceError
from handlers.kit.common import refuse

_LOGGER = logging.getLogger("pactbot.errors")


async def on_error(update: object, context: PactContext) -> None:
    error = context.error
    if not isinstance(update, Update) or update.effective_chat is None:
        _LOGGER.error("error outside an update: %r", update, exc_info=error)
        return
    try:
        t = await context.load_locale()
        if isinstance(error, ServiceError):
            await refuse(update, context, error)
            return
        _LOGGER.error("error while handling update %s", update.to_dict(), exc_info=error)
        await context.bot.send_text(
            update.effective_chat.id,
            t.gettext("Sorry, something went wrong on my side. Please try again in a moment."),
        )
    except Exception:  # the answer itself must never take the bot down
        _LOGGER.exception("could not answer after an error (%r)", error)
