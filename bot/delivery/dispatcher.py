"""The dispatcher: sends what the outbox says is due, at a steady pace, and records how
each attempt ended. It is woken by the JobQueue; the outbox rows are the truth, so a
restart simply picks up whatever is due.

Telegram's answers: 429 postpones the message (not an attempt) and pauses sending for
`retry_after`; 403 marks the person unreachable and stops sending to them; timeouts and
5xx retry with a growing backoff up to a cap; 400 fails the message at once.
A message is marked sent right after Telegram accepted it, so a crash repeats at most the
one in flight.
"""

from __future__ import annotations

import asyncio
import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot.botapi import PactBot
from bot.delivery.outbox import Due
from bot.i18n import Translator, translator

if TYPE_CHECKING:
    from bot.services import Services

_LOGGER = logging.getLogger(__name__)

Renderer = Callable[[PactBot, Due, Translator], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


def _seconds(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives an int (now) or a timedelta (later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = error.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)


class Skip(Exception):
    """A renderer's way to say this message no longer makes sense (moved, cancelled…)."""


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
        self,
        services: Services,
        rate: float = 25.0,
        sleep: Sleep = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._services = services
        self._rate = rate
        self._burst = max(1.0, rate / 20)  # up to 50 ms worth at once, so late wake-ups
        self._tokens = self._burst  # don't pile up into a slower pace
        self._sleep = sleep
        self._monotonic = monotonic
        self._refilled = monotonic()
        self._lock = asyncio.Lock()
        self.renderers: dict[str, Renderer] = {}

    async def run(self, bot: PactBot) -> Report:
        """Send everything due now; one run at a time."""
        report = Report()
        async with self._lock:
            outbox = self._services.outbox
            blocked: set[int] = set()  # who blocked the bot during this run
            while batch := await outbox.due(limit=200):
                for message in batch:
                    if await self._deliver(bot, message, report, blocked):
                        break  # Telegram asked to slow down: read what is due afresh
        return report

    async def _deliver(self, bot: PactBot, message: Due, report: Report, blocked: set[int]) -> bool:
        """Send one message; True when sending should pause."""
        outbox = self._services.outbox
        if not message.reachable or message.recipient_id in blocked:
            await outbox.blocked(message, "the person blocked the bot")
            report.blocked += 1
            return False
        render = self.renderers.get(message.kind)
        if render is None:
            await outbox.failed(message, f"nothing renders {message.kind!r}")
            report.failed += 1
            return False
        if message.kind == "reminder" and await outbox.superseded(message):
            await outbox.skipped(message, "a later reminder is due as well")
            report.skipped += 1
            return False
        settings = self._services.settings
        locale = await self._services.people.locale_of(message.recipient_id, None)
        await self._pace()
        try:
            await render(bot, message, translator(locale, settings.timezone))
        except Skip as skip:
            await outbox.skipped(message, str(skip) or "no longer holds")
            report.skipped += 1
        except RetryAfter as error:
            seconds = max(_seconds(error), 1.0)
            await outbox.postpone(message, seconds, str(error))
            report.postponed += 1
            await self._sleep(seconds)  # flood control is for the whole bot: everyone waits
            return True
        except Forbidden as error:
            blocked.add(message.recipient_id)
            await self._services.people.mark_unreachable(message.recipient_id)
            await outbox.blocked(message, str(error))
            report.blocked += 1
        except BadRequest as error:  # our fault or a chat that is gone: trying again won't help
            await outbox.failed(message, str(error))
            report.failed += 1
        except NetworkError as error:  # timeouts and 5xx
            if await outbox.retry(message, str(error)):
                report.retried += 1
            else:
                report.failed += 1
        except Exception as error:
            _LOGGER.exception("could not render or send outbox message %s", message.id)
            await outbox.failed(message, repr(error))
            report.failed += 1
        else:
            await outbox.sent(message)
            report.sent += 1
        return False

    async def _pace(self) -> None:
        """At most `rate` messages a second on average (a token bucket)."""
        now = self._monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._refilled) * self._rate)
        self._refilled = now
        if self._tokens < 1.0:
            wait = (1.0 - self._tokens) / self._rate
            await self._sleep(wait)
            self._tokens, self._refilled = 1.0, now + wait
        self._tokens -= 1.0
