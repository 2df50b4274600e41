"""The dispatcher: sends what the outbox says is due, several at once at a steady pace, and
records how each attempt ended. The JobQueue wakes it; the outbox rows are the truth, so a
restart simply picks up whatever is due.

How a run goes: read due rows (one-off notices before bulk, oldest first) as a range of the
queue, and hand each to a sending task while fewer than `window` are under way. A task
renders the row in the recipient's language (a row that no longer holds, is replaced by a
later one, or goes to someone who blocked the bot is settled without a send slot), waits
for its turn (`Pace`), sends, and returns once what happened is on disk. So at most
`window` messages are sent and not yet marked: a kill repeats at most those.

Telegram's answers: 429 postpones the row (not an attempt) and pauses everyone for
`retry_after`; 403 marks the person unreachable and their later rows are not tried; a
5xx answer, or a connection that could not be made, retries, first at the back of the
queue, then with a growing backoff, up to a cap; a request lost after it left (a read
timeout: Telegram may have delivered it) is not repeated, and marked sent with the error
kept; 400 fails the row at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.botapi import PactBot
from bot.delivery.kinds import BULK, NOTICE, Kind, Kinds, Parts, Skip
from bot.delivery.limiter import retry_after
from bot.delivery.outbox import START, Due, Outbox
from bot.delivery.pace import BULK_SEND, Pace
from bot.i18n import translator

if TYPE_CHECKING:
    from bot.services import Services

_LOGGER = logging.getLogger(__name__)

# Failures where the request never reached Telegram: trying again cannot send twice.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_TAKEN_AT_MOST = 3  # times one row is taken in one run


@dataclass
class Report:
    sent: int = 0
    skipped: int = 0
    blocked: int = 0
    failed: int = 0
    retried: int = 0
    postponed: int = 0


class Dispatcher:
    def __init__(
        self, services: Services, kinds: Kinds, pace: Pace, *, window: int, paid: bool = False
    ) -> None:
        self._services = services
        self.kinds = kinds
        self.pace = pace
        self.window = window
        self.paid = paid  # bulk kinds go as paid broadcasts
        self._running = False
        self._again = False

    async def run(self, bot: PactBot) -> Report:
        """Send everything due now. A run asked for while one is under way makes that one
        look again before it ends, instead of waiting for it."""
        report = Report()
        if self._running:
            self._again = True
            return report
        self._running = True
        try:
            self._again = True
            while self._again:
                self._again = False
                await self._drain(bot, report)
        finally:
            self._running = False
        return report

    async def _drain(self, bot: PactBot, report: Report) -> None:
        run = _Run(self, bot, report)
        outbox = self._services.outbox
        positions = {NOTICE: START, BULK: START}
        from_start = True
        try:
            while True:
                await run.room()
                batch: list[Due] = []
                for priority in (NOTICE, BULK):
                    batch = await outbox.due(priority, positions[priority], self.window)
                    if batch:
                        positions[priority] = batch[-1].position
                        break  # notices first: look for more of them before the next bulk
                if batch:
                    if await run.start(batch):
                        from_start = False
                    continue
                if run.tasks:
                    # Let what is under way finish, then look from the start of the queue:
                    # rows sent to its back (a first retry) are due again.
                    await run.settle()
                elif from_start:
                    return
                positions = {NOTICE: START, BULK: START}
                from_start = True
        finally:
            await run.stop()

    async def deliver(
        self, bot: PactBot, message: Due, report: Report, blocked: set[int]
    ) -> str | None:
        """One row, from rendering to its mark on disk; never raises. When the row has to
        wait (Telegram said 429, or it goes to the back of the queue), the moment it is due
        again, so the chat's later messages wait with it."""
        BULK_SEND.set(True)  # for this task only: paced here, answers handled here
        outbox = self._services.outbox
        try:
            kind = self.kinds.get(message.kind)
            if kind is None:
                await outbox.failed(message, f"no kind {message.kind!r} is registered")
                report.failed += 1
                return None
            if message.superseded:
                await outbox.skipped(message, "a later one is due as well")
                report.skipped += 1
                return None
            if not message.reachable or message.person_id in blocked:
                await outbox.blocked(message, "the person blocked the bot", tried=False)
                report.blocked += 1
                return None
            parts = await self._render(kind, message)
            if parts is None:
                report.skipped += 1
                return None
            paid = self.paid and kind.bulk
            return await self._send(bot, message, parts, paid, report, blocked)
        except asyncio.CancelledError:
            raise
        except Exception:
            _LOGGER.exception("could not settle outbox message %s", message.id)
            return None

    async def _render(self, kind: Kind, message: Due) -> Parts | None:
        """What to send, in order, or None when the row was settled without a send."""
        settings = self._services.settings
        locale = message.locale or str(message.payload.get("locale") or settings.default_locale)
        try:
            rendered = await kind.render(message, translator(locale, settings.timezone))
            return rendered if isinstance(rendered, tuple) else (rendered,)
        except Skip as skip:
            await self._services.outbox.skipped(message, str(skip) or "no longer holds")
            return None
        except Exception as error:
            _LOGGER.exception("could not render outbox message %s", message.id)
            await self._services.outbox.failed(message, repr(error))
            return None

    async def _send(
        self,
        bot: PactBot,
        message: Due,
        parts: Parts,
        paid: bool,
        report: Report,
        blocked: set[int],
    ) -> str | None:
        """Send the parts not sent yet, each in its turn. When one cannot go, the row
        remembers how many went, so the next attempt goes on from there."""
        gate = _Gate(self._services.outbox, message)
        try:
            return await self._send_parts(bot, message, parts, paid, report, blocked, gate)
        finally:
            gate.close()  # after the mark is on disk: a stopped batch's report is final

    async def _send_parts(
        self,
        bot: PactBot,
        message: Due,
        parts: Parts,
        paid: bool,
        report: Report,
        blocked: set[int],
        gate: _Gate,
    ) -> str | None:
        outbox = self._services.outbox
        done = message.parts_sent
        try:
            for part in parts[done:]:
                await self.pace.bulk(paid=paid, chat=message.chat_id)
                # The last moment before the request: a batch stopped meanwhile sends nothing
                # more (a broadcast cancelled while this row waited for its turn).
                if not gate.open():
                    if done:
                        await outbox.sent(message, unconfirmed="stopped after a part")
                    else:
                        await outbox.skipped(message, "stopped before its turn")
                    report.skipped += 1
                    return None
                await bot.deliver(message.chat_id, part, paid=paid)
                done += 1
        except RetryAfter as error:
            seconds = max(retry_after(error), 1.0)
            self.pace.pause(seconds)  # flood control is for the whole bot: everyone waits
            report.postponed += 1
            return await outbox.postpone(message, seconds, str(error), parts_sent=done)
        except Forbidden as error:
            if message.person_id is None:  # a channel or group that removed the bot
                await outbox.failed(message, str(error))
                report.failed += 1
                return None
            blocked.add(message.person_id)
            await outbox.blocked(message, str(error), tried=True)
            report.blocked += 1
        except BadRequest as error:  # our fault or a chat that is gone: trying again won't help
            await outbox.failed(message, str(error))
            report.failed += 1
        except NetworkError as error:  # 5xx answers, timeouts, connections that failed
            cause = error.__cause__
            answered = cause is None and not isinstance(error, TimedOut)  # a 5xx answer
            if answered or isinstance(cause, _NOT_SENT):
                return await self._retry(message, str(error), report, done)
            # Lost after it left: Telegram may have delivered it, so it is not sent again.
            if done + 1 < len(parts):  # the parts after it still go
                return await self._retry(message, str(error), report, done + 1)
            await outbox.sent(message, unconfirmed=str(error))
            report.sent += 1
        else:
            await outbox.sent(message)
            report.sent += 1
        return None

    async def _retry(
        self, message: Due, error: str, report: Report, parts_sent: int | None = None
    ) -> str | None:
        again = await self._services.outbox.retry(message, error, parts_sent)
        if again is None:
            report.failed += 1
        else:
            report.retried += 1
        return again


class _Gate:
    """A row's passage past the last check before its request (`Outbox.may_send`)."""

    def __init__(self, outbox: Outbox, message: Due) -> None:
        self._outbox = outbox
        self._message = message
        self._passed = False

    def open(self) -> bool:
        if not self._passed:
            self._passed = self._outbox.may_send(self._message)
        return self._passed

    def close(self) -> None:
        if self._passed:
            self._outbox.sent_or_not(self._message)


class _Run:
    """The sending of one run: one task per chat that has messages due, at most `window`
    at once. A chat's messages go one after the other in queue order (an invitation before
    its calendar file); when one has to wait, the ones behind it in this run wait with it."""

    def __init__(self, dispatcher: Dispatcher, bot: PactBot, report: Report) -> None:
        self._dispatcher = dispatcher
        self._outbox = dispatcher._services.outbox
        self._bot = bot
        self._report = report
        self._slots = asyncio.Semaphore(dispatcher.window)
        self._blocked: set[int] = set()  # who blocked the bot during this run
        self._queues: dict[int | str, deque[Due]] = {}  # the rows of each busy chat
        # Chats whose row had to wait: until when, and which row. Rows behind it wait too.
        self._held: dict[int | str, tuple[str, int]] = {}
        self._taken: Counter[int] = Counter()  # how often each row was taken in this run
        self.tasks: set[asyncio.Task[None]] = set()

    async def room(self) -> None:
        """Wait until a row read now could start."""
        await self._slots.acquire()
        self._slots.release()

    async def start(self, batch: list[Due]) -> bool:
        """Take the rows of a batch; whether any was taken. A row comes back in the same
        run when it went to the back of the queue; one that keeps coming back (its mark
        cannot be written) is left for the next run."""
        fresh = False
        for message in batch:
            if self._taken[message.id] >= _TAKEN_AT_MOST:
                continue
            self._taken[message.id] += 1
            fresh = True
            await self._take(message)
        return fresh

    async def _take(self, message: Due) -> None:
        chat = message.chat_id
        held = self._held.get(chat)
        if held is not None:
            due, row = held
            if row != message.id:
                await self._outbox.defer([message], due)
                return
            del self._held[chat]  # the row that waited is back: its chat goes on
        queue = self._queues.get(chat)
        if queue is not None:  # its chat is busy: it goes after the rows before it
            queue.append(message)
            return
        await self._slots.acquire()
        self._queues[chat] = deque([message])
        task = asyncio.create_task(self._chat(chat))
        self.tasks.add(task)
        task.add_done_callback(self._settled)

    async def _chat(self, chat: int | str) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                message = queue.popleft()
                due = await self._dispatcher.deliver(
                    self._bot, message, self._report, self._blocked
                )
                if due is not None:
                    self._held[chat] = (due, message.id)
                    behind = list(queue)
                    queue.clear()
                    if behind:
                        await self._outbox.defer(behind, due)
        finally:
            del self._queues[chat]  # before returning: a row read later starts afresh

    def _settled(self, task: asyncio.Task[None]) -> None:
        self.tasks.discard(task)
        self._slots.release()

    async def settle(self) -> None:
        """Wait until every chat's messages are done."""
        while self.tasks:
            await asyncio.wait(set(self.tasks))

    async def stop(self) -> None:
        """Cancel what is under way (the run itself was cancelled or failed)."""
        for task in self.tasks:
            task.cancel()
        while self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)
