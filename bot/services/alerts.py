"""The owners hear about trouble once: an unexpected error, a failed backup, messages
that wait too long. At most one message per kind of trouble an hour, each saying how often
it happened since the last one; never a person's data (the kind and the place only)."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, deque

from bot.clock import Clock, to_db
from bot.delivery.outbox import Message, Outbox
from bot.services.team import Team
from bot.storage.db import Database

_LOGGER = logging.getLogger(__name__)
QUIET = dt.timedelta(hours=1)  # one alert per kind of trouble an hour
KEPT = 10_000  # troubles remembered for the status view (the last 24 hours of them)


class Alerts:
    def __init__(self, db: Database, clock: Clock, team: Team, outbox: Outbox) -> None:
        self._db = db
        self._clock = clock
        self._team = team
        self._outbox = outbox
        self._told: dict[str, dt.datetime] = {}  # kind → when the owners were last told
        self._since: Counter[str] = Counter()  # kind → how often since then
        self._recent: deque[tuple[dt.datetime, str]] = deque(maxlen=KEPT)

    async def report(self, kind: str, detail: str) -> bool:
        """Trouble of `kind` ("error: KeyError in handlers.x", "backup", "backlog");
        whether the owners are told now (else it is counted for the next message)."""
        now = self._clock.now()
        self._recent.append((now, kind))
        self._since[kind] += 1
        told = self._told.get(kind)
        if told is not None and now - told < QUIET:
            return False
        count, first = self._since.pop(kind), told
        self._told[kind] = now
        owners = sorted(self._team.owner_ids)
        if not owners:
            return False
        payload = {
            "kind": kind,
            "detail": detail[:300],
            "count": count,
            "since": to_db(first) if first else None,
            "at": to_db(now),
        }
        messages = [
            Message(owner, "alert", now, f"alert:{kind}:{to_db(now)}:{owner}", payload)
            for owner in owners
        ]
        try:
            async with self._db.transaction() as tx:
                await self._outbox.enqueue(tx, messages)
        except Exception:  # telling the owners must not fail what failed already
            _LOGGER.exception("could not queue the alert %s", kind)
            return False
        return True

    def recent(self, within: dt.timedelta = dt.timedelta(hours=24)) -> Counter[str]:
        """How often each kind of trouble happened lately (since the bot started)."""
        since = self._clock.now() - within
        return Counter(kind for at, kind in self._recent if at >= since)
