"""Engagement intentions: their indicators, progress, status and the team's overview."""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.clock import Clock, from_db, to_db
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.organisations import Organisation, Organisations
from bot.services.sectors import Sectors
from bot.services.team import Team
from bot.storage import intentions, organisations
from bot.storage.db import Database, Row, Tx
from bot.vocabulary import CHARACTERISTIC, LEVER, NEXT_STATUS, PRECONDITION, STATUS

TITLE_MAX = 120
DESCRIPTION_MAX = 1000
PROGRESS_MAX = 500
INDICATOR_NAME_MAX = 80
UNIT_MAX = 30
PAGE_SIZE = 10
MAX_INDICATORS = 5  # what a card can show with its latest updates in one message
HISTORY_PAGE = 4  # progress updates on one page of the history (500 characters each)


@dataclass(frozen=True, slots=True)
class Indicator:
    id: int
    name: str
    unit: str
    baseline: float
    target: float
    current: float | None

    @property
    def fraction(self) -> float:
        """How far from baseline to target the last value got (0 before any value)."""
        if self.current is None or self.target == self.baseline:
            return 0.0
        return (self.current - self.baseline) / (self.target - self.baseline)


@dataclass(frozen=True, slots=True)
class ProgressEntry:
    text: str
    at: dt.datetime
    values: dict[int, float]


@dataclass(frozen=True, slots=True)
class Intention:
    id: int
    organisation_id: int
    title: str
    description: str
    sector_id: int
    lever: str
    preconditions: list[str]
    characteristics: list[str]
    due_date: dt.date
    status: str
    indicators: list[Indicator] = field(default_factory=list)
    history: list[ProgressEntry] = field(default_factory=list)  # the latest few, newest first

    @property
    def fraction(self) -> float | None:
        """The average progress of its indicators; None without indicators."""
        if not self.indicators:
            return None
        return sum(i.fraction for i in self.indicators) / len(self.indicators)

    @property
    def next_status(self) -> str | None:
        return NEXT_STATUS.get(self.status)


@dataclass(frozen=True, slots=True)
class IndicatorDraft:
    name: str
    unit: str
    baseline: float
    target: float


@dataclass(frozen=True, slots=True)
class IntentionDraft:
    title: str
    description: str
    sector_id: int
    lever: str
    due_date: dt.date
    preconditions: Sequence[str] = ()
    characteristics: Sequence[str] = ()
    indicators: Sequence[IndicatorDraft] = ()


@dataclass(frozen=True, slots=True)
class Stats:
    organisations_per_sector: dict[int, int]
    intentions_per_lever_and_status: dict[tuple[str, str], int]
    average_indicator_progress: float | None
    indicators: int
    overdue: int
    progress_per_sector: dict[int, float]  # average indicator progress, sectors with some


def check_title(value: str) -> str:
    return validation.text(value, max_length=TITLE_MAX, single_line=True, min_length=3)


def check_description(value: str) -> str:
    return validation.text(value, max_length=DESCRIPTION_MAX, min_length=3)


def check_progress_text(value: str) -> str:
    return validation.text(value, max_length=PROGRESS_MAX, min_length=2)


def check_indicator_name(value: str) -> str:
    return validation.text(value, max_length=INDICATOR_NAME_MAX, single_line=True, min_length=2)


def check_unit(value: str) -> str:
    return validation.text(value, max_length=UNIT_MAX, single_line=True)


def check_indicator(draft: IndicatorDraft) -> IndicatorDraft:
    if draft.target == draft.baseline:
        raise Invalid(
            N_("The target must differ from the baseline, or there is nothing to measure.")
        )
    return IndicatorDraft(
        check_indicator_name(draft.name), check_unit(draft.unit), draft.baseline, draft.target
    )


class _Kept:
    """Each organisation's intentions as its contacts last saw them, for the few
    organisations in use right now (least recently used ones are dropped).

    The bot is the only writer and every write to an intention goes through `Intentions`,
    which hands the written intention to `put`; a read that overlaps a write is not kept
    (`started`/`keep` compare write counts), so a kept list is never older than the last
    write. Team views read the database directly."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._kept: OrderedDict[int, dict[int, Intention]] = OrderedDict()
        self._writes: dict[int, int] = {}

    def get(self, organisation_id: int) -> dict[int, Intention] | None:
        kept = self._kept.get(organisation_id)
        if kept is not None:
            self._kept.move_to_end(organisation_id)
        return kept

    def started(self, organisation_id: int) -> int:
        return self._writes.get(organisation_id, 0)

    def keep(self, organisation_id: int, started: int, loaded: dict[int, Intention]) -> None:
        if self._writes.get(organisation_id, 0) != started:
            return  # written meanwhile: what was read may predate that write
        self._kept[organisation_id] = loaded
        if len(self._kept) > self._size:
            self._kept.popitem(last=False)

    def put(self, intention: Intention) -> None:
        organisation_id = intention.organisation_id
        self._writes[organisation_id] = self._writes.get(organisation_id, 0) + 1
        kept = self._kept.get(organisation_id)
        if kept is not None:
            kept[intention.id] = intention

    def clear(self) -> None:
        self._kept.clear()
        self._writes.clear()


class Intentions:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        organisations: Organisations,
        sectors: Sectors,
        team: Team,
        today: dt.tzinfo,
    ) -> None:
        self._db = db
        self._clock = clock
        self._organisations = organisations
        self._sectors = sectors
        self._team = team
        self._tz = today
        self._kept = _Kept()

    def forget_cached(self) -> None:
        """After an erasure: an organisation and its intentions may be gone."""
        self._kept.clear()

    async def _of(self, organisation_id: int) -> dict[int, Intention]:
        """The organisation's intentions by id: kept, or read (and kept)."""
        kept = self._kept.get(organisation_id)
        if kept is None:
            started = self._kept.started(organisation_id)
            rows = await intentions.of_organisation(self._db.reader, organisation_id)
            kept = {row["id"]: _full(row) for row in rows}
            self._kept.keep(organisation_id, started, kept)
        return kept

    async def _write(self, work: Callable[[Tx], Row | None]) -> Intention:
        """Run a unit that writes one intention and reads it back; keep what it wrote."""
        intention = _full(await self._db.unit(work))
        self._kept.put(intention)
        return intention

    def today(self) -> dt.date:
        """Today in the pact's time zone: due dates are local days."""
        return self._clock.now().astimezone(self._tz).date()

    async def create(self, person_id: int, draft: IntentionDraft) -> Intention:
        organisation = await self._organisations.require_contact(person_id)
        await self._sectors.get(draft.sector_id)
        if draft.lever not in LEVER:
            raise Invalid(N_("Choose one of the six levers."))
        if draft.due_date < self.today():
            raise Invalid(
                N_("That date is in the past. Choose today or a later date, like {example}."),
                example=self.today(),
            )
        validation.due_in_range(draft.due_date, self.today())
        if len(draft.indicators) > MAX_INDICATORS:
            raise Invalid(N_("An intention has at most {max} indicators."), max=MAX_INDICATORS)
        preconditions = [c for c in draft.preconditions if c in PRECONDITION]
        characteristics = [c for c in draft.characteristics if c in CHARACTERISTIC]
        indicators = [check_indicator(i) for i in draft.indicators]
        title, description = check_title(draft.title), check_description(draft.description)
        now = to_db(self._clock.now())

        def work(tx: Tx) -> Row | None:
            intention_id = intentions.insert(
                tx,
                organisation_id=organisation.id,
                title=title,
                description=description,
                sector_id=draft.sector_id,
                lever=draft.lever,
                preconditions=preconditions,
                characteristics=characteristics,
                due_date=draft.due_date.isoformat(),
                author_id=person_id,
                now=now,
            )
            for indicator in indicators:
                intentions.insert_indicator(
                    tx,
                    intention_id,
                    indicator.name,
                    indicator.unit,
                    indicator.baseline,
                    indicator.target,
                )
            intentions.record_event(tx, intention_id, person_id, "created", {"title": title}, now)
            return intentions.get_in(tx, intention_id)

        return await self._write(work)

    async def mine(self, person_id: int) -> tuple[Organisation, list[Intention]]:
        """The contact's organisation and its intentions: withdrawn last, then by due date."""
        organisation = await self._organisations.require_contact(person_id)
        kept = await self._of(organisation.id)
        return organisation, sorted(kept.values(), key=_list_order)

    async def of_organisation(self, person_id: int, organisation_id: int) -> list[Intention]:
        """The team's view of one organisation's intentions."""
        await self._team.require_member(person_id)
        rows = await intentions.of_organisation(self._db.reader, organisation_id)
        return sorted((_full(row) for row in rows), key=_list_order)

    async def for_contact(self, person_id: int, intention_id: int) -> Intention:
        """The intention, if it belongs to this person's organisation; otherwise refused."""
        organisation = await self._organisations.of_contact(person_id)
        intention = (await self._of(organisation.id)).get(intention_id) if organisation else None
        if intention is None:
            raise NotAllowed(N_("That intention is not one of your organisation's."))
        return intention

    async def history(
        self, person_id: int, intention_id: int, page: int, *, team: bool = False
    ) -> tuple[Intention, list[ProgressEntry], int]:
        """A page of an intention's progress, newest first, and how many updates it has:
        for a contact of its organisation, or (`team`) for the pact team."""
        if team:
            intention, _ = await self.for_team(person_id, intention_id)
        else:
            intention = await self.for_contact(person_id, intention_id)
        rows, total = await intentions.history(
            self._db.reader, intention_id, HISTORY_PAGE, max(page, 0) * HISTORY_PAGE
        )
        entries = [
            ProgressEntry(
                r["text"], from_db(r["at"]), {int(k): float(v) for k, v in json.loads(r["vals"])}
            )
            for r in rows
        ]
        return intention, entries, total

    async def for_team(self, person_id: int, intention_id: int) -> tuple[Intention, Organisation]:
        await self._team.require_member(person_id)
        row = await intentions.get(self._db.reader, intention_id)
        if row is None:
            raise NotAllowed(N_("That intention does not exist (any more)."))
        organisation = await self._organisations.get_for_team(person_id, row["organisation_id"])
        return _full(row), organisation

    async def log_progress(
        self, person_id: int, intention_id: int, text: str, values: dict[int, float]
    ) -> Intention:
        organisation = await self._organisations.of_contact(person_id)
        cleaned = check_progress_text(text)
        now = to_db(self._clock.now())

        def work(tx: Tx) -> Row | None:
            intention = _yours(organisation, intentions.get_in(tx, intention_id))
            if intention.status == "withdrawn":
                raise Invalid(N_("This intention was withdrawn; it takes no more progress."))
            if set(values) - {i.id for i in intention.indicators}:
                raise NotAllowed(N_("This button is no longer valid."))
            progress_id = intentions.insert_progress(
                tx, intention_id, cleaned, values, person_id, now
            )
            intentions.record_event(
                tx,
                intention_id,
                person_id,
                "progress",
                {"progress_id": progress_id, "values": {str(k): v for k, v in values.items()}},
                now,
            )
            return intentions.get_in(tx, intention_id)

        return await self._write(work)

    async def set_status(self, person_id: int, intention_id: int, status: str) -> Intention:
        """One step forward (intention → committed → in progress → achieved) or withdrawn."""
        organisation = await self._organisations.of_contact(person_id)
        now = to_db(self._clock.now())

        def work(tx: Tx) -> Row | None:
            intention = _yours(organisation, intentions.get_in(tx, intention_id))
            allowed = {intention.next_status, "withdrawn"} - {None}
            if status not in STATUS or status not in allowed or intention.status == "withdrawn":
                raise Invalid(N_("That status change is not possible any more."))
            intentions.set_fields(tx, intention_id, {"status": status}, now)
            intentions.record_event(
                tx,
                intention_id,
                person_id,
                "status",
                {"from": intention.status, "to": status},
                now,
            )
            return intentions.get_in(tx, intention_id)

        return await self._write(work)

    async def edit(
        self, person_id: int, intention_id: int, field_name: str, value: str | dt.date
    ) -> Intention:
        organisation = await self._organisations.of_contact(person_id)
        if field_name == "title" and isinstance(value, str):
            new: str = check_title(value)
        elif field_name == "description" and isinstance(value, str):
            new = check_description(value)
        elif field_name == "due_date" and isinstance(value, dt.date):
            if value < self.today():
                raise Invalid(
                    N_("That date is in the past. Choose today or a later date, like {example}."),
                    example=self.today(),
                )
            new = validation.due_in_range(value, self.today()).isoformat()
        else:
            raise NotAllowed(N_("This button is no longer valid."))
        now = to_db(self._clock.now())

        def work(tx: Tx) -> Row | None:
            old = getattr(_yours(organisation, intentions.get_in(tx, intention_id)), field_name)
            intentions.set_fields(tx, intention_id, {field_name: new}, now)
            intentions.record_event(
                tx,
                intention_id,
                person_id,
                "edited",
                {"field": field_name, "from": str(old), "to": new},
                now,
            )
            return intentions.get_in(tx, intention_id)

        return await self._write(work)

    async def add_indicator(
        self, person_id: int, intention_id: int, draft: IndicatorDraft
    ) -> Intention:
        organisation = await self._organisations.of_contact(person_id)
        indicator = check_indicator(draft)
        now = to_db(self._clock.now())

        def work(tx: Tx) -> Row | None:
            if len(_yours(organisation, intentions.get_in(tx, intention_id)).indicators) >= (
                MAX_INDICATORS
            ):
                raise Invalid(N_("An intention has at most {max} indicators."), max=MAX_INDICATORS)
            indicator_id = intentions.insert_indicator(
                tx,
                intention_id,
                indicator.name,
                indicator.unit,
                indicator.baseline,
                indicator.target,
            )
            intentions.record_event(
                tx,
                intention_id,
                person_id,
                "indicator",
                {"indicator_id": indicator_id, "name": indicator.name},
                now,
            )
            return intentions.get_in(tx, intention_id)

        return await self._write(work)

    async def page(
        self,
        person_id: int,
        *,
        sector_id: int | None,
        lever: str | None,
        status: str | None,
        page: int,
    ) -> tuple[list[tuple[Intention, str]], int]:
        """The team's list with the organisation's name, newest first, and the total."""
        await self._team.require_member(person_id)
        rows, total = await intentions.page(
            self._db.reader,
            sector_id=sector_id,
            lever=lever if lever in LEVER else None,
            status=status if status in STATUS else None,
            limit=PAGE_SIZE,
            offset=max(page, 0) * PAGE_SIZE,
        )
        loaded = [_full(row) for row in rows]
        return [(i, r["organisation_name"]) for i, r in zip(loaded, rows, strict=True)], total

    async def stats(self, person_id: int) -> Stats:
        await self._team.require_member(person_id)
        reader = self._db.reader
        per_sector = {r["sector_id"]: r["n"] for r in await organisations.count_per_sector(reader)}
        per_lever = {
            (r["lever"], r["status"]): r["n"]
            for r in await intentions.count_by_lever_and_status(reader)
        }
        totals = await intentions.indicator_totals(reader)
        count = int(totals["n"]) if totals else 0
        average = float(totals["total"]) / count if totals and count else None
        overdue = await intentions.count_overdue(reader, self.today().isoformat())
        per_sector_progress = {
            int(r["sector_id"]): float(r["total"]) / int(r["n"])
            for r in await intentions.progress_per_sector(reader)
        }
        return Stats(per_sector, per_lever, average, count, overdue, per_sector_progress)


def _full(row: Row | None) -> Intention:
    """An intention as `bot.storage.intentions` reads it: with indicators and latest progress."""
    if row is None:
        raise NotAllowed(N_("That intention does not exist (any more)."))
    history = [
        ProgressEntry(text, from_db(at), {int(k): float(v) for k, v in values})
        for text, at, values in json.loads(row["history"])
    ]
    return Intention(
        id=row["id"],
        organisation_id=row["organisation_id"],
        title=row["title"],
        description=row["description"],
        sector_id=row["sector_id"],
        lever=row["lever"],
        preconditions=json.loads(row["preconditions"]),
        characteristics=json.loads(row["characteristics"]),
        due_date=dt.date.fromisoformat(row["due_date"]),
        status=row["status"],
        indicators=[Indicator(*values) for values in json.loads(row["indicators"])],
        history=history,
    )


def _yours(organisation: Organisation | None, row: Row | None) -> Intention:
    """The intention, if it belongs to `organisation` (the person's); otherwise refused."""
    if organisation is None or row is None or row["organisation_id"] != organisation.id:
        raise NotAllowed(N_("That intention is not one of your organisation's."))
    return _full(row)


def _list_order(intention: Intention) -> tuple[bool, dt.date, int]:
    return intention.status == "withdrawn", intention.due_date, intention.id
