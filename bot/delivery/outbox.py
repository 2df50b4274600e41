"""The outbox's rules: what is due, and what happens after each attempt. No Telegram here."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.clock import Clock, from_db, to_db
from bot.storage import outbox
from bot.storage.db import Database, Row

MAX_ATTEMPTS = 5
FIRST_BACKOFF = timedelta(seconds=30)
LONGEST_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Message:
    """One message to send at `due_at`; `key` makes sure it is queued only once."""

    recipient_id: int
    kind: str
    due_at: datetime
    key: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Due:
    id: int
    recipient_id: int
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    key: str
    attempts: int
    reachable: bool
    row: Row


def backoff(attempts: int) -> timedelta:
    """The first retry goes straight to the back of the queue (most 5xx are passing);
    then 30 s, 1 min, 2 min… up to an hour."""
    if attempts <= 1:
        return timedelta(0)
    return min(FIRST_BACKOFF * (1 << (attempts - 2)), LONGEST_BACKOFF)


class Outbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def enqueue(self, tx: aiosqlite.Connection, messages: Sequence[Message]) -> None:
        """Queue messages inside the caller's transaction, so they exist exactly when the
        change they announce does."""
        now = to_db(self._clock.now())
        await outbox.enqueue(
            tx,
            [
                (m.recipient_id, m.kind, json.dumps(m.payload), to_db(m.due_at), m.key, now)
                for m in messages
            ],
        )

    async def due(self, limit: int = 100) -> list[Due]:
        rows = await outbox.due(self._db.reader, to_db(self._clock.now()), limit)
        return [
            Due(
                r["id"],
                r["recipient_id"],
                r["kind"],
                json.loads(r["payload"]),
                from_db(r["due_at"]),
                r["idempotency_key"],
                r["attempts"],
                bool(r["reachable"]),
                r,
            )
            for r in rows
        ]

    async def next_due_at(self) -> datetime | None:
        value = await outbox.next_due_at(self._db.reader)
        return from_db(value) if value else None

    async def superseded(self, message: Due) -> bool:
        return await outbox.superseded(self._db.reader, message.row, to_db(self._clock.now()))

    async def sent(self, message: Due) -> None:
        await outbox.finish(self._db, message.id, "sent", to_db(self._clock.now()))

    async def skipped(self, message: Due, reason: str) -> None:
        await outbox.finish(self._db, message.id, "skipped", to_db(self._clock.now()), reason)

    async def blocked(self, message: Due, error: str) -> None:
        await outbox.finish(self._db, message.id, "blocked", to_db(self._clock.now()), error)

    async def failed(self, message: Due, error: str) -> None:
        await outbox.finish(self._db, message.id, "failed", to_db(self._clock.now()), error)

    async def retry(self, message: Due, error: str) -> bool:
        """Try again after a backoff; False (and failed) once the attempts are used up."""
        attempts = message.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await self.failed(message, error)
            return False
        later = self._clock.now() + backoff(attempts)
        await outbox.retry_at(self._db, message.id, to_db(later), error, count_attempt=True)
        return True

    async def postpone(self, message: Due, seconds: float, error: str) -> None:
        """Telegram asked to slow down: not the message's fault, so not an attempt."""
        later = self._clock.now() + timedelta(seconds=seconds)
        await outbox.retry_at(self._db, message.id, to_db(later), error, count_attempt=False)

    async def void_session(
        self, tx: aiosqlite.Connection, session_id: int, kinds: Sequence[str]
    ) -> None:
        await outbox.void(tx, kinds, session_id)
