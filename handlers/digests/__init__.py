"""The pact's digest: /follow and /unfollow (`follow`), the team's /digest preview and
send now (`team_digest`), and the digest itself as sent (`messages`)."""

from bot.i18n import N_
from handlers.digests import follow, messages, team_digest
from handlers.kit.feature import Command, DeskView, Feature

FEATURE = Feature(
    name="digests",
    commands=(
        Command("follow", N_("Follow the pact's digest: sectors, how often"), follow.follow),
        Command("unfollow", N_("Stop the digest"), follow.unfollow),
        Command("digest", N_("Preview the digest, or send it now"), team_digest.digest, "team"),
    ),
    buttons={"fol": follow.on_button, "dig": team_digest.on_button},
    kinds=messages.kinds,
    desk=(DeskView("digest", N_("📬 Digest"), team_digest.digest),),
)
