"""The application factory: one place that wires Telegram, the database and the services."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any, cast

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
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
from bot.delivery.dispatcher import Dispatcher, Sleep
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

    def wake_dispatcher(self) -> None:
        """Send what was just queued, soon, without holding up the update that queued it."""
        if self.job_queue is not None and self.running:
            self.job_queue.run_once(_dispatch, 0, name="outbox:now")

    async def update_persistence(self) -> None:
        await super().update_persistence()
        if isinstance(self.persistence, SQLitePersistence):
            await self.persistence.write_pending()


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    delivery_rate: float = 25.0,
    delivery_sleep: Sleep = asyncio.sleep,
) -> PactApplication:
    """The whole bot; tests and benches pass a fake `request` and a fixed `clock`."""
    db = Database(settings.database_path)
    services = build_services(settings, db, clock or SystemClock())
    base = (settings.api_base_url or "https://api.telegram.org/bot").rstrip("/")
    bot = PactBot(
        settings.bot_token,
        base_url=base,
        base_file_url=base.replace("/bot", "/file/bot", 1),
        # The sizes PTB's ApplicationBuilder picks: many sends at once, one long poll.
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(),
        # No `tzinfo` default: the bot schedules with aware datetimes from its clock, and
        # with one PTB would convert the date of every incoming update to it (a fifth of
        # the cost of reading an update).
        defaults=Defaults(
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        ),
        rate_limiter=rate_limiter or AIORateLimiter(max_retries=3),
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
    app.dispatcher = Dispatcher(services, rate=delivery_rate, sleep=delivery_sleep)

    from handlers import register

    register(app)
    return app


async def _post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    pact = cast(PactApplication, app)
    await pact.services.db.open()
    i18n.preload()
    from handlers.commands import publish_commands

    await publish_commands(pact)
    # Everything loaded so far (PTB, Babel's locale data, the catalogs) lives as long as
    # the bot: keep it out of the garbage collector's full scans, which otherwise walk
    # it again and again while the bot answers updates.
    gc.collect()
    gc.freeze()
    if pact.job_queue is not None:
        # A sweep every minute (and one right away, for what fell due while the bot was
        # down); each run also books a wake-up for the next message due.
        pact.job_queue.run_repeating(_dispatch, interval=60, first=0, name="outbox:sweep")


async def _dispatch(context: PactContext) -> None:
    pact = cast(PactApplication, context.application)
    await pact.dispatcher.run(context.bot)
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
