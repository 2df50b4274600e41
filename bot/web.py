"""The bot's web server, in its own event loop (one process, one database writer), as
python-telegram-bot documents for a custom webhook server: Starlette on uvicorn.

The pact in public (`/`, `/commitments`, `/opinions`: `bot/public/`) and its open data
(`/opendata/`); `GET /health` answers 200 or 503 with JSON for platforms and uptime
monitors; with `WEBHOOK_URL`, Telegram posts updates to its path, each checked against
`WEBHOOK_SECRET` (Telegram's `secret_token`) before it is queued for the bot. Only GET
and HEAD, but for the webhook's POST.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import signal
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from email.utils import formatdate
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.i18n import Translator, translator
from bot.public import pages
from bot.services.public import Filters

if TYPE_CHECKING:
    from bot.app import PactApplication

_LOGGER = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
UPDATE_MOST = 1 << 20  # bytes of one update: Telegram's are far smaller
STYLE = resources.files("bot.public").joinpath("static", "style.css").read_bytes()
PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # No script at all, style from this site only, no frames, forms only to this site.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}
SAFE = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'",
}


def web_app(app: PactApplication, monotonic: Callable[[], float] = time.monotonic) -> Starlette:
    settings = app.services.settings

    async def health(request: Request) -> Response:
        ok, report = await app.services.operations.health()
        return JSONResponse(report, status_code=200 if ok else 503)

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), (settings.webhook_secret or "").encode()):
            return PlainTextResponse("forbidden", status_code=403)
        body = await request.body()
        try:
            if len(body) > UPDATE_MOST:
                raise ValueError("too large")
            data = json.loads(body)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            update = Update.de_json(data, app.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            _LOGGER.info("webhook: an update that could not be read: %s", error)
            return PlainTextResponse("bad request", status_code=400)
        await app.update_queue.put(update)
        return Response(status_code=200)

    async def opendata(request: Request) -> Response:
        name = request.path_params.get("name") or ""
        package = await app.services.opendata.package()
        if not name:
            listing = "\n".join(sorted(package.files)) + "\n"
            return PlainTextResponse(listing, headers=SAFE)
        content = package.files.get(name)
        if content is None:
            return PlainTextResponse("not found", status_code=404, headers=SAFE)
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        headers = {
            **SAFE,
            "ETag": etag,
            "Last-Modified": formatdate(package.built_at.timestamp(), usegmt=True),
            "Cache-Control": "public, max-age=60",
        }
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        kind = {"csv": "text/csv; charset=utf-8", "json": "application/json"}[
            name.rsplit(".", 1)[1]
        ]
        return Response(content, media_type=kind, headers=headers)

    services = app.services

    def translator_for(request: Request) -> Translator:
        locale = pages.choose_locale(
            request.query_params.get("lang"),
            request.headers.get("accept-language"),
            settings.default_locale,
        )
        return translator(locale, settings.timezone)

    cache = PageCache(services.public.mark, monotonic)

    async def page(request: Request, render: Render) -> Response:
        """A page from the cache while the data did not change (and for a minute at
        most), rendered and kept otherwise; 304 when the browser has it already."""
        t = translator_for(request)
        key = (request.url.path, str(sorted(request.query_params.multi_items())), t.locale)
        content, status, etag = await cache.get(key, lambda: render(t))
        headers = {**PAGE_HEADERS, "ETag": etag, "Cache-Control": "public, max-age=60"}
        if status == 200 and request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(content, status, media_type="text/html; charset=utf-8", headers=headers)

    async def glance(request: Request) -> Response:
        async def render(t: Translator) -> tuple[str, int]:
            found = await services.public.glance()
            sectors = await services.sectors.all()
            return pages.glance(t, found, sectors, pages.Links(t.locale)), 200

        return await page(request, render)

    async def commitments(request: Request) -> Response:
        async def render(t: Translator) -> tuple[str, int]:
            sectors = await services.sectors.all()
            chosen = Filters.read(dict(request.query_params), {s.id for s in sectors})
            items, more = await services.public.commitments(chosen)
            links = pages.Links(t.locale)
            return pages.commitments(t, items, more, chosen, sectors, links), 200

        return await page(request, render)

    async def commitment(request: Request) -> Response:
        async def render(t: Translator) -> tuple[str, int]:
            number = str(request.path_params["number"])
            found = (
                await services.public.commitment(int(number))
                if number.isdigit() and len(number) <= 12
                else None
            )
            if found is None:
                return pages.missing(t, pages.Links(t.locale)), 404
            return pages.commitment(t, *found, pages.Links(t.locale)), 200

        return await page(request, render)

    async def opinions(request: Request) -> Response:
        async def render(t: Translator) -> tuple[str, int]:
            found = await services.public.opinions()
            return pages.opinions(t, found, pages.Links(t.locale)), 200

        return await page(request, render)

    async def style(request: Request) -> Response:
        return Response(STYLE, media_type="text/css", headers=PAGE_HEADERS)

    async def not_found(request: Request, exc: Exception) -> Response:
        t = translator_for(request)
        body = pages.missing(t, pages.Links(t.locale)).encode()
        return Response(body, 404, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)

    routes = [
        Route("/", glance, methods=["GET", "HEAD"]),
        Route("/commitments", commitments, methods=["GET", "HEAD"]),
        Route("/commitments/{number}", commitment, methods=["GET", "HEAD"]),
        Route("/opinions", opinions, methods=["GET", "HEAD"]),
        Route("/static/style.css", style, methods=["GET", "HEAD"]),
        Route("/health", health, methods=["GET", "HEAD"]),
        Route("/opendata/", opendata, methods=["GET", "HEAD"]),
        Route("/opendata/{name}", opendata, methods=["GET", "HEAD"]),
    ]
    if settings.webhook_url:
        path = urlsplit(settings.webhook_url).path or "/"
        routes.append(Route(path, webhook, methods=["POST"]))
    return Starlette(routes=routes, exception_handlers={404: not_found})


Render = Callable[[Translator], Awaitable[tuple[str, int]]]


class PageCache:
    """Rendered pages, kept while the published data do not change: the data's mark is
    read again every few seconds, and a page is kept a minute at most (what is "recent"
    or "ahead" moves with time). So a page reflects a change within seconds, and serving
    the same page again costs a dictionary lookup."""

    RECHECK = 5.0  # seconds between two looks at the data's mark
    LIFE = 60.0  # seconds a page is kept at most
    SIZE = 2000  # pages kept (languages and filters included)

    def __init__(
        self, mark: Callable[[], Awaitable[str]], monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._mark = mark
        self._monotonic = monotonic
        self._seen: str | None = None
        self._checked = -self.RECHECK
        self._pages: OrderedDict[object, tuple[float, bytes, int, str]] = OrderedDict()

    async def get(
        self, key: object, render: Callable[[], Awaitable[tuple[str, int]]]
    ) -> tuple[bytes, int, str]:
        now = self._monotonic()
        if now - self._checked >= self.RECHECK:
            self._checked = now
            mark = await self._mark()
            if mark != self._seen:
                self._seen = mark
                self._pages.clear()
        kept = self._pages.get(key)
        if kept is not None and now - kept[0] < self.LIFE:
            self._pages.move_to_end(key)
            return kept[1], kept[2], kept[3]
        body, status = await render()
        content = body.encode()
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        self._pages[key] = (now, content, status, etag)
        if len(self._pages) > self.SIZE:
            self._pages.popitem(last=False)
        return content, status, etag


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: SIGINT and SIGTERM end the bot (which
    then stops the server), and nothing is raised again after it stopped."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(app: PactApplication, allowed_updates: list[str]) -> None:
    """Run the bot with its web server until SIGINT or SIGTERM: by webhook when
    `WEBHOOK_URL` is set, else by long polling (which deletes a webhook left set, so
    switching back loses no update: Telegram keeps them until one is delivered)."""
    settings = app.services.settings
    config = uvicorn.Config(
        web_app(app),
        host=settings.web_host,
        port=settings.web_port or 8080,
        log_config=None,
        access_log=False,
        lifespan="off",
    )
    server = _Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: setattr(server, "should_exit", True))
    app.on_halt.append(lambda: setattr(server, "should_exit", True))
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    try:
        if settings.webhook_url:
            await app.bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=allowed_updates,
            )
        elif app.updater is not None:
            await app.updater.start_polling(allowed_updates=allowed_updates)
        await app.start()
        try:
            await server.serve()
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
