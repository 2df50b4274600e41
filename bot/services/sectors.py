"""Sectors: data with a name in each language; the pact team adds more."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, to_db
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.team import Team
from bot.storage import audit, sectors
from bot.storage.db import Database


@dataclass(frozen=True, slots=True)
class Sector:
    id: int
    code: str
    names: dict[str, str]

    def name(self, locale: str) -> str:
        return self.names.get(locale) or self.names["nl"]


class Sectors:
    def __init__(self, db: Database, clock: Clock, team: Team) -> None:
        self._db = db
        self._clock = clock
        self._team = team
        self._cache: list[Sector] | None = None

    async def all(self) -> list[Sector]:
        if self._cache is None:
            rows = await sectors.all_sectors(self._db.reader)
            self._cache = [
                Sector(
                    r["id"], r["code"], {"nl": r["name_nl"], "fr": r["name_fr"], "en": r["name_en"]}
                )
                for r in rows
            ]
        return self._cache

    async def get(self, sector_id: int) -> Sector:
        for sector in await self.all():
            if sector.id == sector_id:
                return sector
        raise NotAllowed(N_("That sector does not exist (any more)."))

    async def check_new_name(self, name: str) -> str:
        """A sector name that no sector has yet, in any language."""
        clean = validation.text(name, max_length=60, single_line=True, min_length=2)
        keys = {validation.name_key(n) for s in await self.all() for n in s.names.values()}
        if validation.name_key(clean) in keys:
            raise Invalid(N_("A sector called {name} exists already."), name=clean)
        return clean

    async def add(self, actor_id: int, names: dict[str, str]) -> Sector:
        """A new sector; its name in nl, fr and en, unique in each language."""
        await self._team.require_member(actor_id)
        clean = {
            locale: await self.check_new_name(names.get(locale, ""))
            for locale in ("nl", "fr", "en")
        }
        base = validation.name_key(clean["en"])[:30] or "sector"
        async with self._db.transaction() as tx:
            # Names that differ only after 30 letters share a base: number the later ones.
            taken = await sectors.codes(tx)
            code = next(
                c for n in range(1, 1000) if (c := base + (f"-{n}" if n > 1 else "")) not in taken
            )
            sector_id = await sectors.add(tx, code, clean["nl"], clean["fr"], clean["en"])
            await audit.record(tx, actor_id, "sector.add", clean, to_db(self._clock.now()))
        self._cache = None
        return await self.get(sector_id)
