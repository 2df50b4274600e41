"""Button presses outside conversations, routed by the prefix of their data.

Callback data are `area:action:value`; each area's function checks for itself that the
person pressing may do this to this object.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import PactContext
from handlers import fallback

Route = Callable[[Update, PactContext, str, str], Awaitable[None]]

ROUTES: dict[str, Route] = {}


async def route(update: Update, context: PactContext) -> None:
    query = update.callback_query
    data = (query.data if query else None) or ""
    area, _, rest = data.partition(":")
    action, _, value = rest.partition(":")
    target = ROUTES.get(area)
    if target is None:
        await fallback.stale_button(update, context)
        return
    await target(update, context, action, value)
