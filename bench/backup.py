"""Backups: the bot's reply latency while a backup of the ten-times-bigger pact is taken,
against the same replies without one, in one run.

The pact of `bench/pact.py` at scale 10 (20,000 organisations, 100,000 intentions, a million
progress updates over two years) is built with the bot's own migrations. People then use
the bot at a steady pace — contacts opening /mine, people changing their language (a
write), followers choosing how often (a write) — first with nothing else going on, then
while `Backups.take` copies, checks and compresses the database. The fake Bot API answers
at once, so what is timed is the bot's own work, where a backup would show; Telegram's
round trip on top would only bring the two closer. Prints the p50/p99 of both, the backup's
time and size, and last `ratio: X.XX` (p99 during / p99 without). The bar: at most 1.50.

    python bench/backup.py [--scale 10] [--pace 200]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pact import NOW, build
from bench.scale import QuietRequest
from tests.harness import FakeClock, Harness, Person

TEAM = Person(1, "en")


async def _replies(h: Harness, people: list[Person], count: int, pace: float) -> list[float]:
    """`count` updates at `pace` a second, each timed from arrival to its last reply."""
    timings: list[float] = []
    gap = 1.0 / pace
    for n in range(count):
        person = people[n % len(people)]
        began = time.perf_counter()
        kind = n % 4
        if kind in (0, 1):
            await h.send(person, "/mine")
        elif kind == 2:
            await h.press(person, f"lang:set:{('nl', 'fr', 'en')[n % 3]}")
        else:
            await h.press(person, f"fol:freq:{('weekly', 'daily')[n % 2]}")
        took = time.perf_counter() - began
        timings.append(took * 1000)
        await asyncio.sleep(max(0.0, gap - took))
    return timings


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1]


async def measure(database: Path, pace: float, count: int) -> None:
    h = Harness(database, FakeClock(NOW), {"ADMIN_IDS": "1"}, request_class=QuietRequest)
    await h.start()
    try:
        db = h.application.services.db
        people = [
            Person(int(r[0]), "nl")
            for r in await db.fetchall("SELECT person_id FROM contact ORDER BY person_id LIMIT 500")
        ]
        await _replies(h, people, 200, pace)  # warm up: caches, prepared statements
        quiet = await _replies(h, people, count, pace)
        backups = h.application.services.operations.backups
        began = time.perf_counter()
        taking = asyncio.create_task(backups.take())
        during: list[float] = []
        while not taking.done():
            during += await _replies(h, people, 50, pace)
        taken = await taking
        seconds = time.perf_counter() - began
    finally:
        await h.stop()
    size = await asyncio.to_thread(lambda: database.stat().st_size)
    print(f"database: {size / 1e6:.0f} MB; backup: {taken.size / 1e6:.0f} MB in {seconds:.1f} s")
    print(f"replies without a backup: {len(quiet)}, p50 {_p(quiet, 50):.2f} ms, "
          f"p99 {_p(quiet, 99):.2f} ms")  # fmt: skip
    print(f"replies during the backup: {len(during)}, p50 {_p(during, 50):.2f} ms, "
          f"p99 {_p(during, 99):.2f} ms")  # fmt: skip
    print(f"ratio: {_p(during, 99) / _p(quiet, 99):.2f}")


def main(scale: int, pace: float, count: int, database: Path | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = database or build(Path(folder) / "pact.sqlite3", scale=scale, subscribers=20_000)
        asyncio.run(measure(path, pace, count))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--pace", type=float, default=200.0, help="updates a second")
    parser.add_argument("--count", type=int, default=1000, help="updates without a backup")
    parser.add_argument("--database", type=Path, help="a pact built before (it is changed)")
    arguments = parser.parse_args()
    main(arguments.scale, arguments.pace, arguments.count, arguments.database)
