"""What the bot tells a person about the team on its own: that they joined it, or left."""

from __future__ import annotations

from bot.delivery.kinds import Kind, Skip, Text
from bot.delivery.outbox import Due
from bot.i18n import Translator
from bot.services import Services


def kinds(services: Services) -> list[Kind]:
    async def added(message: Due, t: Translator) -> Text:
        assert message.person_id is not None
        if not await services.team.is_member(message.person_id):
            raise Skip("removed again since")
        return Text(
            t.gettext(
                "You are now on the pact team. /admin opens the team's desk, and /help "
                "lists the team's commands."
            )
        )

    async def removed(message: Due, t: Translator) -> Text:
        assert message.person_id is not None
        if await services.team.is_member(message.person_id):
            raise Skip("added again since")
        return Text(t.gettext("You are no longer on the pact team. Thank you for your work."))

    return [Kind("team-added", added, bulk=False), Kind("team-removed", removed, bulk=False)]
