"""SQL for engagement intentions, their indicators, progress and events.

The writes are plain sqlite3 functions, composed by the service into one
`Database.unit` (one trip to the database thread); the reads are async, on the reader.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aiosqlite

from bot.storage.db import Row, Tx, many, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("intention", "created_by", forget="anonymise"),
    PersonalData("progress", "author_id", forget="anonymise"),
    PersonalData("intention_event", "author_id", forget="anonymise"),
)


def insert(
    conn: Tx,
    *,
    organisation_id: int,
    title: str,
    description: str,
    sector_id: int,
    lever: str,
    preconditions: Sequence[str],
    characteristics: Sequence[str],
    due_date: str,
    author_id: int,
    now: str,
) -> int:
    cursor = conn.execute(
        "INSERT INTO intention (organisation_id, title, description, sector_id, lever,"
        " preconditions, characteristics, due_date, created_at, updated_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            organisation_id,
            title,
            description,
            sector_id,
            lever,
            json.dumps(list(preconditions)),
            json.dumps(list(characteristics)),
            due_date,
            now,
            now,
            author_id,
        ),
    )
    return int(cursor.lastrowid or 0)


def insert_indicator(
    conn: Tx,
    intention_id: int,
    name: str,
    unit: str,
    baseline: float,
    target: float,
) -> int:
    cursor = conn.execute(
        "INSERT INTO indicator (intention_id, name, unit, baseline, target, position)"
        " VALUES (?, ?, ?, ?, ?,"
        " (SELECT coalesce(max(position), 0) + 1 FROM indicator WHERE intention_id = ?))",
        (intention_id, name, unit, baseline, target, intention_id),
    )
    return int(cursor.lastrowid or 0)


def record_event(
    conn: Tx,
    intention_id: int,
    author_id: int | None,
    kind: str,
    detail: dict[str, Any],
    now: str,
) -> None:
    conn.execute(
        "INSERT INTO intention_event (intention_id, at, author_id, kind, detail)"
        " VALUES (?, ?, ?, ?, ?)",
        (intention_id, now, author_id, kind, json.dumps(detail, ensure_ascii=False)),
    )


# Every intention row comes whole, in one trip to the database: its indicators as a JSON
# list, and its latest progress entries as a JSON list of [text, at, [[indicator id,
# value], ...]], newest first.
HISTORY_LENGTH = 5
_COLUMNS = (
    "i.*,"  # noqa: S608 (constants only)
    " (SELECT json_group_array(json_array(d.id, d.name, d.unit, d.baseline, d.target,"
    " d.current)) FROM (SELECT * FROM indicator WHERE intention_id = i.id ORDER BY position) d)"
    " AS indicators,"
    " (SELECT json_group_array(json_array(p.text, p.at, json(p.vals))) FROM"
    "  (SELECT text, at, (SELECT json_group_array(json_array(v.indicator_id, v.value))"
    "    FROM progress_value v WHERE v.progress_id = progress.id) AS vals"
    "   FROM progress WHERE intention_id = i.id"
    f"   ORDER BY at DESC, id DESC LIMIT {HISTORY_LENGTH}) p) AS history"
)
_WHOLE = f"SELECT {_COLUMNS} FROM intention i"  # noqa: S608 (constants only)
_GET = f"{_WHOLE} WHERE i.id = ?"


async def get(conn: aiosqlite.Connection, intention_id: int) -> Row | None:
    """The intention with its indicators and latest progress."""
    return await one(conn, _GET, (intention_id,))


def get_in(conn: Tx, intention_id: int) -> Row | None:
    """The same, inside a unit: what it reads includes the unit's own writes."""
    row: Row | None = conn.execute(_GET, (intention_id,)).fetchone()
    return row


async def of_organisation(conn: aiosqlite.Connection, organisation_id: int) -> list[Row]:
    """The organisation's intentions, whole (as `get` reads one)."""
    sql = f"{_WHOLE} WHERE i.organisation_id = ? ORDER BY i.id"
    return await many(conn, sql, (organisation_id,))


async def history(
    conn: aiosqlite.Connection, intention_id: int, limit: int, offset: int
) -> tuple[list[Row], int]:
    """A page of the intention's progress, newest first, each with its values as a JSON
    list of [indicator id, value]; and how many there are."""
    rows = await many(
        conn,
        "SELECT p.text, p.at, (SELECT json_group_array(json_array(v.indicator_id, v.value))"
        " FROM progress_value v WHERE v.progress_id = p.id) AS vals"
        " FROM progress p WHERE p.intention_id = ? ORDER BY p.at DESC, p.id DESC"
        " LIMIT ? OFFSET ?",
        (intention_id, limit, offset),
    )
    total = await one(conn, "SELECT count(*) FROM progress WHERE intention_id = ?", (intention_id,))
    return rows, int(total[0]) if total else 0


def set_fields(conn: Tx, intention_id: int, fields: dict[str, Any], now: str) -> None:
    allowed = {"title", "description", "due_date", "status"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"cannot set {set(fields) - allowed}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    conn.execute(
        f"UPDATE intention SET {assignments}, updated_at = ? WHERE id = ?",  # noqa: S608
        (*fields.values(), now, intention_id),
    )


def insert_progress(
    conn: Tx,
    intention_id: int,
    text: str,
    values: dict[int, float],
    author_id: int,
    now: str,
) -> int:
    cursor = conn.execute(
        "INSERT INTO progress (intention_id, text, at, author_id) VALUES (?, ?, ?, ?)",
        (intention_id, text, now, author_id),
    )
    progress_id = int(cursor.lastrowid or 0)
    conn.executemany(
        "INSERT INTO progress_value (progress_id, indicator_id, value) VALUES (?, ?, ?)",
        [(progress_id, indicator_id, value) for indicator_id, value in values.items()],
    )
    conn.executemany(
        "UPDATE indicator SET current = ? WHERE id = ? AND intention_id = ?",
        [(value, indicator_id, intention_id) for indicator_id, value in values.items()],
    )
    return progress_id


def _filters(sector_id: int | None, lever: str | None, status: str | None) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in (("sector_id", sector_id), ("lever", lever), ("status", status)):
        if value:
            clauses.append(f"i.{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


async def page(
    conn: aiosqlite.Connection,
    *,
    sector_id: int | None,
    lever: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Row], int]:
    """A page of the team's list, newest first: the page's rows are chosen by index
    before their indicators and progress are read; the total comes from the figures."""
    where, params = _filters(sector_id, lever, status)
    async with conn.execute(
        f"WITH chosen AS (SELECT i.id FROM intention i{where}"  # noqa: S608
        " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?)"
        f" SELECT {_COLUMNS}, o.name AS organisation_name FROM chosen"
        " JOIN intention i ON i.id = chosen.id JOIN organisation o ON o.id = i.organisation_id"
        " ORDER BY i.created_at DESC, i.id DESC",
        (*params, limit, offset),
    ) as cursor:
        rows = list(await cursor.fetchall())
    counted = f"SELECT coalesce(sum(n), 0) FROM figure_intentions i{where}"  # noqa: S608
    async with conn.execute(counted, params) as cursor:
        total = (await cursor.fetchone() or [0])[0]
    return rows, int(total)


async def count_by_lever_and_status(conn: aiosqlite.Connection) -> list[Row]:
    """Intentions per lever and status (the figures kept as the bot writes)."""
    return await many(
        conn,
        "SELECT lever, status, sum(n) AS n FROM figure_intentions GROUP BY lever, status",
    )


async def indicator_totals(conn: aiosqlite.Connection) -> Row | None:
    """Indicators of intentions not withdrawn: how many, and the sum of their progress."""
    return await one(
        conn,
        "SELECT coalesce(sum(n), 0) AS n, coalesce(sum(total), 0.0) AS total FROM figure_progress",
    )


async def progress_per_sector(conn: aiosqlite.Connection) -> list[Row]:
    """Per sector with indicators: how many, and the sum of their progress."""
    return await many(
        conn,
        "SELECT sector_id, sum(n) AS n, sum(total) AS total FROM figure_progress"
        " GROUP BY sector_id HAVING sum(n) > 0",
    )


async def count_overdue(conn: aiosqlite.Connection, today: str) -> int:
    """Intentions under way whose due date is before `today`."""
    row = await one(conn, "SELECT coalesce(sum(n), 0) FROM figure_due WHERE due_date < ?", (today,))
    return int(row[0]) if row else 0
