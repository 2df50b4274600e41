"""A pact ten times bigger feels the same: the team's views and the privacy commands on the
pact of `bench/pact.py` at scale 1 (2,000 organisations, 10,000 intentions, 100,000
progress updates over two years, 50 sessions with their invitations and outbox rows) and
at scale 10, built with the bot's own migrations.

Timed in-process, each through the real Application and the fake Bot API as a person's
update goes (the median of `--rounds`): `/stats`, `/intentions` and `/orgs` (first page),
`/mine` of a contact, `/mydata` of a contact; in a transaction that is rolled back,
voiding a session's queued messages (a move or a cancel; the session has the same 250
invitees at both scales, so what changes is the same and only the history around it
grows), `/forget` of a contact and of an organisation's last contact (which takes the
organisation and its intentions, indicators and progress with it; the log's checkpoint
after a real /forget is not included); and the start-up, from
a new interpreter (imports included) to the point where polling begins, on the whole
database.

Prints one line per operation with both times and their ratio, and last `ratio: X.XX`,
the largest ratio. The bar: at most 3.0.

    python bench/scale.py [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pact import CONTACT_IDS, NOW, build
from bot.clock import to_db
from bot.services.sessions import SESSION_KINDS
from bot.storage import privacy
from tests.harness import FakeClock, Harness, Person
from tests.telegram_fake import RecordingRequest

TEAM = Person(1, "nl")


class QuietRequest(RecordingRequest):
    check_rules = False


class RolledBack(Exception):
    """Ends a measured transaction without keeping what it did."""


async def _median(rounds: int, work: Callable[[int], Awaitable[float]]) -> float:
    return statistics.median([await work(n) for n in range(rounds)])


_START_UP = """
import time
began = time.perf_counter()
import asyncio, sys
sys.path.insert(0, {root!r})
from tests.harness import FakeClock, Harness
from bench.scale import QuietRequest
from bench.pact import NOW
from pathlib import Path

async def main():
    env = {{"ADMIN_IDS": "1"}}
    h = Harness(Path({database!r}), FakeClock(NOW), env, request_class=QuietRequest)
    app = await h.start()
    await app.start()  # the JobQueue; polling begins here
    print((time.perf_counter() - began) * 1000)
    await app.stop()
    await h.stop()

asyncio.run(main())
"""


def start_up(database: Path, rounds: int) -> float:
    """Milliseconds from a new interpreter to the first poll (imports included), the
    median of a few starts."""
    root = str(Path(__file__).resolve().parents[1])
    code = _START_UP.format(root=root, database=str(database))
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], check=True, capture_output=True, text=True
            ).stdout
        )
        for _ in range(max(3, rounds // 2))
    ]
    return statistics.median(times)


async def measure(database: Path, rounds: int) -> dict[str, float]:
    """Milliseconds per operation on one pact (its digests went out this morning)."""
    with sqlite3.connect(database) as conn:
        conn.execute("UPDATE subscription SET covered_until = ?", (to_db(NOW),))
    results = {"start-up to the first poll": start_up(database, rounds)}
    h = Harness(database, FakeClock(NOW), {"ADMIN_IDS": "1"}, request_class=QuietRequest)
    await h.start()
    try:
        return await _operations(h, rounds, results)
    finally:
        await h.stop()


async def _operations(h: Harness, rounds: int, results: dict[str, float]) -> dict[str, float]:
    app = h.application
    db = app.services.db
    contacts = [
        Person(int(r[0]), "nl")
        for r in await db.fetchall(
            "SELECT person_id FROM contact ORDER BY person_id LIMIT ?", (rounds,)
        )
    ]
    sole = await db.fetchall(
        "SELECT min(person_id) FROM contact GROUP BY organisation_id HAVING count(*) = 1 LIMIT ?",
        (rounds,),
    )
    sessions = await db.fetchall(
        "SELECT DISTINCT subject FROM outbox WHERE state = 'pending' AND subject IS NOT NULL"
        " LIMIT ?",
        (rounds,),
    )

    async def through(person: Person, text: str) -> float:
        began = time.perf_counter()
        await h.send(person, text)
        return (time.perf_counter() - began) * 1000

    async def rolled_back(work: Callable[..., Awaitable[None]], *args: object) -> float:
        took = 0.0
        try:
            async with db.transaction() as tx:
                began = time.perf_counter()
                await work(tx, *args)
                took = (time.perf_counter() - began) * 1000
                raise RolledBack
        except RolledBack:
            pass
        return took

    await through(TEAM, "/start")
    results["/stats"] = await _median(rounds, lambda n: through(TEAM, "/stats"))
    results["/intentions, first page"] = await _median(
        rounds, lambda n: through(TEAM, "/intentions")
    )
    results["/orgs, first page"] = await _median(rounds, lambda n: through(TEAM, "/orgs"))
    results["/mine of a contact"] = await _median(rounds, lambda n: through(contacts[n], "/mine"))
    results["/mydata of a contact"] = await _median(
        rounds, lambda n: through(contacts[n], "/mydata")
    )
    results["voiding a session's queued messages"] = await _median(
        rounds,
        lambda n: rolled_back(
            lambda tx, subject: app.services.outbox.void(tx, subject, SESSION_KINDS),
            str(sessions[n % len(sessions)][0]),
        ),
    )
    at = to_db(NOW)
    results["/forget of a contact"] = await _median(
        rounds, lambda n: rolled_back(privacy.forget, contacts[n].id, at)
    )
    results["/forget of an organisation's last contact"] = await _median(
        rounds, lambda n: rolled_back(privacy.forget, int(sole[n % len(sole)][0]), at)
    )
    assert all(c.id >= CONTACT_IDS for c in contacts)
    return results


def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        small = build(folder / "scale1.sqlite3", scale=1)
        big = build(folder / "scale10.sqlite3", scale=10, subscribers=20_000)
        one = asyncio.run(measure(small, rounds))
        ten = asyncio.run(measure(big, rounds))
    width = max(len(k) for k in one)
    print(f"{'operation':<{width}}  {'scale 1':>9}  {'scale 10':>9}  ratio")
    ratios = []
    for operation, small_ms in one.items():
        ratio = ten[operation] / small_ms
        ratios.append(ratio)
        print(f"{operation:<{width}}  {small_ms:7.1f} ms  {ten[operation]:7.1f} ms  {ratio:5.2f}")
    print(f"ratio: {max(ratios):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    main(parser.parse_args().rounds)
