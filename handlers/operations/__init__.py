"""The bot looking after itself: the nightly backup and the owners' alerts (a job every
minute), and the team's status view in /admin (`status`, `messages`)."""

from bot.context import PactContext
from bot.i18n import N_
from handlers.kit.feature import DeskView, Feature, Job
from handlers.operations import messages, status


async def _watch(context: PactContext) -> None:
    await context.services.operations.watch()


FEATURE = Feature(
    name="operations",
    buttons={"ops": status.on_button},
    kinds=messages.kinds,
    jobs=(Job("operations:watch", 60, _watch, first=5),),
    desk=(DeskView("status", N_("🩺 Status"), status.status),),
)
