"""Building a week's digests: does it cost what the week holds, not the pact's history?

Builds the pact of `bench/pact.py` (2,000 organisations, 10,000 intentions, 100,000
progress updates over two years, 10,000 followers of one to three sectors in nl, fr and
en) twice: with its two-year history, and with only the last week's activity (the same
week, the same followers). On each, at the Monday digest moment, times what the bot does
before the first send: the digest clock queues one outbox row per follower (`catch_up`),
then every row is rendered by the digest kind's renderer exactly as the dispatcher does
(in the follower's language: the text split into messages, the chart as a PNG, a
contact's "your organisation" part).

Each pact is measured twice, taking turns, after a warm-up, from a fresh copy of its
database every time; the best of each is kept. Prints `digests: N` (rows that would
send), the messages they make (charts included), the seconds of each run,
`queue_ratio: X.XX` (the build time with history / the time Telegram needs to send those
messages at 30 a second) and, last, `history_ratio: X.XX` (with history / without).
Bars: queue_ratio at most 0.05, history_ratio at most 1.25.

    python bench/digest.py [--subscribers 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pact import NOW, build
from bot.app import build_application
from bot.config import FREE_LIMIT, settings_from
from bot.delivery.kinds import BULK, Photo, Skip
from bot.delivery.outbox import START
from bot.i18n import translator
from handlers.digests.messages import kinds
from tests.harness import FakeClock
from tests.telegram_fake import RecordingRequest


class QuietRequest(RecordingRequest):
    check_rules = False


async def week(database: Path) -> tuple[float, int, int]:
    """Seconds to queue and render every digest of the week; digests; messages."""
    settings = settings_from(
        {"BOT_TOKEN": "123456:BENCH", "DATABASE_PATH": str(database), "ADMIN_IDS": "1"}
    )
    app = build_application(settings, request=QuietRequest(), clock=FakeClock(NOW))
    await app.initialize()
    services = app.services
    [digest] = kinds(services)
    digests = messages = 0
    began = time.perf_counter()
    queued = await services.digests.catch_up()
    position = START
    while batch := await services.outbox.due(BULK, position, 500):
        position = batch[-1].position
        for row in batch:
            locale = row.locale or settings.default_locale
            try:
                parts = await digest.render(row, translator(locale, settings.timezone))
            except Skip:
                continue
            assert isinstance(parts, tuple) and isinstance(parts[0], Photo)
            digests += 1
            messages += len(parts)
    seconds = time.perf_counter() - began
    assert queued >= digests
    await app.shutdown()
    assert app.post_shutdown is not None
    await app.post_shutdown(app)  # closes the database
    return seconds, digests, messages


def run(folder: Path, source: Path, name: str) -> tuple[float, int, int]:
    copy = folder / f"{name}.sqlite3"
    shutil.copy(source, copy)
    try:
        return asyncio.run(week(copy))
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


def main(subscribers: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        history = build(folder / "history.sqlite3", subscribers=subscribers)
        only = build(folder / "week.sqlite3", subscribers=subscribers, week_only=True)
        run(folder, only, "warm-up")
        results: dict[str, list[tuple[float, int, int]]] = {"history": [], "week": []}
        for _ in range(2):
            results["history"].append(run(folder, history, "run"))
            results["week"].append(run(folder, only, "run"))
    with_history = min(results["history"])
    without = min(results["week"])
    seconds, digests, messages = with_history
    telegram = messages / FREE_LIMIT
    print(f"digests: {digests}")
    print(f"messages: {messages} (charts included); the week alone: {without[2]}")
    print(f"with two years of history: {seconds:.2f} s; the week alone: {without[0]:.2f} s")
    print(f"Telegram needs {telegram:.0f} s to send them at {FREE_LIMIT:g} a second")
    print(f"queue_ratio: {seconds / telegram:.3f}")
    print(f"history_ratio: {seconds / without[0]:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    main(parser.parse_args().subscribers)
