"""The public page: what serving it costs on the pact and on one ten times bigger, and the
bot's reply latency while the page is requested 200 times a second, in one run.

Both pacts come from `bench/pact.py` (scale 1: 2,000 organisations, 10,000 intentions,
100,000 progress updates over two years; scale 10: ten times that), with a third of the
organisations agreeing to be public. Pages are fetched over real HTTP from the bot's own
web server (uvicorn in the bot's event loop) by a client in another process: the glance,
the first page of commitments, a filtered page and a commitment, in turn. Prints requests
a second at both sizes and `size_ratio` (scale 10 / scale 1 time per page; bar ≤ 1.50);
then on the big pact the p99 of the bot's replies without and with 200 page requests a
second (`load_ratio`; bar ≤ 1.50). The fake Bot API answers at once, so what is timed is
the bot's own work, where the page's load would show.

    python bench/web.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import sqlite3
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import uvicorn

from bench.backup import _replies
from bench.pact import NOW, build
from bench.scale import QuietRequest
from bot.web import _Server, web_app
from tests.harness import FakeClock, Harness, Person

# The glance, the first page of commitments, a filtered one (and one commitment); `fresh`
# adds a query parameter the pages ignore, so that each request is rendered anew.
PATHS = ("/?lang=en", "/commitments?lang=en", "/commitments?lang=nl&lever=agency")


def _agree(database: Path) -> int:
    """A third of the organisations show their intentions; an intention of one of them."""
    with sqlite3.connect(database) as conn:
        conn.execute(
            "UPDATE organisation SET public = 1, public_at = '2026-01-01' WHERE id % 3 = 0"
        )
        row = conn.execute(
            "SELECT i.id FROM intention i JOIN organisation o ON o.id = i.organisation_id"
            " WHERE o.public = 1 ORDER BY i.id DESC LIMIT 1"
        ).fetchone()
    return int(row[0])


def _fetch(
    base: str, paths: list[str], seconds: float, pace: float | None, out: object, fresh: bool
) -> None:
    """In another process: fetch `paths` in turn for `seconds` (at `pace` a second, or as
    fast as one connection goes; `fresh`: each address new, so every page is rendered,
    none served from the cache); the number fetched."""
    count = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        path = paths[count % len(paths)] + (f"&fresh={count}" if fresh else "")
        with urllib.request.urlopen(base + path, timeout=10) as answer:
            answer.read()
        count += 1
        if pace:
            time.sleep(max(0.0, began + count / pace - time.perf_counter()))
    out.put(count)  # type: ignore[attr-defined]


async def _serve(h: Harness, port: int) -> _Server:
    config = uvicorn.Config(
        web_app(h.application), host="127.0.0.1", port=port, log_config=None,
        lifespan="off", access_log=False,
    )  # fmt: skip
    server = _Server(config)
    asyncio.get_running_loop().create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn has no event for it
        await asyncio.sleep(0.01)
    return server


async def _in_other_process(
    base: str, paths: list[str], seconds: float, pace: float | None, fresh: bool = False
) -> int:
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    process = multiprocessing.Process(
        target=_fetch, args=(base, paths, seconds, pace, queue, fresh)
    )
    process.start()
    while process.is_alive():  # noqa: ASYNC110 - the bot's loop serves the pages meanwhile
        await asyncio.sleep(0.05)
    return int(queue.get())


async def per_second(
    database: Path, number: int, seconds: float, port: int, fresh: bool = False
) -> float:
    h = Harness(database, FakeClock(NOW), {"ADMIN_IDS": "1"}, request_class=QuietRequest)
    await h.start()
    try:
        server = await _serve(h, port)
        paths = [*PATHS, f"/commitments/{number}?lang=fr"]
        base = f"http://127.0.0.1:{port}"
        await _in_other_process(base, paths, 1.0, None, fresh)  # warm up
        done = await _in_other_process(base, paths, seconds, None, fresh)
        server.should_exit = True
    finally:
        await h.stop()
    return done / seconds


async def under_load(database: Path, number: int, seconds: float, port: int) -> tuple[float, float]:
    h = Harness(database, FakeClock(NOW), {"ADMIN_IDS": "1"}, request_class=QuietRequest)
    await h.start()
    try:
        server = await _serve(h, port)
        db = h.application.services.db
        people = [
            Person(int(r[0]), "nl")
            for r in await db.fetchall("SELECT person_id FROM contact ORDER BY person_id LIMIT 500")
        ]
        await _replies(h, people, 200, 200.0)
        quiet = await _replies(h, people, 1000, 200.0)
        paths = [*PATHS, f"/commitments/{number}?lang=fr"]
        loading = asyncio.create_task(
            _in_other_process(f"http://127.0.0.1:{port}", paths, seconds, 200.0)
        )
        loaded: list[float] = []
        while not loading.done():
            loaded += await _replies(h, people, 50, 200.0)
        served = await loading
        server.should_exit = True
    finally:
        await h.stop()
    p99 = statistics.quantiles(quiet, n=100)[98], statistics.quantiles(loaded, n=100)[98]
    print(f"replies: p99 {p99[0]:.2f} ms alone, {p99[1]:.2f} ms with {served / seconds:.0f} "
          f"pages a second")  # fmt: skip
    return p99


def main(seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        small = build(Path(folder) / "scale1.sqlite3", scale=1)
        big = build(Path(folder) / "scale10.sqlite3", scale=10, subscribers=20_000)
        numbers = _agree(small), _agree(big)
        rate_small = asyncio.run(per_second(small, numbers[0], seconds, 18761))
        rate_big = asyncio.run(per_second(big, numbers[1], seconds, 18762))
        print(f"pages a second: {rate_small:.0f} at scale 1, {rate_big:.0f} at scale 10")
        print(f"size_ratio: {rate_small / rate_big:.2f}")
        fresh_small = asyncio.run(per_second(small, numbers[0], seconds, 18764, fresh=True))
        fresh_big = asyncio.run(per_second(big, numbers[1], seconds, 18765, fresh=True))
        print(
            f"pages rendered a second (none from the cache): {fresh_small:.0f} at scale 1, "
            f"{fresh_big:.0f} at scale 10"
        )
        print(f"size_ratio (rendered): {fresh_small / fresh_big:.2f}")
        alone, loaded = asyncio.run(under_load(big, numbers[1], seconds, 18763))
        print(f"load_ratio: {loaded / alone:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    main(parser.parse_args().seconds)
