"""Delivery under Telegram's flood control: the real outbox and dispatcher, 1,000
recipients, and a fake Bot API that enforces a send rate by answering 429 with
`retry_after`, with 2% of recipients blocked (403) and 1% of answers a 5xx.

Prints the achieved rate, `duplicates: N`, `lost: N` (reachable recipients who got
nothing), the blocked count and, last, `ratio: X.XX` (achieved rate / enforced limit).
The bar: ratio at least 0.95 with 0 duplicates and 0 lost.

    python bench/delivery.py [--recipients 1000] [--limit 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Bot
from telegram.ext import AIORateLimiter
from telegram.request import RequestData

from bot.app import build_application
from bot.clock import SystemClock
from bot.config import settings_from
from bot.delivery.outbox import Due, Message
from bot.i18n import Translator
from tests.telegram_fake import RecordingRequest


class FloodControlledApi(RecordingRequest):
    """Accepts at most `limit` messages a second (a token bucket holding one second's
    worth), answers 403 for blocked chats and a 5xx for a random 1% of requests."""

    def __init__(self, limit: float, blocked: set[int], seed: int = 7) -> None:
        super().__init__()
        self.limit = limit
        self.blocked = blocked
        self.random = random.Random(seed)
        self.tokens = limit
        self.refilled = time.monotonic()
        self.accepted: Counter[int] = Counter()
        self.answers: Counter[int] = Counter()
        self.first: float | None = None
        self.last: float | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        if not url.endswith("/sendMessage"):
            return await super().do_request(url, method, request_data, *args, **kwargs)
        now = time.monotonic()
        self.tokens = min(self.limit, self.tokens + (now - self.refilled) * self.limit)
        self.refilled = now
        chat_id = int((request_data.parameters if request_data else {})["chat_id"])  # type: ignore[arg-type]
        if self.tokens < 1:
            self.answers[429] += 1
            return (
                429,
                b'{"ok":false,"error_code":429,"description":"Too Many Requests",'
                b'"parameters":{"retry_after":1}}',
            )
        self.tokens -= 1
        if chat_id in self.blocked:
            self.answers[403] += 1
            return 403, b'{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked"}'
        if self.random.random() < 0.01:
            self.answers[500] += 1
            return 500, b'{"ok":false,"error_code":500,"description":"Internal Server Error"}'
        self.answers[200] += 1
        self.accepted[chat_id] += 1
        self.first = self.first or now
        self.last = now
        return await super().do_request(url, method, request_data, *args, **kwargs)


async def notice(bot: Bot, message: Due, t: Translator) -> None:
    await bot.send_message(message.recipient_id, str(message.payload["text"]))


async def main(recipients: int, limit: float) -> None:
    people = list(range(100_000, 100_000 + recipients))
    blocked = set(random.Random(3).sample(people, recipients * 2 // 100))
    api = FloodControlledApi(limit, blocked)
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_from(
            {"BOT_TOKEN": "123456:BENCH", "DATABASE_PATH": f"{folder}/delivery.sqlite3"}
        )
        # The dispatcher paces at the enforced limit; PTB's own limiter stays out of it.
        app = build_application(
            settings,
            request=api,
            clock=SystemClock(),
            rate_limiter=AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=0),
            delivery_rate=limit,
        )
        await app.initialize()
        services = app.services
        await services.db.open()
        app.dispatcher.renderers["notice"] = notice
        now = datetime.now(UTC)
        async with services.db.transaction() as tx:
            await services.outbox.enqueue(
                tx,
                [Message(p, "notice", now, f"bench:{p}", {"text": f"Hello {p}"}) for p in people],
            )
        started = time.monotonic()
        # As the JobQueue would: run now, and again when the next retry falls due.
        while True:
            await app.dispatcher.run(app.bot)
            upcoming = await services.outbox.next_due_at()
            if upcoming is None:
                break
            await asyncio.sleep(max((upcoming - datetime.now(UTC)).total_seconds(), 0))
        elapsed = time.monotonic() - started
        rows = await services.db.fetchall("SELECT state, count(*) FROM outbox GROUP BY state")
        states: dict[str, int] = {row[0]: row[1] for row in rows}
        await app.shutdown()
        await services.db.close()

    delivered = sum(api.accepted.values())
    duplicates = sum(n - 1 for n in api.accepted.values() if n > 1)
    lost = sum(1 for p in people if p not in blocked and api.accepted[p] == 0)
    span = (api.last or 0) - (api.first or 0)
    achieved = (delivered - 1) / span if span > 0 else 0.0
    print(f"recipients: {recipients}, limit: {limit:.0f}/s, time: {elapsed:.2f} s")
    print(f"answers: {dict(sorted(api.answers.items()))}, outbox: {states}")
    print(f"achieved rate: {achieved:.1f}/s (first to last delivery)")
    print(f"delivered: {delivered}")
    print(f"duplicates: {duplicates}")
    print(f"lost: {lost}")
    print(f"blocked: {states.get('blocked', 0)} (of {len(blocked)} who blocked the bot)")
    print(f"ratio: {achieved / limit:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=200.0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.recipients, arguments.limit))
