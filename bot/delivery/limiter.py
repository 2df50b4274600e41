"""The rate limiter PTB calls for every Bot API request: replies to people go at once,
within the bot's budget (`Pace`), wait out Telegram's 429 and try again, and try again
briefly after a 5xx, a timeout or a connection that failed: a reply lost to a passing
fault leaves a person without their question. (A reply that Telegram did deliver before
the answer was lost comes twice; that is the lesser harm.)

Bulk sends from the dispatcher pass straight through: the dispatcher took their turn
already and handles Telegram's answer itself (a 429 postpones the outbox row).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.delivery.pace import BULK_SEND, Pace

_LOGGER = logging.getLogger(__name__)

JSONDict = dict[str, Any]
REPLY_BACKOFF = 0.5  # seconds before the first retry of a reply; doubled for each next
Answer = bool | JSONDict | list[JSONDict]


def retry_after(error: RetryAfter) -> float:
    """`retry_after` in seconds, whether PTB gives an int (now) or a timedelta (later)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        after = error.retry_after
    return after.total_seconds() if isinstance(after, timedelta) else float(after)


class PactRateLimiter(BaseRateLimiter[None]):
    def __init__(self, pace: Pace, max_retries: int = 3) -> None:
        self.pace = pace
        self.max_retries = max_retries

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Answer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> Answer:
        if BULK_SEND.get():
            return await callback(*args, **kwargs)
        for attempt in range(self.max_retries + 1):
            if self.pace.paused:
                await self.pace.until_clear()
            if "chat_id" in data:  # a message, an edit, a file: it counts against the limit
                self.pace.reply()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                seconds = retry_after(error)
                self.pace.pause(seconds)
                if attempt == self.max_retries:
                    raise
                _LOGGER.info("%s: Telegram asked to wait %.0f s; trying again", endpoint, seconds)
            except BadRequest:
                raise  # our request: the same again would fail the same way
            except NetworkError as error:  # 5xx, timeouts, connections
                if attempt == self.max_retries:
                    raise
                _LOGGER.debug("%s: %s; trying again", endpoint, error)
                await self.pace.wait(REPLY_BACKOFF * 2**attempt)
        raise AssertionError("unreachable")
