"""What happens outside any conversation: /cancel, stray text, unknown commands, stale buttons."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from handlers.kit.common import no_longer_valid, refuse, send


async def nothing_to_cancel(update: Update, context: PactContext) -> None:
    """/cancel when no conversation is going on."""
    await send(update, context, context.i18n.gettext("There is nothing to cancel."))


async def stray_text(update: Update, context: PactContext) -> None:
    """Text that answers no question: point to /help."""
    await send(
        update,
        context,
        context.i18n.gettext("I did not ask anything. Type /help to see what I can do."),
    )


async def unknown_command(update: Update, context: PactContext) -> None:
    await send(
        update,
        context,
        context.i18n.gettext("I do not know that command. Type /help to see what I can do."),
    )


async def stale_button(update: Update, context: PactContext) -> None:
    """A button from an old message, or forged data."""
    await refuse(update, context, no_longer_valid())
