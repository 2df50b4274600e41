"""Delivery on a real network: the whole bot (outbox, dispatcher, rate limiter, JobQueue)
sends one bulk message to each of N recipients through a fake Bot API that answers every
call after `--latency` seconds (a round trip to Telegram), enforces `--limit` messages a
second by answering 429 with `retry_after`, answers 403 for the 2% of recipients who
blocked the bot and a 5xx for 1% of calls.

The messages fell due while the bot was down: the bench starts it as `python -m bot` does
(initialize, post_init, start), and the JobQueue sends them.

Each recipient also has an older message due, replaced by the newer one (like a 7-day
reminder overtaken by the 1-day one after downtime): it must be skipped without a send.

Prints the time from start to the first delivery, the achieved rate, `duplicates: N`,
`lost: N` (reachable recipients who got nothing), the blocked count and, last,
`ratio: X.XX` (achieved rate / limit). The rate is measured from the first to the last
delivery of the stream; a message whose retry also failed waits 30 s by design and is
reported on its own line, not counted in the rate. Bars: ratio at least 0.95 at 30/s and
0.90 with paid broadcasts at 1,000/s, with 0 duplicates and 0 lost.

    python bench/delivery.py --latency 0.15 --limit 30
    python bench/delivery.py --latency 0.15 --limit 1000 --paid --recipients 5000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram.request import RequestData

from bot.app import build_application
from bot.botapi import PactBot
from bot.clock import SystemClock
from bot.config import FREE_LIMIT, settings_from
from bot.delivery.dispatcher import Report
from bot.delivery.kinds import Kind, Text
from bot.delivery.outbox import Due, Message
from bot.i18n import Translator
from tests.telegram_fake import RecordingRequest, canonical

_TOO_MANY = (
    b'{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1",'
    b'"parameters":{"retry_after":1}}'
)
_BLOCKED = b'{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}'
_BROKEN = b'{"ok":false,"error_code":502,"description":"Bad Gateway"}'


class Bucket:
    """Telegram's meter as the fake models it: `limit` a second, one second's worth held."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.tokens = limit
        self.refilled = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.limit, self.tokens + (now - self.refilled) * self.limit)
        self.refilled = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class FakeTelegram(RecordingRequest):
    """Answers after `latency` seconds; meters paid broadcasts at `limit` (when `paid`)
    and everything else at the free 30 a second (or `limit`, if lower)."""

    def __init__(self, limit: float, paid: bool, latency: float, blocked: set[int]) -> None:
        super().__init__()
        self.latency = latency
        self.blocked = blocked
        self.random = random.Random(7)
        self.free = Bucket(min(limit, FREE_LIMIT) if paid else limit)
        self.paid = Bucket(limit) if paid else None
        self.accepted: Counter[int] = Counter()
        self.broken: Counter[int] = Counter()  # 5xx answers per recipient
        self.answers: Counter[int] = Counter()
        self.deliveries: list[tuple[float, int]] = []
        self.wrong: Counter[int] = Counter()  # a replaced message that was sent anyway

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        if canonical(url.rsplit("/", 1)[-1]) != "sendMessage":
            return await super().do_request(url, method, request_data, *args, **kwargs)
        params = request_data.parameters if request_data else {}
        chat_id = int(str(params["chat_id"]))
        bucket = self.paid if self.paid and params.get("allow_paid_broadcast") else self.free
        status, body = 200, b""
        if not bucket.take():  # metered where the request arrives, before the round trip
            status, body = 429, _TOO_MANY
        elif chat_id in self.blocked:
            status, body = 403, _BLOCKED
        elif self.random.random() < 0.01:
            status, body = 502, _BROKEN
            self.broken[chat_id] += 1
        else:
            self.accepted[chat_id] += 1
            self.deliveries.append((time.monotonic(), chat_id))
            if params.get("text") != f"Hello {chat_id}":
                self.wrong[chat_id] += 1
        self.answers[status] += 1
        await asyncio.sleep(self.latency)
        if status != 200:
            return status, body
        return 200, json.dumps({"ok": True, "result": self._result_for(chat_id)}).encode()

    def _result_for(self, chat_id: int) -> dict[str, Any]:
        return {
            "message_id": 1,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private"},
            "text": "",
        }


async def notice(message: Due, t: Translator) -> Text:
    return Text(str(message.payload["text"]))


async def main(recipients: int, limit: float, paid: bool, latency: float) -> None:
    people = list(range(100_000, 100_000 + recipients))
    blocked = set(random.Random(3).sample(people, recipients * 2 // 100))
    api = FakeTelegram(limit, paid, latency, blocked)
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_from(
            {
                "BOT_TOKEN": "123456:BENCH",
                "DATABASE_PATH": f"{folder}/delivery.sqlite3",
                "BROADCAST_RATE": str(limit),
                "PAID_BROADCAST": "true" if paid else "false",
            }
        )
        app = build_application(settings, request=api, clock=SystemClock())
        app.services.outbox.kinds.register(Kind("notice", notice))
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        services = app.services
        # Fell due while the bot was down, each behind an older one it replaces (like a
        # 7-day reminder overtaken by the 1-day one): those are skipped without a send.
        due = datetime.now(UTC) - timedelta(hours=1)
        messages = [
            message
            for p in people
            for message in (
                Message(
                    p,
                    "notice",
                    due - timedelta(days=6),
                    f"old:{p}",
                    {"text": "Old"},
                    collapse=f"n:{p}",
                ),
                Message(p, "notice", due, f"bench:{p}", {"text": f"Hello {p}"}, collapse=f"n:{p}"),
            )
        ]
        async with services.db.transaction() as tx:
            await services.outbox.enqueue(tx, messages)
        finished = asyncio.Event()
        dispatch = app.dispatcher.run

        async def dispatch_and_check(bot: PactBot) -> Report:
            report = await dispatch(bot)
            if not await services.db.fetchval("SELECT 1 FROM outbox WHERE state = 'pending'"):
                finished.set()
            return report

        app.dispatcher.run = dispatch_and_check  # type: ignore[method-assign]
        started = time.monotonic()
        await app.start()  # as run_polling does, right after the first poll
        await finished.wait()
        elapsed = time.monotonic() - started
        rows = await services.db.fetchall("SELECT state, count(*) FROM outbox GROUP BY state")
        states: dict[str, int] = {row[0]: row[1] for row in rows}
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)

    twice_broken = {chat for chat, n in api.broken.items() if n >= 2}
    stream = [at for at, chat in api.deliveries if chat not in twice_broken]
    tail = [at for at, chat in api.deliveries if chat in twice_broken]
    delivered = sum(api.accepted.values())
    duplicates = sum(n - 1 for n in api.accepted.values() if n > 1)
    lost = sum(1 for p in people if p not in blocked and api.accepted[p] == 0)
    span = stream[-1] - stream[0] if len(stream) > 1 else 0.0
    achieved = (len(stream) - 1) / span if span > 0 else 0.0
    window = app.dispatcher.window
    mode = "paid broadcasts" if paid else "free"
    print(f"recipients: {recipients}, limit: {limit:.0f}/s ({mode}), latency: {latency:.3f} s")
    print(f"in flight at most: {window}, total time: {elapsed:.2f} s")
    print(f"answers: {dict(sorted(api.answers.items()))}, outbox: {states}")
    print(f"first delivery after start: {api.deliveries[0][0] - started:.2f} s")
    if tail:
        print(f"after a second 5xx and its 30 s backoff: {len(tail)} delivered, not in the rate")
    print(f"achieved rate: {achieved:.1f}/s (first to last delivery of the stream)")
    print(f"delivered: {delivered}, replaced and skipped: {states.get('skipped', 0)}")
    print(f"replaced yet sent: {sum(api.wrong.values())}")
    print(f"duplicates: {duplicates}")
    print(f"lost: {lost}")
    print(f"blocked: {states.get('blocked', 0)} (of {len(blocked)} who blocked the bot)")
    print(f"ratio: {achieved / limit:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--limit", type=float, default=30.0, help="messages a second")
    parser.add_argument("--paid", action="store_true", help="bulk sends as paid broadcasts")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds per answer")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.recipients, arguments.limit, arguments.paid, arguments.latency))
