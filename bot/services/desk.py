"""The pact team's desk: exports as rows (each one an audit-log entry) and the audit log,
paged and filtered by kind of action or by person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock, from_db, to_db
from bot.i18n import N_
from bot.services.errors import NotAllowed
from bot.services.team import Team
from bot.storage import audit, exports
from bot.storage.db import Database

EXPORTS = exports.EXPORTS
# Kinds of action in the log: the part of the action before its dot.
AUDIT_KINDS = (
    "session", "campaign", "endorsement", "broadcast", "digest", "sector", "team", "export",
)  # fmt: skip
LOG_PAGE = 10


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    at: Any
    actor_id: int | None
    action: str
    detail: dict[str, Any]


class Desk:
    def __init__(self, db: Database, clock: Clock, team: Team) -> None:
        self._db = db
        self._clock = clock
        self._team = team

    async def export(self, actor_id: int, what: str) -> list[dict[str, Any]]:
        await self._team.require_member(actor_id)
        if what not in EXPORTS:
            raise NotAllowed(N_("This button is no longer valid."))
        rows = await exports.rows(self._db.reader, what)
        async with self._db.transaction() as tx:
            await audit.record(
                tx, actor_id, f"export.{what}", {"rows": len(rows)}, to_db(self._clock.now())
            )
        return [dict(r) for r in rows]

    async def log(
        self, actor_id: int, page: int, kind: str | None, person_id: int | None
    ) -> tuple[list[Entry], bool]:
        """A page of the log, newest first, and whether there is a next one."""
        await self._team.require_member(actor_id)
        if kind is not None and kind not in AUDIT_KINDS:
            raise NotAllowed(N_("This button is no longer valid."))
        rows = await audit.page(
            self._db.reader, kind, person_id, LOG_PAGE + 1, max(page, 0) * LOG_PAGE
        )
        entries = [
            Entry(r["id"], from_db(r["at"]), r["actor_id"], r["action"], json.loads(r["detail"]))
            for r in rows[:LOG_PAGE]
        ]
        return entries, len(rows) > LOG_PAGE
