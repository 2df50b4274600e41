"""SQL for broadcasts: the message, its audience as a query, and where it stands."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.storage.db import Row, Tx, many, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("broadcast", "created_by", forget="anonymise"),
    PersonalData("broadcast", "approved_by", forget="anonymise"),
)

# Who is in each audience: people the bot can still reach, each once.
_AUDIENCES = {
    "everyone": "SELECT id FROM person",
    "contacts": "SELECT c.person_id FROM contact c",
    "sectors": "SELECT c.person_id FROM contact c JOIN organisation o"
    " ON o.id = c.organisation_id WHERE o.sector_id IN (SELECT value FROM json_each(:sectors))",
    "followers": "SELECT person_id FROM subscription WHERE frequency <> 'none'",
    "session": "SELECT person_id FROM invitation WHERE session_id = :session_id"
    " AND (:answers = 'all' OR rsvp = 'yes' OR (:answers = 'yes_maybe' AND rsvp = 'maybe'))",
    "not_endorsed": "SELECT c.person_id FROM contact c WHERE NOT EXISTS"
    " (SELECT 1 FROM endorsement e WHERE e.campaign_id = :campaign_id"
    " AND e.state IN ('submitted', 'approved')"
    " AND (e.organisation_id = c.organisation_id OR e.person_id IN"
    "  (SELECT person_id FROM contact WHERE organisation_id = c.organisation_id)))",
}
AUDIENCE_KINDS = tuple(_AUDIENCES)


def _audience(spec: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The SQL of the reachable people in an audience, and its parameters."""
    inner = _AUDIENCES[spec["kind"]]
    sql = f"SELECT p.id, p.locale FROM person p WHERE p.reachable = 1 AND p.id IN ({inner})"  # noqa: S608
    params = {
        "sectors": json.dumps(spec.get("sectors") or []),
        "session_id": spec.get("session_id"),
        "answers": spec.get("answers", "all"),
        "campaign_id": spec.get("campaign_id"),
    }
    return sql, params


async def count(conn: aiosqlite.Connection, spec: dict[str, Any]) -> dict[str, int]:
    """How many reachable people an audience holds, per language."""
    sql, params = _audience(spec)
    rows = await many(conn, f"SELECT locale, count(*) FROM ({sql}) GROUP BY 1", params)  # noqa: S608
    return {str(r[0]): int(r[1]) for r in rows}


def recipients(tx: Tx, spec: dict[str, Any]) -> list[int]:
    sql, params = _audience(spec)
    return [int(r[0]) for r in tx.execute(f"{sql} ORDER BY p.id", params)]


def insert(
    tx: Tx,
    texts: dict[str, str],
    buttons: list[list[str]] | None,
    spec: dict[str, Any],
    state: str,
    actor_id: int,
    now: str,
) -> int:
    cursor = tx.execute(
        "INSERT INTO broadcast (texts, button, audience, state, created_by, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            json.dumps(texts, ensure_ascii=False),
            json.dumps(buttons, ensure_ascii=False) if buttons else None,
            json.dumps(spec),
            state,
            actor_id,
            now,
        ),
    )
    return int(cursor.lastrowid or 0)


def set_recipients(tx: Tx, broadcast_id: int, recipients: int) -> None:
    tx.execute("UPDATE broadcast SET recipients = ? WHERE id = ?", (recipients, broadcast_id))


def get_in(tx: Tx, broadcast_id: int) -> Row | None:
    row: Row | None = tx.execute("SELECT * FROM broadcast WHERE id = ?", (broadcast_id,)).fetchone()
    return row


async def get(conn: aiosqlite.Connection, broadcast_id: int) -> Row | None:
    return await one(conn, "SELECT * FROM broadcast WHERE id = ?", (broadcast_id,))


def move(tx: Tx, broadcast_id: int, before: str, after: str, **fields: Any) -> bool:
    """`before` → `after` if it is still `before` (of two presses, one wins)."""
    names = "".join(f", {name} = :{name}" for name in fields)
    cursor = tx.execute(
        f"UPDATE broadcast SET state = :after{names}"  # noqa: S608 (names from code)
        " WHERE id = :id AND state = :before",
        {"after": after, "before": before, "id": broadcast_id, **fields},
    )
    return cursor.rowcount == 1


async def set_status_message(
    conn: aiosqlite.Connection, broadcast_id: int, chat: int, message: int
) -> None:
    await conn.execute(
        "UPDATE broadcast SET status_chat = ?, status_message = ? WHERE id = ?",
        (chat, message, broadcast_id),
    )


async def sending(conn: aiosqlite.Connection) -> list[Row]:
    return await many(conn, "SELECT * FROM broadcast WHERE state = 'sending' ORDER BY id")


async def latest(conn: aiosqlite.Connection, limit: int) -> list[Row]:
    return await many(conn, "SELECT * FROM broadcast ORDER BY id DESC LIMIT ?", (limit,))


async def unreached(conn: aiosqlite.Connection, batch: str) -> list[Row]:
    """Who a broadcast did not reach, and why."""
    return await many(
        conn,
        "SELECT recipient_id, state, last_error FROM outbox"
        " WHERE batch = ? AND state IN ('blocked', 'failed', 'void', 'skipped')"
        " ORDER BY recipient_id",
        (batch,),
    )
