"""The outbox's rules: what is due, and what happens after each attempt. No Telegram here.

Rows are queued inside the transaction of the change they announce, and the dispatcher is
woken once that transaction commits. What became of each send is recorded in groups: while
one group is being written, the next gathers (a group commit), so thousands of sends a
minute cost a few writes, and a send counts as done only once its mark is on disk.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import aiosqlite

from bot.clock import Clock, from_db, to_db
from bot.delivery.kinds import Kinds
from bot.storage import outbox
from bot.storage.db import Database, Row, Tx

MAX_ATTEMPTS = 5
FIRST_BACKOFF = timedelta(seconds=30)
LONGEST_BACKOFF = timedelta(hours=1)
RETENTION = timedelta(days=30)
PRUNE_CHUNK = 5000  # rows deleted per write, so the write lock is never held for long
START = ("", 0)  # the position before every row


@dataclass(frozen=True, slots=True)
class Message:
    """One message to send at `due_at`; `key` makes sure it is queued only once.

    `recipient` is a person's Telegram id (their private chat) or a chat: a group or
    channel id (negative) or its @name. `subject` says what it is about ("session:12"), so
    that everything about it can be voided at once; `batch` names the bulk send it belongs
    to, for its delivery report; of several due rows with the same `collapse` key only the
    latest is sent (a reminder made pointless by a later one due too)."""

    recipient: int | str
    kind: str
    due_at: datetime
    key: str
    payload: dict[str, Any]
    subject: str | None = None
    batch: str | None = None
    collapse: str | None = None


@dataclass(frozen=True, slots=True)
class Due:
    id: int
    chat_id: int | str  # where it goes
    person_id: int | None  # who, when it goes to a person
    kind: str
    payload: dict[str, Any]
    due_at: datetime
    key: str
    attempts: int
    reachable: bool
    locale: str | None  # the person's stored language
    superseded: bool
    position: tuple[str, int]  # where it stands in the queue: (due_at, id)
    parts_sent: int = 0  # of a message in several parts, how many went already
    batch: str | None = None


@dataclass(frozen=True, slots=True)
class BatchReport:
    """Where the messages of one bulk send stand."""

    queued: int
    sent: int
    blocked: int
    failed: int
    skipped: int
    pending: int

    @classmethod
    def of(cls, states: dict[str, int]) -> BatchReport:
        return cls(
            queued=sum(states.values()),
            sent=states.get("sent", 0),
            blocked=states.get("blocked", 0),
            failed=states.get("failed", 0),
            skipped=states.get("skipped", 0) + states.get("void", 0),
            pending=states.get("pending", 0),
        )


def backoff(attempts: int) -> timedelta:
    """The first retry goes straight to the back of the queue (most 5xx are passing);
    then 30 s, 1 min, 2 min… up to an hour."""
    if attempts <= 1:
        return timedelta(0)
    return min(FIRST_BACKOFF * (1 << (attempts - 2)), LONGEST_BACKOFF)


def _chat(recipient: int | str) -> tuple[int | None, str | None]:
    """(recipient_id, chat) columns: people have positive ids, chats negative ones or @names."""
    if isinstance(recipient, int) and recipient > 0:
        return recipient, None
    return None, str(recipient)


def _due(row: Row) -> Due:
    person_id = row["recipient_id"]
    chat: int | str = person_id
    if person_id is None:
        text = str(row["chat"])
        chat = int(text) if text.lstrip("-").isdigit() else text
    return Due(
        id=row["id"],
        chat_id=chat,
        person_id=person_id,
        kind=row["kind"],
        payload=json.loads(row["payload"]),
        due_at=from_db(row["due_at"]),
        key=row["idempotency_key"],
        attempts=row["attempts"],
        reachable=bool(row["reachable"]),
        locale=row["locale"],
        superseded=bool(row["superseded"]),
        position=(row["due_at"], row["id"]),
        parts_sent=row["parts_sent"],
        batch=row["batch"],
    )


_Mark = tuple[outbox.Finish | None, outbox.Later | None, int | None, "asyncio.Future[None]"]


class Outbox:
    def __init__(
        self, db: Database, clock: Clock, kinds: Kinds, retention: timedelta = RETENTION
    ) -> None:
        self._db = db
        self._clock = clock
        self.kinds = kinds
        self.retention = retention
        self.wake: Callable[[], None] = lambda: None  # the app sets it: run the dispatcher
        self._marks: list[_Mark] = []
        self._writer: asyncio.Task[None] | None = None
        # Batches stopped while this process runs, and the sends of each batch that are
        # between the last check and their mark on disk (see `stop` and `settled`).
        self._stopped: set[str] = set()
        self._in_flight: Counter[str] = Counter()
        self._quiet = asyncio.Event()

    # -- queueing -------------------------------------------------------------------------

    def _rows(self, messages: Sequence[Message]) -> list[outbox.NewRow]:
        now = to_db(self._clock.now())
        rows: list[outbox.NewRow] = []
        for m in messages:
            recipient_id, chat = _chat(m.recipient)
            priority = self.kinds[m.kind].priority  # an unknown kind fails here, not later
            rows.append(
                (
                    recipient_id,
                    chat,
                    m.kind,
                    priority,
                    m.subject,
                    m.batch,
                    m.collapse,
                    json.dumps(m.payload),
                    to_db(m.due_at),
                    m.key,
                    now,
                )
            )
        return rows

    async def enqueue(self, tx: aiosqlite.Connection, messages: Sequence[Message]) -> None:
        """Queue messages inside the caller's transaction, so they exist exactly when the
        change they announce does; the dispatcher is woken once it commits."""
        await outbox.enqueue(tx, self._rows(messages))
        self._db.after_commit(self.wake)

    def enqueue_in(self, tx: Tx, messages: Sequence[Message]) -> None:
        """The same, inside a `Database.unit`."""
        outbox.enqueue_in(tx, self._rows(messages))
        self._db.after_commit(self.wake)

    async def void(self, tx: aiosqlite.Connection, subject: str, kinds: Sequence[str]) -> None:
        await outbox.void(tx, subject, kinds, to_db(self._clock.now()))

    def void_in(self, tx: Tx, subject: str, kinds: Sequence[str]) -> None:
        """The same, inside a `Database.unit`."""
        outbox.void_in(tx, subject, kinds, to_db(self._clock.now()))

    # -- stopping a batch exactly ---------------------------------------------------------

    def stop(self, batch: str) -> None:
        """After its rows were voided: no send of `batch` starts any more, not even one
        that had its row in hand and was waiting for its turn."""
        self._stopped.add(batch)

    def may_send(self, message: Due) -> bool:
        """Checked at the last moment before a request: whether the row's batch still goes.
        When it does, the send counts as under way until `sent_or_not`."""
        if message.batch is None:
            return True
        if message.batch in self._stopped:
            return False
        self._in_flight[message.batch] += 1
        return True

    def sent_or_not(self, message: Due) -> None:
        """The send of a row `may_send` let go is over and its mark is on disk."""
        if message.batch is None:
            return
        self._in_flight[message.batch] -= 1
        if self._in_flight[message.batch] <= 0:
            del self._in_flight[message.batch]
            self._quiet.set()

    async def settled(self, batch: str) -> None:
        """Wait until no send of `batch` is under way: after `stop`, its report is final."""
        while self._in_flight.get(batch, 0) > 0:
            self._quiet.clear()
            await self._quiet.wait()

    # -- what is due ----------------------------------------------------------------------

    async def due(self, priority: int, after: tuple[str, int], limit: int) -> list[Due]:
        rows = await outbox.due(self._db.reader, priority, to_db(self._clock.now()), after, limit)
        return [_due(r) for r in rows]

    async def next_due_at(self) -> datetime | None:
        value = await outbox.next_due_at(self._db.reader)
        return from_db(value) if value else None

    async def report(self, batch: str) -> BatchReport:
        return BatchReport.of(await outbox.report(self._db.reader, batch))

    # -- what became of a send (each returns once it is on disk) --------------------------

    async def sent(self, message: Due, unconfirmed: str | None = None) -> None:
        """Telegram accepted it (or, `unconfirmed`, the answer was lost after it left)."""
        now = to_db(self._clock.now())
        await self._mark(finish=("sent", now, now, unconfirmed, 1, message.id))

    async def skipped(self, message: Due, reason: str) -> None:
        await self._mark(finish=("skipped", to_db(self._clock.now()), None, reason, 0, message.id))

    async def blocked(self, message: Due, error: str, *, tried: bool) -> None:
        """The person blocked the bot: this message is not sent, nor any later one to them."""
        now = to_db(self._clock.now())
        finish = ("blocked", now, None, error, 1 if tried else 0, message.id)
        await self._mark(finish=finish, unreachable=message.person_id if tried else None)

    async def failed(self, message: Due, error: str) -> None:
        await self._mark(finish=("failed", to_db(self._clock.now()), None, error, 1, message.id))

    async def retry(self, message: Due, error: str, parts_sent: int | None = None) -> str | None:
        """Try again after a backoff: when it is due again; None (and failed) once the
        attempts are used up. `parts_sent`: of a message in parts, how many went (the
        retry goes on from there)."""
        attempts = message.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await self.failed(message, error)
            return None
        later = to_db(self._clock.now() + backoff(attempts))
        await self._mark(later=(later, error, 1, parts_sent, message.id))
        return later

    async def postpone(
        self, message: Due, seconds: float, error: str, parts_sent: int | None = None
    ) -> str:
        """Telegram asked to slow down: not the message's fault, so not an attempt. When
        it is due again."""
        later = to_db(self._clock.now() + timedelta(seconds=seconds))
        await self._mark(later=(later, error, 0, parts_sent, message.id))
        return later

    async def defer(self, messages: Sequence[Due], due: str) -> None:
        """Messages that wait behind an earlier one to the same chat: due when it is,
        after it in the queue (same moment, later id)."""
        reason = "waits for an earlier message to the same chat"
        await asyncio.gather(*(self._mark(later=(due, reason, 0, None, m.id)) for m in messages))

    async def _mark(
        self,
        finish: outbox.Finish | None = None,
        later: outbox.Later | None = None,
        unreachable: int | None = None,
    ) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._marks.append((finish, later, unreachable, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_marks())
        await future

    async def _write_marks(self) -> None:
        while self._marks:
            group, self._marks = self._marks, []
            finished = [f for f, _, _, _ in group if f is not None]
            later = [lt for _, lt, _, _ in group if lt is not None]
            blocked = {p for _, _, p, _ in group if p is not None}
            try:
                await self._db.unit(
                    partial(outbox.record, finished=finished, later=later, blocked=blocked)
                )
            except asyncio.CancelledError:
                for *_, future in group:
                    future.cancel()
                raise
            except Exception as error:
                for *_, future in group:
                    if not future.done():
                        future.set_exception(error)
            else:
                for *_, future in group:
                    if not future.done():
                        future.set_result(None)

    # -- housekeeping ---------------------------------------------------------------------

    async def prune(self) -> int:
        """Delete rows done longer ago than the retention; how many went."""
        before = to_db(self._clock.now() - self.retention)
        total = 0
        while (deleted := await outbox.prune(self._db, before, PRUNE_CHUNK)) > 0:
            total += deleted
            if deleted < PRUNE_CHUNK:
                break
        return total
