"""Handler cost: Pactbot against a bare python-telegram-bot echo bot, in one run.

A few hundred simulated contacts go through a realistic mix — /start, complete
/intention conversations with an indicator, /mine, opening cards, logging progress — in
the whole bot with its SQLite store and the recording fake Bot API. Those updates are
recorded, then replayed and timed through a fresh bot on a fresh database, and through a
bare echo bot on the same fake, both fed the same Update JSON the same way. Prints
updates per second for both and, last, `ratio: X.XX` (bot / echo, the median of the
rounds; in each round the two take turns every few hundred updates, so both meet the same
moments of a noisy machine). The bar: at least 0.50.

    python bench/handlers.py [--contacts 300]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from tests.flows import log_progress, record_intention, register
from tests.harness import FakeClock, Harness, Person
from tests.telegram_fake import RecordingRequest


class QuietRequest(RecordingRequest):
    """The fake Bot API without its checks of what Telegram would refuse: both sides pay
    for the fake alike, and the tests make those checks."""

    check_rules = False


class RecordingHarness(Harness):
    """Keeps every update it feeds, to replay them through the echo bot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fed: list[dict[str, Any]] = []
        self.recording = False

    async def process(self, data: dict[str, Any]) -> Any:
        if self.recording:
            self.fed.append({"update_id": len(self.fed) + 1, **data})
        return await super().process(data)


async def _contact_session(h: Harness, person: Person, n: int) -> None:
    await h.send(person, "/start")
    await record_intention(h, person, f"Mentoring round {n}")
    intention_id = await h.application.services.db.fetchval(
        "SELECT id FROM intention WHERE title = ?", (f"Mentoring round {n}",)
    )
    await log_progress(h, person, intention_id, "Four mentees found work.", "4")
    await h.send(person, "/mine")
    await h.send(person, "/help")


async def record(contacts: int, folder: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Drive the conversations once, keeping the updates: (set-up, measured mix)."""
    h = RecordingHarness(folder / "record.sqlite3", FakeClock())
    await h.start()
    people = [Person(10_000 + n, ("nl", "fr", "en")[n % 3]) for n in range(contacts)]
    h.recording = True
    for n, person in enumerate(people):
        await register(h, person, f"Organisation {n}")
    setup, h.fed = h.fed, []
    for n, person in enumerate(people):
        await _contact_session(h, person, n)
    mix = h.fed
    await h.stop()
    return setup, mix


SLICE = 200  # updates a side processes before the other takes its turn


async def run_round(
    setup: list[dict[str, Any]], mix: list[dict[str, Any]], folder: Path
) -> tuple[float, float, int]:
    """One round: the same updates through a fresh bot on a fresh database and through a
    bare echo bot, taking turns every SLICE updates, so that both meet the same moments
    of a noisy machine. Returns the seconds each side spent on the mix, and how many of
    the bot's replies refused a press (the replay diverged: it must be 0)."""
    h = Harness(folder / "replay.sqlite3", FakeClock(), request_class=QuietRequest)
    app = await h.start()
    for data in setup:
        await app.process_update(Update.de_json(data, app.bot))
    echo = await _echo_app()
    bot_seconds = echo_seconds = 0.0
    for first in range(0, len(mix), SLICE):
        part = mix[first : first + SLICE]
        started = time.perf_counter()
        for data in part:
            await app.process_update(Update.de_json(data, app.bot))
        bot_seconds += time.perf_counter() - started
        started = time.perf_counter()
        for data in part:
            await echo.process_update(Update.de_json(data, echo.bot))
        echo_seconds += time.perf_counter() - started
    await echo.shutdown()
    await h.stop()
    stale = sum(
        1
        for c in h.request.calls
        if c.method == "answerCallbackQuery" and c.params.get("show_alert")
    )
    return bot_seconds, echo_seconds, stale


async def _echo_app() -> Application[Any, Any, Any, Any, Any, Any]:
    """The bare python-telegram-bot bot: every text echoed, every press answered."""

    async def echo(update: Update, context: Any) -> None:
        if update.callback_query:
            await update.callback_query.answer()
        elif update.effective_message and update.effective_message.text:
            await update.effective_message.reply_text(update.effective_message.text)

    app = (
        ApplicationBuilder()
        .token("123456:BENCH")
        .request(QuietRequest())
        .get_updates_request(QuietRequest())
        .build()
    )
    app.add_handler(MessageHandler(filters.ALL, echo))
    app.add_handler(CallbackQueryHandler(echo))
    await app.initialize()
    return app


async def main(contacts: int, rounds: int) -> None:
    """Rounds of bot and echo taking turns; the median round's ratio is the result."""
    results: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        setup, updates = await record(contacts, Path(folder))
        # The recorded updates are the bench's own data: keep them out of the garbage
        # collector's scans, so that neither side pays for them.
        gc.collect()
        gc.freeze()
        for n in range(rounds):
            bot_seconds, echo_seconds, refused = await run_round(
                setup, updates, Path(folder) / f"round{n}"
            )
            if refused:
                raise SystemExit(f"the replay diverged: {refused} button presses were refused")
            results.append((len(updates) / bot_seconds, len(updates) / echo_seconds))
    print(f"contacts: {contacts}, updates: {len(updates)}, rounds: {rounds}, slice: {SLICE}")
    for bot_rate, echo_rate in results:
        print(f"  bot {bot_rate:8.1f}/s  echo {echo_rate:8.1f}/s  ratio {bot_rate / echo_rate:.2f}")
    bot_rate, echo_rate = sorted(results, key=lambda r: r[0] / r[1])[len(results) // 2]
    print(f"bot:  {bot_rate:8.1f} updates/s (median round)")
    print(f"echo: {echo_rate:8.1f} updates/s")
    print(f"ratio: {bot_rate / echo_rate:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.contacts, arguments.rounds))
