"""SQL for sectors."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Row, many


async def all_sectors(conn: aiosqlite.Connection) -> list[Row]:
    return await many(conn, "SELECT * FROM sector ORDER BY position, id")


async def codes(conn: aiosqlite.Connection) -> set[str]:
    return {r[0] for r in await many(conn, "SELECT code FROM sector")}


async def add(
    conn: aiosqlite.Connection, code: str, name_nl: str, name_fr: str, name_en: str
) -> int:
    cursor = await conn.execute(
        "INSERT INTO sector (code, name_nl, name_fr, name_en, position)"
        " VALUES (?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM sector))",
        (code, name_nl, name_fr, name_en),
    )
    return int(cursor.lastrowid or 0)
