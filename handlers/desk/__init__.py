"""The pact team's desk: /admin with exports and the audit log (`desk`), the overviews
/intentions, /orgs and /stats (`views`), /sectors (`sectors`) and the team (`team`)."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.context import PactContext
from bot.i18n import N_
from handlers.desk import desk, messages, sectors, team, views
from handlers.kit.feature import Command, DeskView, Feature

if TYPE_CHECKING:
    from bot.app import PactApplication


def _forwards(app: "PactApplication") -> Iterable[BaseHandler[Update, PactContext, Any]]:
    """An owner forwards a person's message: add them to the team (after a confirmation)."""
    owners = app.services.settings.admin_ids
    if owners:
        by_owner = filters.User(user_id=owners, allow_empty=False)
        yield MessageHandler(
            filters.ChatType.PRIVATE & filters.FORWARDED & by_owner, team.on_forward
        )


FEATURE = Feature(
    name="desk",
    commands=(
        Command(
            "intentions",
            N_("All intentions, filtered by sector, lever, status"),
            views.intentions,
            "team",
        ),
        Command("orgs", N_("All organisations, by sector"), views.orgs, "team"),
        Command("stats", N_("The pact's figures"), views.stats, "team"),
        Command("sectors", N_("See and add sectors"), sectors.sectors, "team"),
        Command("admin", N_("The team's desk: everything in one menu"), desk.admin, "team"),
        Command("team", N_("See and change the pact team"), team.team, "team"),
    ),
    flows=(sectors.SECTOR,),
    buttons={
        "team": team.on_button,
        "ti": views.on_intentions_button,
        "to": views.on_orgs_button,
        "adm": desk.on_button,
    },
    desk=(
        DeskView("intentions", N_("📋 Intentions"), views.intentions),
        DeskView("orgs", N_("🏢 Organisations"), views.orgs),
        DeskView("stats", N_("📊 Figures"), views.stats),
        DeskView("sectors", N_("🏷 Sectors"), sectors.sectors),
        DeskView("team", N_("👥 The team"), team.team),
    ),
    kinds=messages.kinds,
    handlers=_forwards,
)
