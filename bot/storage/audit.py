"""SQL for the audit log of pact team actions."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.storage.db import Row, Tx, many
from bot.storage.privacy import PersonalData

# The record of what the team did stays; the person is taken out of it, as the one who
# acted and as the one acted on (team.add, team.remove).
PERSONAL_DATA = (
    PersonalData("audit_log", "actor_id", forget="anonymise"),
    PersonalData("audit_log", "detail", forget="anonymise", json_path="$.person_id"),
)


async def record(
    conn: aiosqlite.Connection, actor_id: int, action: str, detail: dict[str, Any], now: str
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
        (now, actor_id, action, json.dumps(detail, ensure_ascii=False)),
    )


def record_in(tx: Tx, actor_id: int, action: str, detail: dict[str, Any], now: str) -> None:
    """The same, inside a `Database.unit`."""
    tx.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
        (now, actor_id, action, json.dumps(detail, ensure_ascii=False)),
    )


async def page(
    conn: aiosqlite.Connection,
    kind: str | None,
    actor_id: int | None,
    limit: int,
    offset: int,
) -> list[Row]:
    """The team's latest actions, newest first: of one kind (`session` for `session.*`)
    and by one person, when given."""
    clauses: list[str] = []
    params: list[object] = []
    if kind:
        clauses.append("action >= ? AND action < ?")
        params += [f"{kind}.", f"{kind}/"]  # the actions "kind.…": a range of the index
    if actor_id is not None:
        clauses.append("actor_id = ?")
        params.append(actor_id)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    return await many(
        conn,
        f"SELECT id, at, actor_id, action, detail FROM audit_log{where}"  # noqa: S608
        " ORDER BY id DESC LIMIT ? OFFSET ?",
        (*params, limit, offset),
    )
