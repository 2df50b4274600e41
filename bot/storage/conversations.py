"""SQL for conversation states and drafts: one JSON document per person."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Database, Tx, many
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (PersonalData("conversation", "user_id"),)


async def all_documents(conn: aiosqlite.Connection) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in await many(conn, "SELECT user_id, data FROM conversation")]


def put_in(tx: Tx, user_id: int, data: str, now: str) -> None:
    """One person's document (an empty one deletes the row), inside a unit."""
    if data:
        tx.execute(
            "INSERT INTO conversation (user_id, data, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id)"
            " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
            (user_id, data, now),
        )
    else:
        tx.execute("DELETE FROM conversation WHERE user_id = ?", (user_id,))


async def put_many(db: Database, documents: dict[int, str], now: str) -> None:
    """Store documents (an empty one deletes the row) in one transaction."""
    kept = [(user_id, data, now) for user_id, data in documents.items() if data]
    gone = [(user_id,) for user_id, data in documents.items() if not data]
    async with db.transaction() as tx:
        if kept:
            await tx.executemany(
                "INSERT INTO conversation (user_id, data, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id)"
                " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                kept,
            )
        if gone:
            await tx.executemany("DELETE FROM conversation WHERE user_id = ?", gone)
