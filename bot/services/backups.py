"""Nightly backups and their restore: a consistent copy of the live database, checked by
SQLite (`integrity_check`, schema version), compressed, written under a temporary name and
renamed once on disk, the oldest beyond `BACKUP_KEEP` deleted. A restore keeps the current
database aside and erases again everyone who used /forget after the backup was taken.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.clock import Clock, to_db
from bot.config import Settings
from bot.storage import backup
from bot.storage.backup import BackupError
from bot.storage.db import Database

_LOGGER = logging.getLogger(__name__)
_NAME = re.compile(r"^pactbot-(\d{8}-\d{6})\.sqlite3\.gz$")
TEMPORARY = ".partial-"  # a file being written; never a backup
RETRY_AFTER = dt.timedelta(minutes=10)

__all__ = ["Backup", "BackupError", "Backups", "Restored"]


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: dt.datetime
    size: int


@dataclass(frozen=True, slots=True)
class Restored:
    kept_aside: Path | None  # where the database it replaced went
    forgotten_again: int  # people erased after the backup, erased again


def _taken_at(path: Path) -> dt.datetime | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    return dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)


class Backups:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self.folder = settings.backups
        self.failure: tuple[dt.datetime, str] | None = None  # the last one that failed
        self._running: asyncio.Lock = asyncio.Lock()

    # -- what is there --------------------------------------------------------------------

    def all(self) -> list[Backup]:
        """The backups in the folder, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.iterdir():
            taken = _taken_at(path)
            if taken is not None:
                found.append(Backup(path, taken, path.stat().st_size))
        return sorted(found, key=lambda b: b.taken_at, reverse=True)

    def newest(self) -> Backup | None:
        found = self.all()
        return found[0] if found else None

    def due(self) -> bool:
        """Whether the nightly backup's moment has passed since the newest one (after
        downtime too), and a failed one is not waiting for its retry."""
        now = self._clock.now()
        if self.failure is not None and now - self.failure[0] < RETRY_AFTER:
            return False
        local = now.astimezone(self._settings.timezone)
        moment = dt.datetime.combine(
            local.date(), self._settings.backup_time, tzinfo=self._settings.timezone
        )
        if moment > local:
            moment -= dt.timedelta(days=1)
        newest = self.newest()
        return newest is None or newest.taken_at < moment.astimezone(dt.UTC)

    # -- taking one -----------------------------------------------------------------------

    async def take(self, target: Path | None = None) -> Backup:
        """One backup now: into the folder (then the oldest beyond `BACKUP_KEEP` go), or
        to `target`. Raises BackupError or OSError; the failure is kept for the status."""
        async with self._running:
            try:
                found = await asyncio.to_thread(self._take, target)
            except (BackupError, OSError, sqlite3.Error) as error:
                self.failure = (self._clock.now(), str(error))
                raise
            self.failure = None
            if target is None:
                oldest = await asyncio.to_thread(self._rotate)
                if oldest is not None:
                    await backup.prune_forgotten(self._db, to_db(oldest))
            return found

    def _take(self, target: Path | None) -> Backup:
        now = self._clock.now()
        folder = target.parent if target is not None else self.folder
        folder.mkdir(parents=True, exist_ok=True)
        self._sweep_partials(folder)
        final = target or folder / f"pactbot-{now:%Y%m%d-%H%M%S}.sqlite3.gz"
        plain = folder / f"{TEMPORARY}{final.name}.sqlite3"
        packed = folder / f"{TEMPORARY}{final.name}"
        try:
            backup.snapshot(self._db.path, plain)
            backup.check(plain)
            backup.compress(plain, packed)
            backup.publish(packed, final)
        finally:
            for leftover in (plain, packed):
                leftover.unlink(missing_ok=True)
        _LOGGER.info("backup written: %s (%d bytes)", final, final.stat().st_size)
        return Backup(final, now, final.stat().st_size)

    def _sweep_partials(self, folder: Path) -> None:
        """What a killed backup left behind, under its temporary name only."""
        for path in folder.glob(f"{TEMPORARY}*"):
            path.unlink(missing_ok=True)

    def _rotate(self) -> dt.datetime | None:
        """Keep the newest `BACKUP_KEEP`; when the oldest kept was taken (erasures older
        than it are no longer needed to restore any of them, so they are not kept)."""
        kept = self.all()
        for old in kept[self._settings.backup_keep :]:
            old.path.unlink(missing_ok=True)
        kept = kept[: self._settings.backup_keep]
        return kept[-1].taken_at if kept else None

    # -- restoring (the bot stopped) --------------------------------------------------------

    @staticmethod
    def restore(packed: Path, database: Path, now: dt.datetime) -> tuple[Restored, list[int]]:
        """Put the backup `packed` in place of `database`, which is kept aside (never
        overwritten without a copy). Returns what was done and the people to erase again
        (their erasure came after the backup): the caller erases them with the services,
        on the restored database."""
        staging = database.with_name(f"{database.name}.restoring")
        staging.unlink(missing_ok=True)
        backup.decompress(packed, staging)
        try:
            backup.check(staging)
        except BackupError:
            staging.unlink(missing_ok=True)
            raise
        later = backup.forgotten(database) if database.exists() else set()
        kept_aside: Path | None = None
        if database.exists():
            backup.checkpoint(database)
            kept_aside = database.with_name(f"{database.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            shutil.copy2(database, kept_aside)
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        backup.publish(staging, database)
        if later:
            backup.remember_forgotten(database, later, to_db(now))
        again = backup.to_forget_again(database, later) if later else []
        return Restored(kept_aside, len(again)), again


def free_space(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    return shutil.disk_usage(folder).free


def size_on_disk(database: Path) -> int:
    """The database with its write-ahead log."""
    return sum(os.path.getsize(p) for p in (database, Path(f"{database}-wal")) if os.path.exists(p))
