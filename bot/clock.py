"""The one source of "now", injected so schedules are tested without sleeping."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Store every moment as UTC ISO-8601 so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
