"""SQL for people and the pact team."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Database, Row, Tx, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("person", "id"),
    PersonalData("team_member", "person_id"),
    PersonalData("team_member", "added_by", forget="anonymise"),
)


async def get(conn: aiosqlite.Connection, person_id: int) -> Row | None:
    return await one(
        conn, "SELECT id, locale, created_at, reachable FROM person WHERE id = ?", (person_id,)
    )


async def insert_if_missing(db: Database, person_id: int, locale: str, now: str) -> None:
    await db.write(
        "INSERT INTO person (id, locale, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
        (person_id, locale, now),
    )


async def set_locale(db: Database, person_id: int, locale: str, now: str) -> None:
    await db.write(
        "INSERT INTO person (id, locale, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET locale = excluded.locale",
        (person_id, locale, now),
    )


async def set_reachable(conn: aiosqlite.Connection, person_id: int, reachable: bool) -> None:
    await conn.execute(
        "UPDATE person SET reachable = ? WHERE id = ?", (1 if reachable else 0, person_id)
    )


async def team_member_ids(conn: aiosqlite.Connection) -> set[int]:
    async with conn.execute("SELECT person_id FROM team_member") as cursor:
        return {row[0] for row in await cursor.fetchall()}


def team_member_ids_in(tx: Tx) -> set[int]:
    """The same, inside a `Database.unit`."""
    return {int(r[0]) for r in tx.execute("SELECT person_id FROM team_member")}


async def add_team_member(
    conn: aiosqlite.Connection, person_id: int, added_by: int, now: str
) -> bool:
    cursor = await conn.execute(
        "INSERT INTO team_member (person_id, added_by, added_at) VALUES (?, ?, ?)"
        " ON CONFLICT (person_id) DO NOTHING",
        (person_id, added_by, now),
    )
    return cursor.rowcount > 0


async def remove_team_member(conn: aiosqlite.Connection, person_id: int) -> bool:
    cursor = await conn.execute("DELETE FROM team_member WHERE person_id = ?", (person_id,))
    return cursor.rowcount > 0
