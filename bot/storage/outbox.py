"""SQL for the durable outbox."""

from __future__ import annotations

from collections.abc import Iterable

import aiosqlite

from bot.storage.db import Database, Row, many, one
from bot.storage.privacy import PersonalData

# Messages still to be sent to a person go when the person goes.
PERSONAL_DATA = (PersonalData("outbox", "recipient_id"),)

NewRow = tuple[int, str, str, str, str, str]  # recipient, kind, payload, due_at, key, now


async def enqueue(conn: aiosqlite.Connection, rows: Iterable[NewRow]) -> None:
    """Add messages; one whose idempotency key exists already is left as it is."""
    await conn.executemany(
        "INSERT INTO outbox (recipient_id, kind, payload, due_at, idempotency_key, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
        rows,
    )


async def due(conn: aiosqlite.Connection, now: str, limit: int) -> list[Row]:
    return await many(
        conn,
        "SELECT o.*, coalesce(p.reachable, 1) AS reachable FROM outbox o"
        " LEFT JOIN person p ON p.id = o.recipient_id"
        " WHERE o.state = 'pending' AND o.due_at <= ? ORDER BY o.due_at, o.id LIMIT ?",
        (now, limit),
    )


async def next_due_at(conn: aiosqlite.Connection) -> str | None:
    row = await one(conn, "SELECT min(due_at) FROM outbox WHERE state = 'pending'")
    return None if row is None else row[0]


async def finish(db: Database, row_id: int, state: str, now: str, error: str | None = None) -> None:
    await db.write(
        "UPDATE outbox SET state = ?, sent_at = CASE WHEN ? = 'sent' THEN ? END,"
        " last_error = coalesce(?, last_error), attempts = attempts + 1 WHERE id = ?",
        (state, state, now, error, row_id),
    )


async def retry_at(db: Database, row_id: int, due_at: str, error: str, count_attempt: bool) -> None:
    await db.write(
        "UPDATE outbox SET due_at = ?, last_error = ?, attempts = attempts + ? WHERE id = ?",
        (due_at, error, 1 if count_attempt else 0, row_id),
    )


async def void(conn: aiosqlite.Connection, kinds: Iterable[str], session_id: int) -> None:
    """Pending messages about a session that no longer hold (after a move or cancel)."""
    kinds = list(kinds)
    marks = ",".join("?" * len(kinds))
    await conn.execute(
        f"UPDATE outbox SET state = 'void' WHERE state = 'pending' AND kind IN ({marks})"  # noqa: S608
        " AND json_extract(payload, '$.session_id') = ?",
        (*kinds, session_id),
    )


async def superseded(conn: aiosqlite.Connection, row: Row, now: str) -> bool:
    """Whether a later message of the same kind about the same session is due as well."""
    found = await one(
        conn,
        "SELECT 1 FROM outbox WHERE state = 'pending' AND kind = ? AND recipient_id = ?"
        " AND json_extract(payload, '$.session_id') = json_extract(?, '$.session_id')"
        " AND due_at > ? AND due_at <= ? LIMIT 1",
        (row["kind"], row["recipient_id"], row["payload"], row["due_at"], now),
    )
    return found is not None


async def counts(conn: aiosqlite.Connection, kind_prefix: str) -> dict[str, int]:
    rows = await many(
        conn,
        "SELECT state, count(*) FROM outbox WHERE idempotency_key LIKE ? GROUP BY state",
        (kind_prefix + "%",),
    )
    return {r[0]: r[1] for r in rows}
