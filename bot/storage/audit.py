"""SQL for the audit log of pact team actions."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

from bot.storage.privacy import PersonalData

# The record of what the team did stays; the person's id is cleared from it.
PERSONAL_DATA = (PersonalData("audit_log", "actor_id", forget="anonymise"),)


async def record(
    conn: aiosqlite.Connection, actor_id: int, action: str, detail: dict[str, Any], now: str
) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
        (now, actor_id, action, json.dumps(detail, ensure_ascii=False)),
    )
