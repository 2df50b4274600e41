"""The bot looking after itself: the nightly backup's clock, the owners told when messages
wait too long, the team's status view and the health a platform or monitor asks for."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from importlib import metadata

from bot.clock import Clock, from_db, to_db
from bot.config import Settings
from bot.i18n import N_
from bot.services.alerts import Alerts
from bot.services.backups import Backup, BackupError, Backups, size_on_disk
from bot.services.errors import NotAllowed
from bot.services.team import Team
from bot.storage import audit, operations
from bot.storage.db import Database

_LOGGER = logging.getLogger(__name__)
BACKLOG_LATE = dt.timedelta(hours=1)  # a message due longer ago than this: the owners hear
DISPATCH_STALE = dt.timedelta(minutes=3)  # the sweep runs every minute
BACKUP_STALE = dt.timedelta(hours=49)  # two nightly backups missed


def version() -> str:
    try:
        return metadata.version("pactbot")
    except metadata.PackageNotFoundError:  # a source checkout that was not installed
        return "source"


@dataclass(frozen=True, slots=True)
class Status:
    version: str
    started_at: dt.datetime
    mode: str  # polling or webhook
    last_update_at: dt.datetime | None
    last_dispatch_at: dt.datetime | None
    backlog: list[tuple[str, int, dt.datetime]]  # kind, how many, oldest due
    settled: dict[str, int]  # the last 24 hours, per state
    errors: Counter[str]  # the last 24 hours, per kind
    database_size: int
    newest_backup: Backup | None
    backup_failure: tuple[dt.datetime, str] | None


class Operations:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: Settings,
        team: Team,
        backups: Backups,
        alerts: Alerts,
        mode: str = "polling",
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._team = team
        self.backups = backups
        self.alerts = alerts
        self.mode = mode
        self.started_at = clock.now()
        self.last_update_at: dt.datetime | None = None
        self.last_dispatch_at: dt.datetime | None = None

    # -- every minute ---------------------------------------------------------------------

    async def watch(self) -> None:
        """The nightly backup when its moment has passed (after downtime too; retried ten
        minutes after a failure, which the owners hear about), and the owners told when a
        message waits longer than an hour."""
        if self.backups.due():
            try:
                await self.backups.take()
            except (BackupError, OSError) as error:
                _LOGGER.error("backup failed: %s", error)
                await self.alerts.report("backup", str(error))
        now = self._clock.now()
        oldest = await operations.oldest_due(self._db.reader, to_db(now))
        if oldest is not None and now - from_db(oldest) > BACKLOG_LATE:
            await self.alerts.report("backlog", oldest)

    # -- the team's status view -----------------------------------------------------------

    async def status(self, actor_id: int) -> Status:
        await self._team.require_member(actor_id)
        now = self._clock.now()
        backlog = await operations.backlog(self._db.reader, to_db(now))
        settled = await operations.settled_since(
            self._db.reader, to_db(now - dt.timedelta(hours=24))
        )
        return Status(
            version=version(),
            started_at=self.started_at,
            mode=self.mode,
            last_update_at=self.last_update_at,
            last_dispatch_at=self.last_dispatch_at,
            backlog=[(kind, n, from_db(oldest)) for kind, n, oldest in backlog],
            settled=settled,
            errors=self.alerts.recent(),
            database_size=size_on_disk(self._db.path),
            newest_backup=self.backups.newest(),
            backup_failure=self.backups.failure,
        )

    async def back_up_now(self, actor_id: int) -> Backup:
        """A backup now, from the status view (any team member); audit-logged."""
        await self._team.require_member(actor_id)
        found = await self.backups.take()
        await self._audit(actor_id, "backup.take", {"file": found.path.name})
        return found

    async def newest_for_download(self, actor_id: int) -> Backup:
        """The newest backup, for an owner to download: it holds everyone's data."""
        if not self._team.is_owner(actor_id):
            raise NotAllowed(N_("Only a pact team owner can download a backup."))
        found = self.backups.newest()
        if found is None:
            raise NotAllowed(N_("There is no backup yet."))
        await self._audit(actor_id, "backup.download", {"file": found.path.name})
        return found

    async def _audit(self, actor_id: int, action: str, detail: dict[str, object]) -> None:
        async with self._db.transaction() as tx:
            await audit.record(tx, actor_id, action, detail, to_db(self._clock.now()))

    # -- the health check -----------------------------------------------------------------

    async def health(self) -> tuple[bool, dict[str, object]]:
        """What a platform or an uptime monitor reads: healthy, and the moments behind it
        (nothing about any person)."""
        now = self._clock.now()
        oldest = await operations.oldest_due(self._db.reader, to_db(now))
        newest = self.backups.newest()
        problems = []
        if self.last_dispatch_at is None or now - self.last_dispatch_at > DISPATCH_STALE:
            problems.append("dispatcher")
        if oldest is not None and now - from_db(oldest) > BACKLOG_LATE:
            problems.append("backlog")
        backed_up = newest.taken_at if newest is not None else self.started_at
        if now - backed_up > BACKUP_STALE:  # a new install has a night to take its first
            problems.append("backup")
        report: dict[str, object] = {
            "ok": not problems,
            "problems": problems,
            "mode": self.mode,
            "version": version(),
            "started_at": to_db(self.started_at),
            "last_update_at": _moment(self.last_update_at),
            "last_dispatch_at": _moment(self.last_dispatch_at),
            "outbox_oldest_due": oldest,
            "last_backup_at": _moment(newest.taken_at if newest else None),
        }
        return not problems, report


def _moment(value: dt.datetime | None) -> str | None:
    return to_db(value) if value is not None else None
