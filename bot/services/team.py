"""The pact team: owners from configuration, members added by owners."""

from __future__ import annotations

import aiosqlite

from bot.clock import Clock, to_db
from bot.delivery.outbox import Message, Outbox
from bot.i18n import N_
from bot.services.errors import Invalid, NotAllowed
from bot.storage import audit, people
from bot.storage.db import Database


class Team:
    def __init__(
        self, db: Database, clock: Clock, owner_ids: frozenset[int], outbox: Outbox
    ) -> None:
        self._db = db
        self._clock = clock
        self.owner_ids = owner_ids
        self._outbox = outbox
        self._members: set[int] | None = None

    async def member_ids(self) -> set[int]:
        """Owners and members; cached, since every team command checks it."""
        if self._members is None:
            self._members = await people.team_member_ids(self._db.reader)
        return self._members | self.owner_ids

    async def is_member(self, person_id: int) -> bool:
        return person_id in await self.member_ids()

    def is_owner(self, person_id: int) -> bool:
        return person_id in self.owner_ids

    async def require_member(self, person_id: int) -> None:
        if not await self.is_member(person_id):
            raise NotAllowed(N_("This command is for the pact team."))

    async def add(self, actor_id: int, person_id: int) -> bool:
        """Owners add members; returns False when the person already was one."""
        self._require_owner(actor_id)
        if person_id in self.owner_ids:
            raise Invalid(N_("That person is an owner already."))
        async with self._db.transaction() as tx:
            added = await people.add_team_member(tx, person_id, actor_id, to_db(self._clock.now()))
            if added:
                now = to_db(self._clock.now())
                await audit.record(tx, actor_id, "team.add", {"person_id": person_id}, now)
                await self._tell(tx, person_id, "team-added", now)
        self._members = None
        return added

    async def remove(self, actor_id: int, person_id: int) -> bool:
        self._require_owner(actor_id)
        async with self._db.transaction() as tx:
            removed = await people.remove_team_member(tx, person_id)
            if removed:
                now = to_db(self._clock.now())
                await audit.record(tx, actor_id, "team.remove", {"person_id": person_id}, now)
                await self._tell(tx, person_id, "team-removed", now)
        self._members = None
        return removed

    async def _tell(self, tx: aiosqlite.Connection, person_id: int, kind: str, now: str) -> None:
        """The person hears it from the bot (the latest change wins, after downtime too)."""
        message = Message(
            person_id,
            kind,
            self._clock.now(),
            f"{kind}:{person_id}:{now}",
            {},
            subject=f"team:{person_id}",
            collapse=f"team:{person_id}",
        )
        await self._outbox.enqueue(tx, [message])

    def _require_owner(self, actor_id: int) -> None:
        if actor_id not in self.owner_ids:
            raise NotAllowed(N_("Only a pact team owner can change the team."))

    def forget_cached(self) -> None:
        self._members = None
