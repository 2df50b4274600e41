"""What the pact team's status view and the health check read about the bot itself."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import many, one


async def backlog(conn: aiosqlite.Connection, now: str) -> list[tuple[str, int, str]]:
    """Messages due and not sent, per kind: (kind, how many, the oldest's due moment)."""
    rows = await many(
        conn,
        "SELECT kind, count(*), min(due_at) FROM outbox"
        " WHERE state = 'pending' AND due_at <= ? GROUP BY kind ORDER BY kind",
        (now,),
    )
    return [(str(r[0]), int(r[1]), str(r[2])) for r in rows]


async def oldest_due(conn: aiosqlite.Connection, now: str) -> str | None:
    """The oldest moment a pending message was due (a range of the due index)."""
    row = await one(
        conn,
        "SELECT min(due_at) FROM (SELECT min(due_at) AS due_at FROM outbox"
        " WHERE state = 'pending' AND priority = 0 AND due_at <= :now UNION ALL"
        " SELECT min(due_at) FROM outbox WHERE state = 'pending' AND priority = 1"
        " AND due_at <= :now)",
        {"now": now},
    )
    return None if row is None or row[0] is None else str(row[0])


async def settled_since(conn: aiosqlite.Connection, since: str) -> dict[str, int]:
    """Messages settled since `since`, per state (sent, failed, blocked, skipped, void)."""
    rows = await many(
        conn,
        "SELECT state, count(*) FROM outbox WHERE state <> 'pending' AND done_at >= ?"
        " GROUP BY state",
        (since,),
    )
    return {str(r[0]): int(r[1]) for r in rows}
