"""SQL for the audit log of pact team actions."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.storage.db import Tx
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
