"""The operator's commands: `python -m bot backup`, `restore` and `check`, and the
start-up check that refuses a damaged database with one line saying what to do."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.services.backups import BackupError, Backups
from bot.storage import backup as storage
from bot.storage.db import Database, migrations


def _newest_hint(settings: Settings) -> str:
    newest = Backups(Database(settings.database_path), SystemClock(), settings).newest()
    if newest is None:
        return f"no backup was found in {settings.backups}"
    return f"restore the newest backup with the bot stopped: python -m bot restore {newest.path}"


def damaged(settings: Settings, thorough: bool = False) -> str | None:
    """One line when the database cannot be read (at start-up, in a moment), or with
    `thorough`, when it fails SQLite's `quick_check` (which reads every page: the bot runs
    it once it is up); else None."""
    path = settings.database_path
    if not path.exists():
        return None
    problem = storage.quick_check(path) if thorough else storage.readable(path)
    if problem is None:
        return None
    return f"pactbot: the database {path} is damaged ({problem}); {_newest_hint(settings)}"


def backup(settings: Settings, target: Path | None) -> int:
    """One verified backup now, into BACKUP_DIR (the oldest beyond BACKUP_KEEP go) or to
    `target`; works while the bot runs."""
    if not settings.database_path.exists():
        print(f"pactbot: no database at {settings.database_path}", file=sys.stderr)
        return 1

    async def take() -> int:
        db = Database(settings.database_path)
        await db.open()
        try:
            found = await Backups(db, SystemClock(), settings).take(target)
        except (BackupError, OSError) as error:
            print(f"pactbot: the backup failed: {error}", file=sys.stderr)
            return 1
        finally:
            await db.close()
        print(f"{found.path} ({found.size} bytes), checked by SQLite")
        return 0

    return asyncio.run(take())


def restore(settings: Settings, packed: Path) -> int:
    """With the bot stopped: the backup in place of the database (kept aside), then
    everyone who used /forget after the backup was taken is erased again."""
    if not packed.is_file():
        print(f"pactbot: no such backup file: {packed}", file=sys.stderr)
        return 1
    now = dt.datetime.now(dt.UTC)
    try:
        restored, again = Backups.restore(packed, settings.database_path, now)
    except BackupError as error:
        print(f"pactbot: {packed} cannot be restored: {error}", file=sys.stderr)
        return 1
    if again:
        asyncio.run(_forget_again(settings, again))
    if restored.kept_aside is not None:
        print(f"the database it replaced is kept as {restored.kept_aside}")
    print(
        f"restored {packed} into {settings.database_path}; "
        f"{len(again)} people who used /forget after it was taken were erased again"
    )
    return 0


async def _forget_again(settings: Settings, people: list[int]) -> None:
    from bot.services import build_services

    db = Database(settings.database_path)
    await db.open()  # migrates an older backup to this version first
    try:
        services = build_services(settings, db, SystemClock())
        for person_id in people:
            await services.forget_person(person_id)
    finally:
        await db.close()


def check(settings: Settings) -> int:
    """Configuration (read already), the database, the backups, Telegram: exit 0, or one
    line per problem and exit 1."""
    problems: list[str] = []
    path = settings.database_path
    if path.exists():
        found = storage.quick_check(path)
        if found is not None:
            problems.append(f"database: {path} is damaged ({found}); {_newest_hint(settings)}")
        else:
            newest = max(v for v, _, _ in migrations())
            try:
                version = storage.check_version(path)
            except BackupError as error:
                problems.append(f"database: {error}")
            else:
                if version > newest:
                    problems.append(
                        f"database: schema version {version} is newer than this Pactbot "
                        f"({newest}): install the newer version"
                    )
    elif not path.parent.exists():
        problems.append(f"database: the folder of {path} does not exist")
    folder = settings.backups
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".pactbot-check"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        problems.append(f"backups: {folder} is not writable ({error})")
    problems += asyncio.run(_telegram(settings))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


async def _telegram(settings: Settings) -> list[str]:
    from telegram import Bot
    from telegram.error import InvalidToken, TelegramError

    base = (settings.api_base_url or "https://api.telegram.org/bot").rstrip("/")
    bot = Bot(settings.bot_token, base_url=base)
    try:
        async with bot:
            info = await bot.get_webhook_info()
    except InvalidToken:
        return ["telegram: BOT_TOKEN was refused; check it with @BotFather"]
    except TelegramError as error:
        return [f"telegram: the Bot API at {settings.api_base_url or 'Telegram'}: {error}"]
    problems = []
    if info.last_error_message:
        problems.append(f"telegram: the webhook {info.url} failed: {info.last_error_message}")
    return problems


def publish(settings: Settings, folder: Path) -> int:
    """The public pages (in every language, linked relatively) and the open data as
    static files in `folder`, for a team that hosts them elsewhere (a cron job or a CI
    pushes the folder to any web host)."""
    from bot.public import site
    from bot.services import build_services

    async def build() -> dict[str, bytes]:
        db = Database(settings.database_path)
        await db.open()
        try:
            return await site.files(build_services(settings, db, SystemClock()))
        finally:
            await db.close()

    found = asyncio.run(build())
    for name, content in found.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        partial.write_bytes(content)
        storage.publish(partial, target)
    print(f"{len(found)} files in {folder}")
    return 0
