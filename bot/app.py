"""The application factory: one place that wires Telegram, the database and the services."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    JobQueue,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import i18n
from bot.botapi import PactBot
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import PactContext
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.limiter import PactRateLimiter
from bot.delivery.pace import Pace, Sleep, window
from bot.persistence import SQLitePersistence
from bot.services import Services, build_services
from bot.storage.db import Database

_LOGGER = logging.getLogger(__name__)

PactJobQueue = JobQueue[PactContext]


class PactApplication(
    Application[PactBot, PactContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], PactJobQueue]
):
    services: Services
    dispatcher: Dispatcher
    # Set by the composition root (handlers.register): the features put together, read by
    # the handlers only; and what runs once the database is open (menus, features' jobs).
    wiring: object = None
    fatal: str | None = None  # why the bot stopped itself (a damaged database), if it did
    on_halt: list[Callable[[], None]]  # what else stops with it (the web server)

    def halt(self, why: str) -> None:
        """Stop the bot from within (a damaged database): `python -m bot` then says why
        in one line and exits 1."""
        self.fatal = why
        for stop in self.on_halt:
            stop()
        if self.running:
            self.stop_running()

    on_start: list[Callable[[PactApplication], Awaitable[None]]]

    def wake_dispatcher(self) -> None:
        """Send what was just queued, soon, without holding up the update that queued it."""
        if self.job_queue is not None and self.running:
            self.job_queue.run_once(_dispatch, 0, name="outbox:now")

    async def start(self) -> None:
        await super().start()
        # What fell due while the bot was down goes now, right after the first poll, not
        # at the first sweep a minute later: digests whose moment passed are queued first.
        if self.job_queue is not None:
            self.job_queue.run_once(_catch_up, 0, name="digest:start")

    async def process_update(self, update: object) -> None:
        self.services.operations.last_update_at = self.services.clock.now()
        await super().process_update(update)

    async def update_persistence(self) -> None:
        await super().update_persistence()
        if isinstance(self.persistence, SQLitePersistence):
            await self.persistence.write_pending()


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    sleep: Sleep = asyncio.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    reply_retries: int = 3,
) -> PactApplication:
    """The whole bot; tests and benches pass a fake `request`, a fixed `clock`, and a
    `sleep` and `monotonic` for the sending pace."""
    db = Database(settings.database_path)
    services = build_services(settings, db, clock or SystemClock())
    pace = Pace(
        settings.broadcast_rate,
        paid_rate=settings.broadcast_rate if settings.paid_broadcast else None,
        sleep=sleep,
        monotonic=monotonic,
    )
    in_flight = window(settings.broadcast_rate)
    base = (settings.api_base_url or "https://api.telegram.org/bot").rstrip("/")
    bot = PactBot(
        settings.bot_token,
        base_url=base,
        base_file_url=base.replace("/bot", "/file/bot", 1),
        # Room for every send the dispatcher keeps in flight and the replies beside them.
        request=request or HTTPXRequest(connection_pool_size=max(256, in_flight + 64)),
        get_updates_request=request or HTTPXRequest(),
        # No `tzinfo` default: the bot schedules with aware datetimes from its clock, and
        # with one PTB would convert the date of every incoming update to it (a fifth of
        # the cost of reading an update).
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        rate_limiter=PactRateLimiter(pace, max_retries=reply_retries),
    )
    builder = (
        ApplicationBuilder()
        .application_class(PactApplication)
        .bot(bot)
        .context_types(ContextTypes(context=PactContext))
        .persistence(SQLitePersistence(db, services.clock))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    app = cast(PactApplication, builder.build())
    app.services = services
    services.operations.mode = "webhook" if settings.webhook_url else "polling"
    app.on_start = []
    app.on_halt = []
    app.dispatcher = Dispatcher(
        services,
        services.outbox.kinds,
        pace,
        window=in_flight,
        paid=settings.paid_broadcast,
    )
    services.outbox.wake = app.wake_dispatcher

    from handlers import register

    register(app)
    return app


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    pact = cast(PactApplication, app)
    await pact.services.db.open()
    i18n.preload()
    for hook in pact.on_start:
        await hook(pact)
    # Everything loaded so far (PTB, Babel's locale data, the catalogs) lives as long as
    # the bot: keep it out of the garbage collector's full scans, which otherwise walk
    # it again and again while the bot answers updates.
    gc.collect()
    gc.freeze()
    if pact.job_queue is not None:
        # A sweep every minute (the first right after start, see PactApplication.start);
        # each run also books a wake-up for the next message due.
        pact.job_queue.run_repeating(_sweep, interval=60, first=60, name="outbox:sweep")


async def _sweep(context: PactContext) -> None:
    """Every minute: forget what was settled long ago, queue the digests whose moment has
    come (the digest clock), and send what is due."""
    pact = cast(PactApplication, context.application)
    pruned = await pact.services.outbox.prune()
    if pruned:
        _LOGGER.info("outbox: %d settled messages past the retention deleted", pruned)
    await _catch_up(context)


async def _catch_up(context: PactContext) -> None:
    """Queue the digests due (after downtime: the missed period, once), then send."""
    pact = cast(PactApplication, context.application)
    queued = await pact.services.digests.catch_up()
    if queued:
        _LOGGER.info("digest: %d queued", queued)
    await _dispatch(context)


async def _dispatch(context: PactContext) -> None:
    pact = cast(PactApplication, context.application)
    await pact.dispatcher.run(context.bot)
    pact.services.operations.last_dispatch_at = pact.services.clock.now()
    upcoming = await pact.services.outbox.next_due_at()
    if upcoming is not None and pact.job_queue is not None:
        for job in pact.job_queue.get_jobs_by_name("outbox:next"):
            job.schedule_removal()
        delay = max((upcoming - pact.services.clock.now()).total_seconds(), 0.0)
        if delay < 60:  # the sweep covers anything later
            pact.job_queue.run_once(_dispatch, delay, name="outbox:next")


async def _post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    await cast(PactApplication, app).services.db.close()


ALLOWED_UPDATES = Update.ALL_TYPES
