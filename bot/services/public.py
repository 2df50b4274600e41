"""The pact in public: the figures at a glance, the commitments of organisations that
agreed (a page at a time, filtered), each with its indicators and history, and the
published opinion texts with their endorsements as their authors allowed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.clock import Clock, from_db, to_db
from bot.services.endorsements import Campaign, Endorsement, campaign_of, endorsement_of
from bot.services.intentions import Indicator
from bot.storage import digests, endorsements, opendata, public
from bot.storage.db import Database, Row
from bot.vocabulary import LEVER, STATUS

PAGE = 20
RECENT = 20
UPCOMING = 10
AHEAD = dt.timedelta(days=90)  # the sessions of the next three months
HISTORY = 30  # the latest updates: a page stays under 60 KB
PAGES_MOST = 500  # pages of 20 a list goes to (a deeper page from a forged address: the last)


@dataclass(frozen=True, slots=True)
class Commitment:
    id: int
    title: str
    description: str
    sector_id: int
    lever: str
    status: str
    due_date: dt.date
    organisation: str
    website: str | None
    indicators: tuple[Indicator, ...]


@dataclass(frozen=True, slots=True)
class Glance:
    organisations: dict[int, int]  # per sector
    intentions: dict[tuple[int, str, str], int]  # (sector, lever, status)
    progress: dict[str, float]  # average per lever
    recent: list[tuple[str, dt.datetime, int, str, str]]  # kind, at, id, title, org
    upcoming: list[tuple[str, dt.datetime, tuple[int, ...] | None]]


@dataclass(frozen=True, slots=True)
class Filters:
    sector: int | None = None
    lever: str | None = None
    status: str | None = None
    page: int = 0

    @classmethod
    def read(cls, query: dict[str, str], sectors: set[int]) -> Filters:
        """From a page's query; anything malformed is simply not a filter."""

        def number(name: str) -> int | None:
            text = query.get(name, "")
            return int(text) if text.isdigit() and len(text) <= 6 else None

        sector = number("sector")
        lever = query.get("lever")
        status = query.get("status")
        return cls(
            sector if sector in sectors else None,
            lever if lever in LEVER else None,
            status if status in STATUS else None,
            min(number("page") or 0, PAGES_MOST),
        )


class PublicPact:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def mark(self) -> str:
        """A mark that moves whenever what the pages show may have changed."""
        return await opendata.changed(self._db.reader)

    async def glance(self) -> Glance:
        reader = self._db.reader
        organisations, intentions, progress = await public.figures(reader)
        per_lever: dict[str, tuple[float, int]] = {}
        for r in progress:
            total, n = per_lever.get(r["lever"], (0.0, 0))
            per_lever[r["lever"]] = (total + float(r["total"]), n + int(r["n"]))
        now = self._clock.now()
        recent = await public.recent(reader, to_db(now - dt.timedelta(days=30)), RECENT)
        ahead = to_db(now + AHEAD)
        upcoming = (await digests.upcoming_sessions(reader, to_db(now), ahead))[:UPCOMING]
        return Glance(
            organisations={int(r["sector_id"]): int(r["n"]) for r in organisations if r["n"]},
            intentions={
                (int(r["sector_id"]), str(r["lever"]), str(r["status"])): int(r["n"])
                for r in intentions
                if r["n"]
            },
            progress={lever: total / n for lever, (total, n) in per_lever.items() if n},
            recent=[
                (str(r["kind"]), from_db(r["at"]), int(r["id"]), r["title"], r["organisation"])
                for r in recent
            ],
            upcoming=[
                (
                    r["title"],
                    from_db(r["start_at"]),
                    None
                    if r["all_sectors"]
                    else tuple(int(s) for s in (r["sectors"] or "").split(",") if s),
                )
                for r in upcoming
            ],
        )

    async def commitments(self, filters: Filters) -> tuple[list[Commitment], bool]:
        """A page of commitments, and whether there is a next one."""
        rows = await public.page(
            self._db.reader,
            filters.sector,
            filters.lever,
            filters.status,
            filters.page * PAGE,
            PAGE + 1,
        )
        found = await self._with_indicators(rows[:PAGE])
        return found, len(rows) > PAGE

    async def commitment(
        self, intention_id: int
    ) -> tuple[Commitment, list[tuple[dt.datetime, str]]] | None:
        row = await public.intention(self._db.reader, intention_id)
        if row is None:
            return None
        [found] = await self._with_indicators([row])
        history = await public.history(self._db.reader, intention_id, HISTORY)
        return found, [(from_db(r["at"]), r["text"]) for r in history]

    async def _with_indicators(self, rows: list[Row]) -> list[Commitment]:
        ids = [int(r["id"]) for r in rows]
        indicators: dict[int, list[Indicator]] = {}
        if ids:
            for r in await public.indicators(self._db.reader, ids):
                indicators.setdefault(int(r["intention_id"]), []).append(
                    Indicator(
                        int(r["id"]),
                        r["name"],
                        r["unit"],
                        float(r["baseline"]),
                        float(r["target"]),
                        None if r["current"] is None else float(r["current"]),
                    )
                )
        return [
            Commitment(
                int(r["id"]),
                r["title"],
                r["description"],
                int(r["sector_id"]),
                r["lever"],
                r["status"],
                dt.date.fromisoformat(r["due_date"]),
                r["organisation"],
                r["website"],
                tuple(indicators.get(int(r["id"]), ())),
            )
            for r in rows
        ]

    async def opinions(self) -> list[tuple[Campaign, list[Endorsement]]]:
        """Published campaigns, newest first, with their approved endorsements."""
        found = []
        for row in await endorsements.campaigns(self._db.reader, 30):
            campaign = campaign_of(row)
            if campaign.state != "published":
                continue
            rows = await endorsements.of_campaign(self._db.reader, campaign.id)
            found.append((campaign, [endorsement_of(r) for r in rows if r["state"] == "approved"]))
        return found
