"""The bot looking after itself: the nightly backup and the owners' alerts (a job every
minute), and the team's status view in /admin (`status`, `messages`)."""

import asyncio
import logging

from bot.context import PactContext
from bot.i18n import N_
from handlers.kit.feature import DeskView, Feature, Job
from handlers.operations import messages, status


async def _watch(context: PactContext) -> None:
    await context.services.operations.watch()


async def _integrity(context: PactContext) -> None:
    """Once the bot is up: SQLite's `quick_check` of the whole database, in a worker
    thread. A damaged database stops the bot, saying which backup to restore."""
    from bot.app import PactApplication
    from bot.operator import damaged

    problem = await asyncio.to_thread(damaged, context.services.settings, True)
    if problem is None:
        return
    logging.getLogger("pactbot").error(problem)
    await context.services.alerts.report("database", problem)
    if isinstance(context.application, PactApplication):
        context.application.halt(problem)


FEATURE = Feature(
    name="operations",
    buttons={"ops": status.on_button},
    kinds=messages.kinds,
    jobs=(
        Job("operations:watch", 60, _watch, first=5),
        Job("operations:integrity", 0, _integrity, first=10, once=True),
    ),
    desk=(DeskView("status", N_("🩺 Status"), status.status),),
)
