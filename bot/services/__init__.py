"""The pact's rules. Nothing here imports `telegram`: handlers translate to and from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.kinds import Kinds
from bot.delivery.outbox import Outbox
from bot.services.alerts import Alerts
from bot.services.backups import Backups
from bot.services.broadcasts import Broadcasts
from bot.services.campaigns import Campaigns
from bot.services.desk import Desk
from bot.services.digests import Digests
from bot.services.endorsements import Endorsements
from bot.services.intentions import Intentions
from bot.services.opendata import OpenData
from bot.services.operations import Operations
from bot.services.organisations import Organisations
from bot.services.people import People
from bot.services.privacy import Privacy
from bot.services.public import PublicPact
from bot.services.sectors import Sectors
from bot.services.sessions import Sessions
from bot.services.team import Team
from bot.storage.db import Database


@dataclass(slots=True)
class Services:
    settings: Settings
    db: Database
    clock: Clock
    people: People
    team: Team
    privacy: Privacy
    sectors: Sectors
    organisations: Organisations
    intentions: Intentions
    outbox: Outbox
    sessions: Sessions
    endorsements: Endorsements
    campaigns: Campaigns
    digests: Digests
    broadcasts: Broadcasts
    desk: Desk
    alerts: Alerts
    operations: Operations
    opendata: OpenData
    public: PublicPact

    async def forget_person(self, person_id: int) -> None:
        """Erase a person everywhere, caches included."""
        await self.privacy.forget(person_id)
        self.people.forget_cached(person_id)
        self.team.forget_cached()
        # Erasing the last contact erases the organisation: other people's view changes too.
        self.organisations.forget_cached()
        self.intentions.forget_cached()
        self.digests.forget_cached()  # digests made before hold what they published


def build_services(settings: Settings, db: Database, clock: Clock) -> Services:
    outbox = Outbox(db, clock, Kinds(), timedelta(days=settings.outbox_retention_days))
    team = Team(db, clock, settings.admin_ids, outbox)
    sectors = Sectors(db, clock, team)
    organisations = Organisations(db, clock, sectors, team, outbox)
    alerts = Alerts(db, clock, team, outbox)
    return Services(
        settings=settings,
        db=db,
        clock=clock,
        people=People(db, clock, settings.default_locale),
        team=team,
        privacy=Privacy(db, clock),
        sectors=sectors,
        organisations=organisations,
        intentions=Intentions(db, clock, organisations, sectors, team, settings.timezone),
        outbox=outbox,
        sessions=Sessions(db, clock, team, outbox, settings.timezone),
        endorsements=Endorsements(db, clock, organisations, outbox),
        campaigns=Campaigns(db, clock, team, outbox),
        digests=Digests(db, clock, settings, team, outbox),
        broadcasts=Broadcasts(db, clock, settings, team, outbox),
        desk=Desk(db, clock, team),
        alerts=alerts,
        operations=Operations(db, clock, settings, team, Backups(db, clock, settings), alerts),
        opendata=OpenData(db, clock, settings.open_data_license),
        public=PublicPact(db, clock),
    )
