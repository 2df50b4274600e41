"""SQL for conversation states and drafts, so a restart continues a conversation."""

from __future__ import annotations

import aiosqlite

from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("conversation_state", "user_id"),
    PersonalData("draft", "user_id"),
)


async def states(conn: aiosqlite.Connection, name: str) -> list[tuple[str, str]]:
    async with conn.execute(
        "SELECT key, state FROM conversation_state WHERE name = ?", (name,)
    ) as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def put_state(
    conn: aiosqlite.Connection, name: str, key: str, user_id: int | None, state: str, now: str
) -> None:
    await conn.execute(
        "INSERT INTO conversation_state (name, key, user_id, state, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, key)"
        " DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
        (name, key, user_id, state, now),
    )


async def delete_state(conn: aiosqlite.Connection, name: str, key: str) -> None:
    await conn.execute("DELETE FROM conversation_state WHERE name = ? AND key = ?", (name, key))


async def drafts(conn: aiosqlite.Connection) -> list[tuple[int, str]]:
    async with conn.execute("SELECT user_id, data FROM draft") as cursor:
        return [(row[0], row[1]) for row in await cursor.fetchall()]


async def put_draft(conn: aiosqlite.Connection, user_id: int, data: str, now: str) -> None:
    await conn.execute(
        "INSERT INTO draft (user_id, data, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_id)"
        " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        (user_id, data, now),
    )


async def delete_draft(conn: aiosqlite.Connection, user_id: int) -> None:
    await conn.execute("DELETE FROM draft WHERE user_id = ?", (user_id,))
