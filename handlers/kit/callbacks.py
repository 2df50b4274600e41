"""Button presses outside conversations, routed by the area their data start with.

Callback data are `area:action:value`; each area belongs to one feature (its `buttons`),
whose function checks for itself that the person pressing may do this to this object.
"""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from handlers.kit import fallback
from handlers.kit.feature import wiring


async def route(update: Update, context: PactContext) -> None:
    query = update.callback_query
    data = (query.data if query else None) or ""
    area, _, rest = data.partition(":")
    action, _, value = rest.partition(":")
    target = wiring(context).routes.get(area)
    if target is None:
        await fallback.stale_button(update, context)
        return
    await target(update, context, action, value)
