"""SQL for the durable outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import aiosqlite

from bot.storage.db import Database, Row, Tx, many, one
from bot.storage.privacy import PersonalData

# Messages still to be sent to a person go when the person goes.
PERSONAL_DATA = (PersonalData("outbox", "recipient_id"),)

# recipient_id, chat, kind, priority, subject, batch, collapse, payload, due_at, key, now
NewRow = tuple[
    int | None, str | None, str, int, str | None, str | None, str | None, str, str, str, str
]
# A finished row: state, done_at, sent_at, error, attempts to add, id
Finish = tuple[str, str, str | None, str | None, int, int]
# A row to try again later: due_at, error, attempts to add, parts sent so far (None: as
# they are), id
Later = tuple[str, str, int, int | None, int]

_INSERT = (
    "INSERT INTO outbox (recipient_id, chat, kind, priority, subject, batch, collapse, payload,"
    " due_at, idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (idempotency_key) DO NOTHING"
)


async def enqueue(conn: aiosqlite.Connection, rows: Iterable[NewRow]) -> None:
    """Add messages; one whose idempotency key exists already is left as it is."""
    await conn.executemany(_INSERT, rows)


def enqueue_in(tx: Tx, rows: Iterable[NewRow]) -> None:
    """The same, inside a `Database.unit`."""
    tx.executemany(_INSERT, rows)


# A row is superseded when a later row with the same collapse key is due as well: one
# lookup in the partial index on (collapse, due_at) per row read, never a scan.
_DUE = (
    "SELECT o.id, o.recipient_id, o.chat, o.kind, o.payload, o.due_at, o.idempotency_key,"
    " o.attempts, o.parts_sent, o.batch, coalesce(p.reachable, 1) AS reachable, p.locale,"
    " (o.collapse IS NOT NULL AND EXISTS (SELECT 1 FROM outbox l"
    "   WHERE l.collapse = o.collapse AND l.state = 'pending' AND l.due_at <= :now"
    "   AND (l.due_at > o.due_at OR (l.due_at = o.due_at AND l.id > o.id)))) AS superseded"
    " FROM outbox o LEFT JOIN person p ON p.id = o.recipient_id"
    " WHERE o.state = 'pending' AND o.priority = :priority AND o.due_at <= :now"
    " AND (o.due_at > :after_due OR (o.due_at = :after_due AND o.id > :after_id))"
    " ORDER BY o.due_at, o.id LIMIT :limit"
)


async def due(
    conn: aiosqlite.Connection, priority: int, now: str, after: tuple[str, int], limit: int
) -> list[Row]:
    """Pending rows of one priority due by `now`, oldest first, after the position `after`
    (due_at, id) where the previous read stopped: a range of the index, however long the
    queue behind it."""
    return await many(
        conn,
        _DUE,
        {
            "priority": priority,
            "now": now,
            "after_due": after[0],
            "after_id": after[1],
            "limit": limit,
        },
    )


async def next_due_at(conn: aiosqlite.Connection) -> str | None:
    row = await one(
        conn,
        "SELECT min(due_at) FROM (SELECT min(due_at) AS due_at FROM outbox"
        " WHERE state = 'pending' AND priority = 0 UNION ALL SELECT min(due_at) FROM outbox"
        " WHERE state = 'pending' AND priority = 1)",
    )
    return None if row is None else row[0]


def record(
    tx: Tx, finished: Sequence[Finish], later: Sequence[Later], blocked: Iterable[int]
) -> None:
    """What became of a group of sends, in one transaction (inside a `Database.unit`)."""
    if finished:
        tx.executemany(
            "UPDATE outbox SET state = ?, done_at = ?, sent_at = ?,"
            " last_error = coalesce(?, last_error), attempts = attempts + ? WHERE id = ?",
            finished,
        )
    if later:
        tx.executemany(
            "UPDATE outbox SET due_at = ?, last_error = ?, attempts = attempts + ?,"
            " parts_sent = coalesce(?, parts_sent) WHERE id = ?",
            later,
        )
    tx.executemany("UPDATE person SET reachable = 0 WHERE id = ?", [(p,) for p in blocked])


async def void(conn: aiosqlite.Connection, subject: str, kinds: Sequence[str], now: str) -> None:
    """Pending messages about `subject` that no longer hold (after a move or cancel)."""
    marks = ",".join("?" * len(kinds))
    await conn.execute(
        "UPDATE outbox SET state = 'void', done_at = ?"  # noqa: S608
        f" WHERE subject = ? AND state = 'pending' AND kind IN ({marks})",
        (now, subject, *kinds),
    )


def void_in(tx: Tx, subject: str, kinds: Sequence[str], now: str) -> None:
    """The same as `void`, inside a `Database.unit`."""
    marks = ",".join("?" * len(kinds))
    tx.execute(
        "UPDATE outbox SET state = 'void', done_at = ?"  # noqa: S608
        f" WHERE subject = ? AND state = 'pending' AND kind IN ({marks})",
        (now, subject, *kinds),
    )


async def report(conn: aiosqlite.Connection, batch: str) -> dict[str, int]:
    """How many rows of a batch are in each state."""
    rows = await many(
        conn, "SELECT state, count(*) FROM outbox WHERE batch = ? GROUP BY state", (batch,)
    )
    return {r[0]: r[1] for r in rows}


async def prune(db: Database, before: str, limit: int) -> int:
    """Delete up to `limit` rows that were done before `before`; how many went."""
    return await db.write(
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
        " WHERE state <> 'pending' AND done_at < ? LIMIT ?)",
        (before, limit),
    )
