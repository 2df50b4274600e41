"""The bot's sending budget: how fast it may send, and Telegram's "wait" for everyone.

Telegram meters a bot per token: about 30 messages a second for free, up to 1,000 with
paid broadcasts, 20 a minute in one group or channel. When it answers 429 with
`retry_after`, the whole bot waits. `Pace` keeps that budget for the dispatcher (bulk
sends, which wait for their turn) and for replies to people (which never wait for bulk:
they take their share at once, and bulk sends come after them).

Turns are booked, not polled (the generic cell rate algorithm): each send books the next
free moment and sleeps until it, so hundreds of waiting sends wake one by one at the pace,
never all at once. No Telegram here.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

Sleep = Callable[[float], Awaitable[None]]

FREE_RATE = 30.0  # messages a second Telegram allows a bot without paid broadcasts
PAID_RATE = 1000.0  # with paid broadcasts
GROUP_RATE = 20 / 60  # messages a second in one group or channel

BULK_SEND: ContextVar[bool] = ContextVar("bulk_send", default=False)
"""Set in the dispatcher's sending tasks: the send was paced already and its answer
(429 included) is handled by the dispatcher, not retried by the rate limiter."""


class Lane:
    """One rate: `rate` sends a second, and up to `burst` at once after a quiet spell."""

    def __init__(self, rate: float, burst: float, monotonic: Callable[[], float]) -> None:
        self.interval = 1.0 / rate
        self._tolerance = max(burst - 1.0, 0.0) * self.interval
        self._monotonic = monotonic
        self._next = 0.0  # the theoretical moment of the next send

    def book(self, not_before: float = 0.0) -> float:
        """Book the next turn; the moment it comes (now or later)."""
        now = self._monotonic()
        theoretical = max(self._next, now, not_before)
        self._next = theoretical + self.interval
        return max(theoretical - self._tolerance, now, not_before)

    def push(self, moment: float) -> None:
        """Nothing goes before `moment` (after a 429)."""
        self._next = max(self._next, moment)


class Pace:
    def __init__(
        self,
        rate: float,
        *,
        paid_rate: float | None = None,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.paid_rate = paid_rate
        self._sleep = sleep
        self._monotonic = monotonic
        # Up to 50 ms worth at once, so a late wake-up does not turn into a slower pace.
        self._free = Lane(rate, max(1.0, rate / 20), monotonic)
        self._paid = Lane(paid_rate, max(1.0, paid_rate / 20), monotonic) if paid_rate else None
        self._groups: dict[int | str, Lane] = {}
        self._paused_until = 0.0

    # -- Telegram said wait ---------------------------------------------------------------

    def pause(self, seconds: float) -> None:
        """A 429: nobody sends for `seconds`."""
        until = self._monotonic() + seconds
        self._paused_until = max(self._paused_until, until)
        for lane in (self._free, self._paid, *self._groups.values()):
            if lane is not None:
                lane.push(until)

    async def wait(self, seconds: float) -> None:
        await self._sleep(seconds)

    @property
    def paused(self) -> bool:
        return self._paused_until > self._monotonic()

    async def until_clear(self) -> None:
        while (wait := self._paused_until - self._monotonic()) > 0:
            await self._sleep(wait)

    # -- taking a turn --------------------------------------------------------------------

    def reply(self) -> None:
        """A reply to a person: it goes now and bulk sends make room after it."""
        self._free.book()

    async def bulk(self, *, paid: bool = False, chat: int | str | None = None) -> None:
        """Wait for a bulk send's turn: on the paid lane when `paid` (and switched on), in
        step with a group's or channel's own limit when `chat` is one."""
        lane = self._paid if paid and self._paid is not None else self._free
        while True:
            await self.until_clear()
            moment = lane.book()
            if chat is not None and _is_group(chat):
                group = self._groups.setdefault(chat, Lane(GROUP_RATE, 3, self._monotonic))
                moment = max(moment, group.book(moment))
            wait = moment - self._monotonic()
            if wait > 0:
                await self._sleep(wait)
            if self._paused_until <= self._monotonic():
                return
            # Telegram said wait while this send waited for its turn: book again after.


def _is_group(chat: int | str) -> bool:
    """Groups and channels have negative ids or an @name; people have positive ids."""
    return isinstance(chat, str) or chat < 0


def window(rate: float) -> int:
    """How many sends may be in flight at once: enough for half a second of answers at
    `rate` (Telegram answers in tens to hundreds of milliseconds), at least 4, at most 500.
    A kill repeats at most this many messages."""
    return max(4, min(500, math.ceil(rate / 2)))
