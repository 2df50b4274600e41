"""The pact's digest: who follows it (sectors, how often), the digest clock, and what a
digest holds for a period.

Each subscriber has a cursor (`covered_until`): at every digest moment (weekly on the
configured day and time, or daily at that time, in the pact's time zone) the clock queues
one outbox row per subscriber covering from their cursor to that moment, with a key per
subscriber and period, and moves the cursor in the same transaction. After downtime the
next run covers the whole missed period once; a period with nothing for the subscriber is
skipped when it is rendered. The digest channel has a cursor of its own.

What a period holds is read once per period as ranges of the time indexes (the period's
events, the sessions ahead, the opinions published) and filtered per set of sectors in
memory, so building a week's digests costs what that week holds, not the pact's history.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.clock import Clock, from_db, to_db
from bot.config import Settings
from bot.delivery.outbox import Message, Outbox
from bot.i18n import N_
from bot.services.errors import Invalid
from bot.services.team import Team
from bot.storage import audit, digests
from bot.storage.db import Database, Tx

FREQUENCIES = ("weekly", "daily", "none")
AHEAD = dt.timedelta(days=14)  # sessions this far after the digest are announced in it
QUIET = dt.timedelta(days=30)  # an intention without progress this long is pointed out
STATUSES_SHOWN = ("committed", "achieved", "withdrawn")
KIND = "digest"
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Subscription:
    person_id: int
    frequency: str
    sectors: tuple[int, ...] | None  # None: every sector
    covered_until: dt.datetime

    @property
    def following(self) -> bool:
        return self.frequency != "none"


@dataclass(frozen=True, slots=True)
class NewIntention:
    intention_id: int
    title: str
    organisation: str
    sector_id: int
    lever: str


@dataclass(frozen=True, slots=True)
class StatusChange:
    intention_id: int
    title: str
    organisation: str
    sector_id: int
    status: str


@dataclass(frozen=True, slots=True)
class Move:
    """An indicator over the period: from where it stood before to its last value."""

    name: str
    unit: str
    before: float  # from baseline (0) to target (1)
    after: float


@dataclass(frozen=True, slots=True)
class ProgressUpdate:
    intention_id: int
    title: str
    organisation: str
    sector_id: int
    text: str  # the latest update's text
    updates: int  # how many in the period
    moves: tuple[Move, ...]


@dataclass(frozen=True, slots=True)
class UpcomingSession:
    session_id: int
    title: str
    start: dt.datetime
    sectors: tuple[int, ...] | None  # None: every sector
    changed_at: dt.datetime  # scheduled, moved or edited: news in the period that holds it


@dataclass(frozen=True, slots=True)
class PublishedParagraph:
    campaign: str
    paragraph: str
    name: str | None  # when its author allowed it
    organisation: str | None
    sector_id: int | None
    campaign_titles: dict[str, str] = field(default_factory=dict)  # French, English

    def campaign_in(self, locale: str) -> str:
        return self.campaign_titles.get(locale) or self.campaign


@dataclass(frozen=True, slots=True)
class Attention:
    """One of the reader's organisation's intentions that needs them."""

    intention_id: int
    title: str
    due_date: dt.date
    overdue: bool  # past its due date (else: no progress for 30 days)


@dataclass(frozen=True, slots=True)
class Digest:
    since: dt.datetime
    until: dt.datetime
    sectors: tuple[int, ...] | None
    new: tuple[NewIntention, ...]
    statuses: tuple[StatusChange, ...]
    progress: tuple[ProgressUpdate, ...]
    sessions: tuple[UpcomingSession, ...]
    paragraphs: tuple[PublishedParagraph, ...]
    per_lever: dict[str, int]  # intentions (not withdrawn) in these sectors
    per_sector: dict[int, int]
    lever_progress: dict[str, float]  # average indicator progress, levers with indicators
    activity: tuple[int, int, int]  # new intentions, status changes, progress updates
    activity_before: tuple[int, int, int]  # the same in the period before
    attention: tuple[Attention, ...] = ()  # for a contact: their organisation's

    @property
    def empty(self) -> bool:
        """Nothing to tell: the totals alone are no news, nor are sessions ahead that were
        announced before, nor the reader's own overdue intentions: they ride along with
        news (a newly scheduled or moved session is news)."""
        return not (
            self.new
            or self.statuses
            or self.progress
            or any(self.since <= s.changed_at < self.until for s in self.sessions)
            or self.paragraphs
        )


@dataclass(frozen=True, slots=True)
class _Activity:
    """Everything a period holds, for every sector."""

    new: tuple[NewIntention, ...]
    statuses: tuple[StatusChange, ...]
    progress: tuple[ProgressUpdate, ...]
    sessions: tuple[UpcomingSession, ...]
    paragraphs: tuple[PublishedParagraph, ...]
    totals: dict[tuple[int, str], int]  # (sector, lever) → intentions
    lever_progress: dict[tuple[int, str], tuple[float, int]]  # → (sum, indicators)
    counts: dict[tuple[int, str], int]  # (sector, event kind) → events in the period
    counts_before: dict[tuple[int, str], int]


class _Memo(Generic[K, V]):
    """The latest `size` results by key (a period's activity, a digest per sectors)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    async def get(self, key: K, make: Callable[[], Awaitable[V]]) -> V:
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = await make()
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        self._items.clear()


def _ids(text: str | None) -> tuple[int, ...]:
    return tuple(sorted(int(x) for x in text.split(","))) if text else ()


def _fraction(value: float | None, baseline: float, target: float) -> float:
    if value is None or target == baseline:
        return 0.0
    return (value - baseline) / (target - baseline)


def check_sectors(all_sectors: bool, sectors: Iterable[int]) -> tuple[int, ...] | None:
    chosen = tuple(sorted(set(sectors)))
    if not all_sectors and not chosen:
        raise Invalid(N_("Choose at least one sector, or all sectors."))
    return None if all_sectors else chosen


class Digests:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, team: Team, outbox: Outbox
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._team = team
        self._outbox = outbox
        self._activity: _Memo[tuple[str, str], _Activity] = _Memo(4)
        self._digests: _Memo[tuple[str, str, tuple[int, ...] | None], Digest] = _Memo(512)
        self._attention: _Memo[tuple[str, int], tuple[Attention, ...]] = _Memo(4096)

    def forget_cached(self) -> None:
        self._activity.clear()
        self._digests.clear()
        self._attention.clear()

    @property
    def tz(self) -> ZoneInfo:
        return self._settings.timezone

    # -- the clock ------------------------------------------------------------------------------

    def last_moment(self, frequency: str, now: dt.datetime) -> dt.datetime:
        """The latest digest moment at or before `now` (UTC) for `frequency`."""
        local = now.astimezone(self.tz)
        day = local.date()
        if frequency == "weekly":
            day -= dt.timedelta(days=(day.weekday() - self._settings.digest_weekday) % 7)
        moment = dt.datetime.combine(day, self._settings.digest_time, tzinfo=self.tz)
        if moment > local:
            moment -= dt.timedelta(days=7 if frequency == "weekly" else 1)
            moment = dt.datetime.combine(moment.date(), self._settings.digest_time, self.tz)
        return moment.astimezone(dt.UTC)

    def next_moment(self, frequency: str, now: dt.datetime) -> dt.datetime:
        last = self.last_moment(frequency, now).astimezone(self.tz)
        later = last.date() + dt.timedelta(days=7 if frequency == "weekly" else 1)
        return dt.datetime.combine(later, self._settings.digest_time, self.tz).astimezone(dt.UTC)

    async def catch_up(self) -> int:
        """Queue every digest whose moment has come (at the moment itself, or the first
        time the bot runs after it); how many were queued. Cheap when there are none."""
        now = self._clock.now()
        queued = 0
        for frequency in ("weekly", "daily"):
            until = to_db(self.last_moment(frequency, now))
            if await digests.any_due(self._db.reader, frequency, until):
                queued += await self._db.unit(
                    partial(self._queue, frequency=frequency, until=until)
                )
        chat = self._settings.digest_chat_id
        if chat is not None:
            until = to_db(self.last_moment("weekly", now))
            covered = await digests.channel_covered(self._db.reader, str(chat))
            if covered is None or covered < until:  # a write only when one is due
                queued += await self._db.unit(
                    partial(self._queue_channel, chat=str(chat), until=until)
                )
        return queued

    async def send_now(self, actor_id: int) -> tuple[int, dt.datetime]:
        """The pact team sends the digest now: to every subscriber (and the channel), each
        covering from their last digest to now; the next one goes on from here. How many,
        and up to when (the batch of their delivery report: `batch_of`)."""
        await self._team.require_member(actor_id)
        moment = self._clock.now().replace(microsecond=0)
        until = to_db(moment)

        def work(tx: Tx) -> int:
            queued = self._queue(tx, "weekly", until) + self._queue(tx, "daily", until)
            if self._settings.digest_chat_id is not None:
                queued += self._queue_channel(tx, str(self._settings.digest_chat_id), until)
            audit.record_in(tx, actor_id, "digest.send_now", {"queued": queued}, until)
            return queued

        return await self._db.unit(work), moment

    async def recipients(self) -> int:
        """How many people the digest goes to (and the channel, if there is one)."""
        count = await digests.count_following(self._db.reader)
        return count + (self._settings.digest_chat_id is not None)

    def _queue(self, tx: Tx, frequency: str, until: str) -> int:
        """Inside a unit: one row per subscriber at `frequency` behind `until`, and their
        cursors moved to it."""
        now = self._clock.now()
        rows = digests.due(tx, frequency, until)
        # Readers of the same language and sectors next to each other: their digest (text
        # and chart) is made once and found again while it is still at hand.
        rows.sort(key=lambda r: (r["locale"] or "", not r["all_sectors"], r["sectors"] or ""))
        messages = [
            Message(
                r["person_id"],
                KIND,
                now,
                f"digest:{r['person_id']}:{until}",
                {
                    "since": r["covered_until"],
                    "until": until,
                    "sectors": None if r["all_sectors"] else list(_ids(r["sectors"])),
                    "organisation_id": r["organisation_id"],
                },
                subject=f"digest:{r['person_id']}",
                batch=batch_of(until),
            )
            for r in rows
        ]
        self._outbox.enqueue_in(tx, messages)
        digests.advance(tx, frequency, until)
        return len(messages)

    def _queue_channel(self, tx: Tx, chat: str, until: str) -> int:
        first = to_db(from_db(until) - dt.timedelta(days=7))
        since = digests.channel_cursor(tx, chat, first)
        if since >= until:
            return 0
        recipient: int | str = int(chat) if chat.lstrip("-").isdigit() else chat
        message = Message(
            recipient,
            KIND,
            self._clock.now(),
            f"digest:channel:{chat}:{until}",
            {
                "since": since,
                "until": until,
                "sectors": None,
                "organisation_id": None,
                "locale": self._settings.default_locale,
            },
            batch=batch_of(until),
        )
        self._outbox.enqueue_in(tx, [message])
        digests.advance_channel(tx, chat, until)
        return 1

    # -- following ---------------------------------------------------------------------------

    async def subscription(self, person_id: int) -> Subscription | None:
        row = await digests.subscription(self._db.reader, person_id)
        if row is None:
            return None
        return Subscription(
            person_id=person_id,
            frequency=row["frequency"],
            sectors=None if row["all_sectors"] else _ids(row["sectors"]),
            covered_until=from_db(row["covered_until"]),
        )

    async def offer(self, person_id: int) -> bool:
        """Whether to offer the digest to this person now: only the first time."""
        async with self._db.transaction() as tx:
            return await digests.offer(tx, person_id, to_db(self._clock.now()))

    async def follow(
        self, person_id: int, frequency: str, sectors: tuple[int, ...] | None
    ) -> Subscription:
        """Follow (or change what one follows). Someone who starts following gets, at the
        next digest moment, what happened from now on."""
        if frequency not in FREQUENCIES:
            raise Invalid(N_("This button is no longer valid."))
        before = await self.subscription(person_id)
        now = to_db(self._clock.now())
        restart = before is None or not before.following
        async with self._db.transaction() as tx:
            await digests.save(
                tx, person_id, frequency, sectors is None, sectors or (), now, restart
            )
            if frequency == "none":
                await self._outbox.void(tx, f"digest:{person_id}", (KIND,))
        found = await self.subscription(person_id)
        assert found is not None
        return found

    async def stop(self, person_id: int) -> Subscription | None:
        """No more digests (what one followed is kept, to follow again in one tap)."""
        found = await self.subscription(person_id)
        if found is None or not found.following:
            return found
        return await self.follow(person_id, "none", found.sectors)

    # -- what a digest holds -----------------------------------------------------------------

    async def digest(
        self,
        since: dt.datetime,
        until: dt.datetime,
        sectors: tuple[int, ...] | None,
        organisation_id: int | None = None,
    ) -> Digest:
        """What happened in [since, until) in these sectors (None: all), and for a contact
        (`organisation_id`) what their organisation should look at."""
        key = (to_db(since), to_db(until))
        shared = await self._digests.get(
            (*key, sectors), lambda: self._for_sectors(since, until, sectors)
        )
        if organisation_id is None:
            return shared
        attention = await self._attention.get(
            (key[1], organisation_id), lambda: self._attention_of(organisation_id, until)
        )
        return replace(shared, attention=attention) if attention else shared

    async def _for_sectors(
        self, since: dt.datetime, until: dt.datetime, sectors: tuple[int, ...] | None
    ) -> Digest:
        activity = await self._activity.get(
            (to_db(since), to_db(until)), lambda: self._read(since, until)
        )

        def mine(sector_id: int | None) -> bool:
            return sectors is None or sector_id in sectors

        def count(counts: dict[tuple[int, str], int], kind: str) -> int:
            return sum(n for (sector, k), n in counts.items() if k == kind and mine(sector))

        per_lever: dict[str, int] = {}
        per_sector: dict[int, int] = {}
        for (sector, lever), n in activity.totals.items():
            if mine(sector):
                per_lever[lever] = per_lever.get(lever, 0) + n
                per_sector[sector] = per_sector.get(sector, 0) + n
        progress_sum: dict[str, tuple[float, int]] = {}
        for (sector, lever), (total, n) in activity.lever_progress.items():
            if mine(sector):
                before_total, before_n = progress_sum.get(lever, (0.0, 0))
                progress_sum[lever] = (before_total + total, before_n + n)
        kinds = ("created", "status", "progress")
        return Digest(
            since=since,
            until=until,
            sectors=sectors,
            new=tuple(x for x in activity.new if mine(x.sector_id)),
            statuses=tuple(x for x in activity.statuses if mine(x.sector_id)),
            progress=tuple(x for x in activity.progress if mine(x.sector_id)),
            sessions=tuple(
                s
                for s in activity.sessions
                if s.sectors is None or sectors is None or set(s.sectors) & set(sectors)
            ),
            paragraphs=activity.paragraphs,  # the opinion is the whole pact's
            per_lever=per_lever,
            per_sector=per_sector,
            lever_progress={lever: t / n for lever, (t, n) in progress_sum.items() if n},
            activity=(
                count(activity.counts, kinds[0]),
                count(activity.counts, kinds[1]),
                count(activity.counts, kinds[2]),
            ),
            activity_before=(
                count(activity.counts_before, kinds[0]),
                count(activity.counts_before, kinds[1]),
                count(activity.counts_before, kinds[2]),
            ),
        )

    async def _read(self, since: dt.datetime, until: dt.datetime) -> _Activity:
        reader = self._db.reader
        start, end = to_db(since), to_db(until)
        new: list[NewIntention] = []
        statuses: list[StatusChange] = []
        updates: dict[int, list[tuple[str, dict[str, float]]]] = {}
        about: dict[int, tuple[str, str, int]] = {}
        for row in await digests.events(reader, start, end):
            detail = json.loads(row["detail"] or "{}")
            intention = row["intention_id"]
            about[intention] = (row["title"], row["organisation"], row["sector_id"])
            if row["kind"] == "created":
                new.append(
                    NewIntention(
                        intention, row["title"], row["organisation"], row["sector_id"], row["lever"]
                    )
                )
            elif row["kind"] == "status" and detail.get("to") in STATUSES_SHOWN:
                statuses.append(
                    StatusChange(
                        intention, row["title"], row["organisation"], row["sector_id"], detail["to"]
                    )
                )
            elif row["kind"] == "progress":
                values = {str(k): float(v) for k, v in (detail.get("values") or {}).items()}
                updates.setdefault(intention, []).append((row["progress_text"] or "", values))
        indicator_ids = sorted(
            {int(k) for entries in updates.values() for _, v in entries for k in v}
        )
        indicators = {
            r["id"]: r for r in await digests.indicators_before(reader, indicator_ids, start)
        }
        progress = []
        for intention, entries in updates.items():
            last: dict[int, float] = {}
            for _, values in entries:
                last.update({int(k): v for k, v in values.items()})
            moves = []
            for indicator_id, value in sorted(last.items()):
                found = indicators.get(indicator_id)
                if found is None:
                    continue
                baseline, target = found["baseline"], found["target"]
                moves.append(
                    Move(
                        found["name"],
                        found["unit"],
                        _fraction(found["before"], baseline, target),
                        _fraction(value, baseline, target),
                    )
                )
            title, organisation, sector = about[intention]
            progress.append(
                ProgressUpdate(
                    intention,
                    title,
                    organisation,
                    sector,
                    entries[-1][0],
                    len(entries),
                    tuple(moves),
                )
            )
        sessions = tuple(
            UpcomingSession(
                r["id"],
                r["title"],
                from_db(r["start_at"]),
                None if r["all_sectors"] else _ids(r["sectors"]),
                from_db(r["updated_at"]),
            )
            for r in await digests.upcoming_sessions(reader, end, to_db(until + AHEAD))
        )
        paragraphs = tuple(
            PublishedParagraph(
                r["title"],
                r["paragraph"],
                r["name"],
                r["organisation"],
                r["sector_id"],
                json.loads(r["titles"] or "{}"),
            )
            for r in await digests.published_paragraphs(reader, start, end)
        )
        length = until - since
        return _Activity(
            new=tuple(new),
            statuses=tuple(statuses),
            progress=tuple(progress),
            sessions=sessions,
            paragraphs=paragraphs,
            totals={(r["sector_id"], r["lever"]): r["n"] for r in await digests.totals(reader)},
            lever_progress={
                (r["sector_id"], r["lever"]): (float(r["total"]), int(r["n"]))
                for r in await digests.lever_progress(reader)
            },
            counts={
                (r["sector_id"], r["kind"]): r["n"]
                for r in await digests.event_counts(reader, start, end)
            },
            counts_before={
                (r["sector_id"], r["kind"]): r["n"]
                for r in await digests.event_counts(reader, to_db(since - length), start)
            },
        )

    async def _attention_of(
        self, organisation_id: int, until: dt.datetime
    ) -> tuple[Attention, ...]:
        today = until.astimezone(self.tz).date()
        quiet_since = to_db(until - QUIET)
        found = []
        for row in await digests.organisation_open(self._db.reader, organisation_id):
            due = dt.date.fromisoformat(row["due_date"])
            last = row["last_progress"] or row["created_at"]
            if due < today:
                found.append(Attention(row["id"], row["title"], due, overdue=True))
            elif last < quiet_since:
                found.append(Attention(row["id"], row["title"], due, overdue=False))
        return tuple(found)


def batch_of(until: str) -> str:
    """The delivery report of the digests up to `until`."""
    return f"digest:{until}"
