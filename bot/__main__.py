"""`python -m bot`: run Pactbot; `backup`, `restore` and `check` for the operator."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from pathlib import Path

from bot.config import ConfigError, load_environment, settings_from

DESCRIPTION = """\
Run Pactbot, the Telegram bot of a civic pact, with long polling.

Configuration comes from environment variables; a .env file in the working directory
(or the file given with --env-file) is read too, and the environment wins.

  BOT_TOKEN               token from @BotFather (required)
  DATABASE_PATH           SQLite file (default: pactbot.sqlite3)
  ADMIN_IDS               comma-separated Telegram user ids of pact team owners
  TELEGRAM_API_BASE_URL   Bot API base for a self-hosted Bot API server,
                          e.g. http://localhost:8081/bot (default: Telegram's own)
  TIMEZONE                time zone for schedules and display (default: Europe/Brussels)
  DEFAULT_LOCALE          nl, fr or en, when a person's language is unknown (default: nl)
  DIGEST_CHAT_ID          channel or group id (or @name) that receives the digest
  BROADCAST_RATE          messages a second for bulk messages (default: 25; at most 30,
                          or 1000 with PAID_BROADCAST)
  PAID_BROADCAST          true: bulk messages as paid broadcasts, up to 1,000 a second,
                          0.1 Telegram Star each above 30 a second (default: false)
  OUTBOX_RETENTION_DAYS   days a sent message stays in the database (default: 30)
  BACKUP_DIR              where nightly backups go (default: backups/ beside the database)
  BACKUP_SCHEDULE         the time of the nightly backup, in TIMEZONE (default: 03:30)
  BACKUP_KEEP             how many backups are kept (default: 14)
  LOG_LEVEL, LOG_FORMAT   DEBUG, INFO, WARNING or ERROR (default: INFO); text or json
  WEB_PORT, WEB_HOST      the bot's web server: GET /health, and the webhook
                          (default: off; 127.0.0.1, a reverse proxy in front)
  WEBHOOK_URL             https address Telegram posts updates to (needs WEB_PORT);
                          unset: long polling
  WEBHOOK_SECRET          16 to 256 letters, digits, _ or -: checked on every update
  PUBLIC_URL              the address people use for the web server
  OPEN_DATA_LICENSE       the open data's licence (default: CC-BY-4.0)

Commands besides running the bot:
  python -m bot backup [FILE]   a verified backup now (into BACKUP_DIR, or to FILE)
  python -m bot restore FILE    with the bot stopped: put a backup in place (the current
                                database is kept aside) and erase again everyone who
                                used /forget after it was taken
  python -m bot check           configuration, database, Telegram: exit 0, or one line
                                per problem and exit 1
  python -m bot publish DIR     the open data as static files in DIR/opendata/

SIGINT and SIGTERM stop the bot cleanly."""


def _no_start_up_traceback(record: logging.LogRecord) -> bool:
    """PTB logs a whole traceback when Telegram cannot be reached at start-up; the bot
    says it in one line below (with --log-level DEBUG, the traceback shows too)."""
    message = record.getMessage()
    return not (record.name.startswith("telegram.ext") and "Network Retry Loop" in message)


class JsonLines(logging.Formatter):
    """One JSON object a line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, style: str) -> None:
    handler = logging.StreamHandler()
    if style == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--env-file", type=Path, help="read configuration from this file")
    parser.add_argument(
        "--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="over LOG_LEVEL"
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "backup", "restore", "check", "publish"],
    )
    parser.add_argument("file", nargs="?", type=Path, help="the backup file")
    args = parser.parse_args(argv)
    try:
        settings = settings_from(load_environment(args.env_file))
    except ConfigError as error:
        print(f"pactbot: {error}", file=sys.stderr)
        if args.command == "check":
            print(f"config: {error}")
            return 1
        return 2

    level = args.log_level or settings.log_level
    setup_logging(level, settings.log_format)
    if level != "DEBUG":
        for handler in logging.getLogger().handlers:
            handler.addFilter(_no_start_up_traceback)

    from bot import operator

    if args.command == "backup":
        return operator.backup(settings, args.file)
    if args.command == "restore":
        if args.file is None:
            print("pactbot: restore needs the backup file: python -m bot restore FILE")
            return 2
        return operator.restore(settings, args.file)
    if args.command == "check":
        return operator.check(settings)
    if args.command == "publish":
        if args.file is None:
            print("pactbot: publish needs a folder: python -m bot publish DIR")
            return 2
        return operator.publish(settings, args.file)
    damaged = operator.damaged(settings)
    if damaged:
        print(damaged, file=sys.stderr)
        return 1

    from telegram.error import InvalidToken, NetworkError

    from bot.app import ALLOWED_UPDATES, build_application

    app = build_application(settings)
    try:
        if settings.web_port is not None:  # the web server, and a webhook if asked for
            from bot.web import serve

            asyncio.run(serve(app, ALLOWED_UPDATES))
        else:
            app.run_polling(allowed_updates=ALLOWED_UPDATES)
        if app.fatal:  # it stopped itself: a damaged database
            print(app.fatal, file=sys.stderr)
            return 1
    except InvalidToken:
        print(
            "pactbot: BOT_TOKEN was refused by Telegram; check it with @BotFather.", file=sys.stderr
        )
        return 2
    except NetworkError as error:
        where = settings.api_base_url or "Telegram"
        print(f"pactbot: could not reach the Bot API at {where}: {error}", file=sys.stderr)
        return 1
    except sqlite3.Error as error:
        print(f"pactbot: DATABASE_PATH {settings.database_path}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
