"""What the outbox sends about endorsements, in the recipient's language: reminders to
those who started and did not confirm, the pact team's decision on a paragraph, and the
news that the opinion was published."""

from __future__ import annotations

from bot.delivery.kinds import Kind, Skip, Text
from bot.delivery.outbox import Due
from bot.i18n import Translator
from bot.services import Services
from handlers.endorsements.endorse import reason_text
from handlers.kit.common import esc, keyboard
from handlers.kit.render import how_soon, moment


def kinds(services: Services) -> list[Kind]:
    async def reminder(message: Due, t: Translator) -> Text:
        assert message.person_id is not None
        campaign_id = int(message.payload["campaign_id"])
        campaign = await services.endorsements.still_unfinished(message.person_id, campaign_id)
        if campaign is None:
            raise Skip("confirmed, closed, or no more reminders wanted")
        text = t.gettext(
            "You started to endorse {title} and have not confirmed it yet. Endorsing closes {when}."
        ).format(
            title=f"<b>{esc(campaign.title_in(t.locale))}</b>",
            when=how_soon(t, campaign.deadline, services.clock.now()),
        )
        buttons = keyboard(
            [
                [(t.gettext("✍️ Continue"), f"endv:resume:{campaign.id}")],
                [(t.gettext("No more reminders"), f"endv:stop:{campaign.id}")],
            ]
        )
        return Text(text, buttons)

    async def decision(message: Due, t: Translator) -> Text:
        endorsement = await services.endorsements.as_decided(
            int(message.payload["endorsement_id"]), str(message.payload["moderated_at"])
        )
        if endorsement is None:
            raise Skip("changed or decided again since")
        title = f"<b>{esc(endorsement.campaign_title_in(t.locale))}</b>"
        if endorsement.state == "approved":
            text = t.gettext(
                "Your paragraph for {title} was approved. It will be published as you allowed."
            ).format(title=title)
            return Text(text)
        text = t.gettext(
            "Your paragraph for {title} was not approved: {reason}. You can change it and send "
            "it again until {when}."
        ).format(
            title=title,
            reason=reason_text(t, endorsement.reason),
            when=moment(t, endorsement.deadline),
        )
        return Text(text, keyboard([[(t.gettext("✏️ Change it"), f"end:edit:{endorsement.id}")]]))

    async def published(message: Due, t: Translator) -> Text:
        campaign = await services.endorsements.campaign(int(message.payload["campaign_id"]))
        if campaign.state != "published":
            raise Skip("not published")
        text = t.gettext("{title} is published: {note}. Thank you for endorsing it.").format(
            title=f"<b>{esc(campaign.title_in(t.locale))}</b>",
            note=esc(campaign.published_note or ""),
        )
        return Text(text)

    return [
        Kind("endorsement-reminder", reminder),
        Kind("endorsement-decision", decision, bulk=False),
        Kind("endorsement-published", published),
    ]
