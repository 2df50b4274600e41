"""SQL for organisations, their contacts, invites and join requests."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Row, many, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("contact", "person_id"),
    PersonalData("join_request", "person_id"),
    PersonalData("organisation", "created_by", forget="anonymise"),
    PersonalData("invite", "created_by", forget="anonymise"),
    PersonalData("invite", "used_by", forget="anonymise"),
)


async def before_forget(conn: aiosqlite.Connection, person_id: int) -> None:
    """An organisation whose last contact leaves goes with them."""
    await conn.execute(
        "DELETE FROM organisation WHERE id IN ("
        " SELECT organisation_id FROM contact WHERE person_id = ?"
        " AND (SELECT count(*) FROM contact c"
        "      WHERE c.organisation_id = contact.organisation_id) = 1)",
        (person_id,),
    )


async def of_contact(conn: aiosqlite.Connection, person_id: int) -> Row | None:
    return await one(
        conn,
        "SELECT o.* FROM organisation o JOIN contact c ON c.organisation_id = o.id"
        " WHERE c.person_id = ?",
        (person_id,),
    )


async def get(conn: aiosqlite.Connection, organisation_id: int) -> Row | None:
    return await one(conn, "SELECT * FROM organisation WHERE id = ?", (organisation_id,))


async def with_name_key(conn: aiosqlite.Connection, name_key: str) -> Row | None:
    return await one(
        conn, "SELECT * FROM organisation WHERE name_key = ? ORDER BY id LIMIT 1", (name_key,)
    )


async def insert(
    conn: aiosqlite.Connection,
    *,
    name: str,
    name_key: str,
    sector_id: int,
    website: str | None,
    description: str | None,
    created_by: int,
    now: str,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO organisation"
        " (name, name_key, sector_id, website, description, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (name, name_key, sector_id, website, description, now, created_by),
    )
    return int(cursor.lastrowid or 0)


async def add_contact(
    conn: aiosqlite.Connection, organisation_id: int, person_id: int, display_name: str, now: str
) -> None:
    await conn.execute(
        "INSERT INTO contact (person_id, organisation_id, display_name, joined_at)"
        " VALUES (?, ?, ?, ?)",
        (person_id, organisation_id, display_name, now),
    )


async def contacts(conn: aiosqlite.Connection, organisation_id: int) -> list[Row]:
    return await many(
        conn,
        "SELECT * FROM contact WHERE organisation_id = ? ORDER BY joined_at",
        (organisation_id,),
    )


async def insert_invite(
    conn: aiosqlite.Connection,
    code: str,
    organisation_id: int,
    created_by: int,
    now: str,
    expires_at: str,
) -> None:
    await conn.execute(
        "INSERT INTO invite (code, organisation_id, created_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (code, organisation_id, created_by, now, expires_at),
    )


async def get_invite(conn: aiosqlite.Connection, code: str) -> Row | None:
    return await one(conn, "SELECT * FROM invite WHERE code = ?", (code,))


async def use_invite(conn: aiosqlite.Connection, code: str, person_id: int, now: str) -> bool:
    """Mark the invite used; False when it was used or expired meanwhile."""
    cursor = await conn.execute(
        "UPDATE invite SET used_by = ?, used_at = ?"
        " WHERE code = ? AND used_at IS NULL AND expires_at > ?",
        (person_id, now, code, now),
    )
    return cursor.rowcount == 1


async def insert_join_request(
    conn: aiosqlite.Connection, organisation_id: int, person_id: int, display_name: str, now: str
) -> int:
    cursor = await conn.execute(
        "INSERT INTO join_request (organisation_id, person_id, display_name, created_at)"
        " VALUES (?, ?, ?, ?)",
        (organisation_id, person_id, display_name, now),
    )
    return int(cursor.lastrowid or 0)


async def get_join_request(conn: aiosqlite.Connection, request_id: int) -> Row | None:
    return await one(conn, "SELECT * FROM join_request WHERE id = ?", (request_id,))


async def close_join_request(conn: aiosqlite.Connection, request_id: int, state: str) -> bool:
    cursor = await conn.execute(
        "UPDATE join_request SET state = ? WHERE id = ? AND state = 'open'", (state, request_id)
    )
    return cursor.rowcount == 1


async def page(
    conn: aiosqlite.Connection, sector_id: int | None, limit: int, offset: int
) -> tuple[list[Row], int]:
    where, params = ("WHERE sector_id = ?", [sector_id]) if sector_id else ("", [])
    async with conn.execute(
        "SELECT o.*,"  # noqa: S608
        " (SELECT count(*) FROM intention i WHERE i.organisation_id = o.id) AS intentions"
        f" FROM organisation o {where} ORDER BY o.name COLLATE NOCASE, o.id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ) as cursor:
        rows = list(await cursor.fetchall())
    count_sql = f"SELECT coalesce(sum(n), 0) FROM figure_organisations {where}"  # noqa: S608
    async with conn.execute(count_sql, params) as cursor:
        total = (await cursor.fetchone() or [0])[0]
    return rows, int(total)


async def count_per_sector(conn: aiosqlite.Connection) -> list[Row]:
    """Organisations per sector (the figures kept as the bot writes)."""
    return await many(conn, "SELECT sector_id, n FROM figure_organisations WHERE n > 0")


async def set_public(
    conn: aiosqlite.Connection, organisation_id: int, public: bool, now: str
) -> None:
    await conn.execute(
        "UPDATE organisation SET public = ?, public_at = ? WHERE id = ?",
        (1 if public else 0, now, organisation_id),
    )
