"""The bot's web server, in its own event loop (one process, one database writer), as
python-telegram-bot documents for a custom webhook server: Starlette on uvicorn.

`GET /health` answers 200 or 503 with JSON for platforms and uptime monitors; with
`WEBHOOK_URL`, Telegram posts updates to its path, each checked against `WEBHOOK_SECRET`
(Telegram's `secret_token`) before it is queued for the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import signal
from collections.abc import Iterator
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


def web_app(app: PactApplication) -> Starlette:
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
            update = Update.de_json(data, app.bot)
        except (ValueError, TypeError, KeyError) as error:
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

    def html(request: Request, body: str, status: int = 200) -> Response:
        content = body.encode()
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        headers = {**PAGE_HEADERS, "ETag": etag, "Cache-Control": "public, max-age=60"}
        if status == 200 and request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(content, status, media_type="text/html; charset=utf-8", headers=headers)

    async def glance(request: Request) -> Response:
        t = translator_for(request)
        found = await services.public.glance()
        return html(
            request, pages.glance(t, found, await services.sectors.all(), pages.Links(t.locale))
        )

    async def commitments(request: Request) -> Response:
        t = translator_for(request)
        sectors = await services.sectors.all()
        chosen = Filters.read(dict(request.query_params), {s.id for s in sectors})
        items, more = await services.public.commitments(chosen)
        return html(
            request, pages.commitments(t, items, more, chosen, sectors, pages.Links(t.locale))
        )

    async def commitment(request: Request) -> Response:
        t = translator_for(request)
        number = str(request.path_params["number"])
        found = (
            await services.public.commitment(int(number))
            if number.isdigit() and len(number) <= 12
            else None
        )
        if found is None:
            return html(request, pages.missing(t, pages.Links(t.locale)), 404)
        return html(request, pages.commitment(t, *found, pages.Links(t.locale)))

    async def opinions(request: Request) -> Response:
        t = translator_for(request)
        return html(
            request, pages.opinions(t, await services.public.opinions(), pages.Links(t.locale))
        )

    async def style(request: Request) -> Response:
        return Response(STYLE, media_type="text/css", headers=PAGE_HEADERS)

    async def not_found(request: Request, exc: Exception) -> Response:
        return html(
            request,
            pages.missing(translator_for(request), pages.Links(translator_for(request).locale)),
            404,
        )

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
