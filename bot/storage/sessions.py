"""SQL for follow-up sessions and invitations."""

from __future__ import annotations

import json
from collections.abc import Sequence

import aiosqlite

from bot.storage.db import Row, many, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("invitation", "person_id"),
    PersonalData("session", "created_by", forget="anonymise"),
)


async def insert(
    conn: aiosqlite.Connection,
    *,
    title: str,
    start_at: str,
    duration_minutes: int,
    place: str | None,
    url: str | None,
    agenda: str,
    offsets: Sequence[int],
    sector_ids: Sequence[int] | None,
    created_by: int,
    now: str,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO session (title, start_at, duration_minutes, place, url, agenda, offsets,"
        " all_sectors, created_by, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            title,
            start_at,
            duration_minutes,
            place,
            url,
            agenda,
            json.dumps(list(offsets)),
            1 if sector_ids is None else 0,
            created_by,
            now,
            now,
        ),
    )
    session_id = int(cursor.lastrowid or 0)
    if sector_ids:
        await conn.executemany(
            "INSERT INTO session_sector (session_id, sector_id) VALUES (?, ?)",
            [(session_id, s) for s in sector_ids],
        )
    return session_id


# Every session row comes with its sectors as a JSON list.
WITH_SECTORS = (
    "s.*, (SELECT json_group_array(sector_id) FROM session_sector WHERE session_id = s.id)"
    " AS sector_ids"
)


async def get(conn: aiosqlite.Connection, session_id: int) -> Row | None:
    sql = f"SELECT {WITH_SECTORS} FROM session s WHERE s.id = ?"  # noqa: S608
    return await one(conn, sql, (session_id,))


async def contacts_in_sectors(
    conn: aiosqlite.Connection, sector_ids: Sequence[int] | None
) -> list[Row]:
    """Every contact of every organisation in these sectors (None: all), once each."""
    if sector_ids is None:
        return await many(conn, "SELECT person_id, organisation_id FROM contact")
    marks = ",".join("?" * len(sector_ids))
    return await many(
        conn,
        "SELECT c.person_id, c.organisation_id FROM contact c"  # noqa: S608
        f" JOIN organisation o ON o.id = c.organisation_id WHERE o.sector_id IN ({marks})",
        list(sector_ids),
    )


async def invite(
    conn: aiosqlite.Connection, session_id: int, invitees: Sequence[tuple[int, int]], now: str
) -> None:
    await conn.executemany(
        "INSERT INTO invitation (session_id, person_id, organisation_id, invited_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [(session_id, person, organisation, now) for person, organisation in invitees],
    )


async def invitations(conn: aiosqlite.Connection, session_id: int) -> list[Row]:
    return await many(
        conn,
        "SELECT i.*, c.display_name, o.name AS organisation_name FROM invitation i"
        " LEFT JOIN contact c ON c.person_id = i.person_id"
        " LEFT JOIN organisation o ON o.id = i.organisation_id"
        " WHERE i.session_id = ? ORDER BY o.name COLLATE NOCASE, c.display_name",
        (session_id,),
    )


async def invitation(conn: aiosqlite.Connection, session_id: int, person_id: int) -> Row | None:
    return await one(
        conn,
        "SELECT * FROM invitation WHERE session_id = ? AND person_id = ?",
        (session_id, person_id),
    )


async def answer(
    conn: aiosqlite.Connection, session_id: int, person_id: int, rsvp: str, now: str
) -> bool:
    cursor = await conn.execute(
        "UPDATE invitation SET rsvp = ?, answered_at = ? WHERE session_id = ? AND person_id = ?",
        (rsvp, now, session_id, person_id),
    )
    return cursor.rowcount == 1


async def set_fields(
    conn: aiosqlite.Connection, session_id: int, fields: dict[str, object], now: str
) -> None:
    allowed = {"title", "start_at", "duration_minutes", "place", "url", "agenda", "state"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"cannot set {set(fields) - allowed}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await conn.execute(
        f"UPDATE session SET {assignments}, sequence = sequence + 1, updated_at = ?"  # noqa: S608
        " WHERE id = ?",
        (*fields.values(), now, session_id),
    )


async def upcoming(conn: aiosqlite.Connection, now: str) -> list[Row]:
    """Scheduled sessions not yet ended, soonest first, with their answers counted."""
    return await many(
        conn,
        f"SELECT {WITH_SECTORS},"  # noqa: S608
        " (SELECT count(*) FROM invitation WHERE session_id = s.id) AS invited,"
        " (SELECT count(*) FROM invitation WHERE session_id = s.id AND rsvp = 'yes') AS yes,"
        " (SELECT count(*) FROM invitation WHERE session_id = s.id AND rsvp = 'maybe') AS maybe,"
        " (SELECT count(*) FROM invitation WHERE session_id = s.id AND rsvp = 'no') AS no"
        " FROM session s WHERE s.state = 'scheduled'"
        " AND datetime(s.start_at, '+' || s.duration_minutes || ' minutes') > datetime(?)"
        " ORDER BY s.start_at",
        (now,),
    )


async def latest(conn: aiosqlite.Connection, limit: int) -> list[Row]:
    return await many(
        conn,
        f"SELECT {WITH_SECTORS} FROM session s ORDER BY s.start_at DESC LIMIT ?",  # noqa: S608
        (limit,),
    )


async def upcoming_for(conn: aiosqlite.Connection, person_id: int, now: str) -> list[Row]:
    return await many(
        conn,
        f"SELECT {WITH_SECTORS}, i.rsvp FROM session s"  # noqa: S608
        " JOIN invitation i ON i.session_id = s.id"
        " WHERE i.person_id = ? AND s.state = 'scheduled' AND s.start_at > ?"
        " ORDER BY s.start_at",
        (person_id, now),
    )
