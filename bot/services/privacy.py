"""`/mydata` and `/forget`: everything stored about a person, and erasing it."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock, to_db
from bot.storage import privacy
from bot.storage.db import Database


class Privacy:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def export(self, person_id: int) -> dict[str, Any]:
        tables = await privacy.export(self._db.reader, person_id)
        return {
            "telegram_user_id": person_id,
            "exported_at": to_db(self._clock.now()),
            "data": {name: rows for name, rows in tables.items() if rows},
        }

    async def forget(self, person_id: int) -> None:
        async with self._db.transaction() as tx:
            await privacy.forget(tx, person_id, to_db(self._clock.now()))
        await self._db.scrub()
