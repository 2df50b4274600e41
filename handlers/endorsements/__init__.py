"""Endorsing the opinion text: /endorse and its link (`endorse`), the team's /campaigns
(`campaigns`) and /moderate (`moderation`), and the reminders and notices (`messages`)."""

from bot.i18n import N_
from handlers.endorsements import campaigns, endorse, messages, moderation
from handlers.kit.feature import Command, DeskView, Feature

FEATURE = Feature(
    name="endorsements",
    commands=(
        Command("endorse", N_("Endorse the pact's opinion text"), endorse.endorse),
        Command(
            "campaigns",
            N_("Put the opinion text up for endorsement; exports"),
            campaigns.campaigns,
            "team",
        ),
        Command(
            "moderate",
            N_("Review the endorsement paragraphs waiting"),
            moderation.moderate,
            "team",
        ),
    ),
    flows=(endorse.ENDORSE, campaigns.CAMPAIGN, campaigns.PUBLISH, moderation.REJECT),
    buttons={"endv": endorse.on_button, "cmpv": campaigns.on_button, "mod": moderation.on_button},
    deep_links={"endorse": endorse.endorse_link},
    kinds=messages.kinds,
    desk=(
        DeskView("campaigns", N_("✍️ Campaigns"), campaigns.campaigns),
        DeskView("moderate", N_("🔎 Moderation"), moderation.moderate),
    ),
)
