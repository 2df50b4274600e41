"""Typed settings read from the environment and an optional `.env` file."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot import SUPPORTED_LOCALES


class ConfigError(Exception):
    """A configuration variable is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class Settings:
    bot_token: str
    database_path: Path
    admin_ids: frozenset[int]
    api_base_url: str | None
    timezone: ZoneInfo
    default_locale: str
    digest_chat_id: int | str | None
    broadcast_rate: float = 25.0  # bulk messages a second
    paid_broadcast: bool = False  # bulk messages as paid broadcasts (up to 1,000 a second)
    outbox_retention_days: int = 30  # days a sent or settled message stays in the outbox
    digest_weekday: int = 0  # the weekly digest's day, Monday 0 … Sunday 6
    digest_time: dt.time = dt.time(9, 0)  # the digests' time of day, in `timezone`
    broadcast_approval_over: int | None = None  # more recipients: a second member approves
    backup_dir: Path | None = None  # None: a backups/ folder beside the database
    backup_time: dt.time = dt.time(3, 30)  # a backup every day at this time, in `timezone`
    backup_keep: int = 14  # backups kept; older ones are deleted
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one object a line
    web_port: int | None = None  # the bot's web server: /health, the webhook
    web_host: str = "127.0.0.1"
    webhook_url: str | None = None  # set: updates come by webhook, not long polling
    webhook_secret: str | None = None  # Telegram sends it with every update
    public_url: str | None = None  # the address people use for the web server
    open_data_license: str | None = None  # unset: CC BY 4.0

    @property
    def backups(self) -> Path:
        return self.backup_dir or self.database_path.parent / "backups"


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SCHEDULE = re.compile(r"^(?P<day>[a-z]+)\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})$")
FREE_LIMIT = 30  # messages a second Telegram allows a bot for free
PAID_LIMIT = 1000  # with paid broadcasts
_YES = {"1", "true", "yes", "on"}
_NO = {"", "0", "false", "no", "off"}


def load_environment(env_file: Path | None = None) -> dict[str, str]:
    """The process environment over the values of `.env` (the environment wins)."""
    path = env_file if env_file is not None else Path.cwd() / ".env"
    values: dict[str, str] = {}
    if path.is_file():
        values.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    elif env_file is not None:
        raise ConfigError(f"--env-file: no such file: {env_file}")
    values.update(os.environ)
    return values


def settings_from(env: Mapping[str, str]) -> Settings:
    """Validate every variable; the first problem raises ConfigError naming it."""
    token = env.get("BOT_TOKEN", "").strip()
    if not token:
        raise ConfigError("BOT_TOKEN is not set: put the token from @BotFather in BOT_TOKEN.")
    if ":" not in token:
        raise ConfigError(
            "BOT_TOKEN looks malformed: a token from @BotFather is '<digits>:<text>'."
        )

    admin_ids: set[int] = set()
    for part in env.get("ADMIN_IDS", "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            admin_ids.add(int(part))
        except ValueError:
            raise ConfigError(
                f"ADMIN_IDS must be comma-separated Telegram user ids (integers); got {part!r}."
            ) from None

    tz_name = env.get("TIMEZONE", "").strip() or "Europe/Brussels"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TIMEZONE {tz_name!r} is not a known time zone; use a name like Europe/Brussels."
        ) from None

    locale = env.get("DEFAULT_LOCALE", "").strip().lower() or "nl"
    if locale not in SUPPORTED_LOCALES:
        raise ConfigError(
            f"DEFAULT_LOCALE {locale!r} is not supported; "
            f"use one of {', '.join(SUPPORTED_LOCALES)}."
        )

    base_url = env.get("TELEGRAM_API_BASE_URL", "").strip() or None
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise ConfigError(
            "TELEGRAM_API_BASE_URL must start with http:// or https://, "
            "for example http://localhost:8081/bot."
        )

    digest_raw = env.get("DIGEST_CHAT_ID", "").strip()
    digest_chat_id: int | str | None = None
    if digest_raw:
        if digest_raw.startswith("@"):
            digest_chat_id = digest_raw
        else:
            try:
                digest_chat_id = int(digest_raw)
            except ValueError:
                raise ConfigError(
                    "DIGEST_CHAT_ID must be a chat id (an integer such as -1001234567890) "
                    f"or a channel name starting with @; got {digest_raw!r}."
                ) from None

    paid_raw = env.get("PAID_BROADCAST", "").strip().lower()
    if paid_raw not in _YES | _NO:
        raise ConfigError(f"PAID_BROADCAST must be true or false; got {paid_raw!r}.")
    paid = paid_raw in _YES
    limit = PAID_LIMIT if paid else FREE_LIMIT
    rate_raw = env.get("BROADCAST_RATE", "").strip()
    try:
        rate = float(rate_raw) if rate_raw else (float(PAID_LIMIT) if paid else 25.0)
    except ValueError:
        rate = -1.0
    if not 0 < rate <= limit:
        hint = "" if paid else " (more needs PAID_BROADCAST=true, up to 1000)"
        raise ConfigError(
            f"BROADCAST_RATE must be a number of messages a second above 0 and at most "
            f"{limit}{hint}; got {rate_raw!r}."
        )

    retention_raw = env.get("OUTBOX_RETENTION_DAYS", "").strip() or "30"
    if not retention_raw.isdigit() or int(retention_raw) < 1:
        raise ConfigError(
            f"OUTBOX_RETENTION_DAYS must be a whole number of days, at least 1; "
            f"got {retention_raw!r}."
        )

    weekday, at = digest_schedule(env.get("DIGEST_SCHEDULE", ""))

    approval_raw = env.get("BROADCAST_APPROVAL_OVER", "").strip()
    if approval_raw and not approval_raw.isdigit():
        raise ConfigError(
            "BROADCAST_APPROVAL_OVER must be a whole number of recipients (or unset: no "
            f"approval); got {approval_raw!r}."
        )

    backup_time = _backup_schedule(env.get("BACKUP_SCHEDULE", ""))
    keep_raw = env.get("BACKUP_KEEP", "").strip() or "14"
    if not keep_raw.isdigit() or not 1 <= int(keep_raw) <= 10_000:
        raise ConfigError(
            f"BACKUP_KEEP must be a whole number of backups, at least 1; got {keep_raw!r}."
        )
    backup_dir = env.get("BACKUP_DIR", "").strip()
    level = env.get("LOG_LEVEL", "").strip().upper() or "INFO"
    if level not in LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}; got {level!r}.")
    log_format = env.get("LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in ("text", "json"):
        raise ConfigError(f"LOG_FORMAT must be text or json; got {log_format!r}.")

    port_raw = env.get("WEB_PORT", "").strip()
    if port_raw and (not port_raw.isdigit() or not 1 <= int(port_raw) <= 65535):
        raise ConfigError(f"WEB_PORT must be a port number, 1 to 65535; got {port_raw!r}.")
    webhook_url = env.get("WEBHOOK_URL", "").strip() or None
    webhook_secret = env.get("WEBHOOK_SECRET", "").strip() or None
    if webhook_url is not None:
        if not webhook_url.startswith("https://"):
            raise ConfigError("WEBHOOK_URL must start with https:// (Telegram posts only there).")
        if not port_raw:
            raise ConfigError("WEBHOOK_URL needs WEB_PORT: the port the bot listens on for it.")
        if webhook_secret is None or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", webhook_secret):
            raise ConfigError(
                "WEBHOOK_SECRET must be set with WEBHOOK_URL: 16 to 256 letters, digits, _ or -."
            )
    public_url = env.get("PUBLIC_URL", "").strip().rstrip("/") or None
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise ConfigError("PUBLIC_URL must start with http:// or https://.")

    return Settings(
        bot_token=token,
        database_path=Path(env.get("DATABASE_PATH", "").strip() or "pactbot.sqlite3"),
        admin_ids=frozenset(admin_ids),
        api_base_url=base_url,
        timezone=timezone,
        default_locale=locale,
        digest_chat_id=digest_chat_id,
        broadcast_rate=rate,
        paid_broadcast=paid,
        outbox_retention_days=int(retention_raw),
        digest_weekday=weekday,
        digest_time=at,
        broadcast_approval_over=int(approval_raw) if approval_raw else None,
        backup_dir=Path(backup_dir) if backup_dir else None,
        backup_time=backup_time,
        backup_keep=int(keep_raw),
        log_level=level,
        log_format=log_format,
        web_port=int(port_raw) if port_raw else None,
        web_host=env.get("WEB_HOST", "").strip() or "127.0.0.1",
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        public_url=public_url,
        open_data_license=env.get("OPEN_DATA_LICENSE", "").strip() or None,
    )


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_BACKUP_SCHEDULE = re.compile(r"^(?:daily\s+)?(?P<hour>\d{1,2}):(?P<minute>\d{2})$")


def _backup_schedule(raw: str) -> dt.time:
    """`BACKUP_SCHEDULE`: the time of the nightly backup, like "03:30" or "daily 03:30"."""
    match = _BACKUP_SCHEDULE.match(raw.strip().lower() or "03:30")
    if match is None or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise ConfigError(
            f"BACKUP_SCHEDULE must be a time of day, like 'daily 03:30' or '03:30'; got {raw!r}."
        )
    return dt.time(int(match["hour"]), int(match["minute"]))


def digest_schedule(raw: str) -> tuple[int, dt.time]:
    """`DIGEST_SCHEDULE`, like "mon 09:00": the weekly digest's day and the time of day
    of every digest (daily ones too)."""
    text = raw.strip().lower() or "mon 09:00"
    match = _SCHEDULE.match(text)
    day = match["day"] if match else ""
    days = WEEKDAYS if day in WEEKDAYS else _DAY_NAMES
    if match is None or day not in days or int(match["hour"]) > 23 or int(match["minute"]) > 59:
        raise ConfigError(
            "DIGEST_SCHEDULE must be a day and a time, like 'mon 09:00' (mon, tue, wed, thu, "
            f"fri, sat or sun; 24-hour time); got {raw!r}."
        )
    return days.index(day), dt.time(int(match["hour"]), int(match["minute"]))
