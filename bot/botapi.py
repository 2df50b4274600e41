"""The bot's Bot API client: PTB's `ExtBot`, plus plain-JSON calls for the hot path.

Every update ends in a reply (a question, a card, a button answer). PTB's typed methods
turn each of Telegram's answers into objects (a whole `Message` per reply) that the
handlers never read, and serialise keyboards through its object model; on this bot that
was a third of the time per update. `call` sends JSON parameters and returns Telegram's
JSON answer through PTB's public `do_api_request`, with the same rate limiter and the
same error mapping (`RetryAfter`, `Forbidden`, `BadRequest`, `TimedOut`, ...); each call
states its own `parse_mode` and link preview. Everything else uses PTB's typed methods.
Every text is cut to Telegram's limit as a last resort (`fit`); views fit by design.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from telegram import InlineKeyboardMarkup
from telegram.ext import ExtBot

from bot.delivery.kinds import Document, Markup, Outgoing, Photo, Text
from bot.measure import fitting, units

__all__ = ["Markup", "PactBot", "fit", "shown_length"]

_LOGGER = logging.getLogger(__name__)
TEXT_LIMIT = 4096  # what Telegram shows of a message, after its HTML is read
CAPTION_LIMIT = 1024
FILE_IDS_KEPT = 1024  # pictures whose file id is remembered, the latest
_TAG = re.compile(r"<[^<>]*>")


def shown_length(text: str) -> int:
    """How long an HTML text is as Telegram counts it: without tags, in UTF-16 units."""
    return units(html.unescape(_TAG.sub("", text)))


def fit(text: str, limit: int = TEXT_LIMIT) -> str:
    """The text, or as many of its first lines as fit, then "…". Views are made to fit by
    design (pages, budgets); this only keeps a message Telegram would refuse from being
    lost."""
    if len(text) <= limit // 2 or shown_length(text) <= limit:  # the first test is free
        return text
    _LOGGER.warning("a message of %d characters was cut to %d", shown_length(text), limit)
    kept: list[str] = []
    for line in text.split("\n"):
        if shown_length("\n".join([*kept, line, "…"])) > limit:
            break
        kept.append(line)
    if not kept:  # one long line: its plain text, cut
        plain = html.unescape(_TAG.sub("", text))
        return html.escape(plain[: fitting(plain, limit - 1)], quote=False) + "…"
    return "\n".join([*kept, "…"])


_NO_PREVIEW = {"is_disabled": True}


class PactBot(ExtBot[Any]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Pictures sent before, by their content's key: Telegram's file id, to send them
        # again without uploading them (a digest chart goes to thousands of people).
        self._file_ids: dict[str, str] = {}

    async def call(self, method: str, params: dict[str, Any]) -> Any:
        """A Bot API method with JSON parameters (no None values); Telegram's JSON result.

        The method goes by its name in lower case ("sendmessage"): the Bot API takes method
        names in any case, and PTB's `do_api_request` warns when given a name it has a
        typed method for."""
        return await self.do_api_request(method.lower(), params)

    async def send_text(self, chat_id: int | str, text: str, markup: Markup | None = None) -> int:
        """An HTML message without link previews; the new message's id."""
        sent = await self.call("sendMessage", _text(chat_id, text, markup))
        return int(sent["message_id"])

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: Markup | None = None
    ) -> None:
        await self.call(
            "editMessageText", {**_text(chat_id, text, markup), "message_id": message_id}
        )

    async def edit_markup(self, chat_id: int, message_id: int, markup: Markup) -> None:
        await self.call(
            "editMessageReplyMarkup",
            {"chat_id": chat_id, "message_id": message_id, "reply_markup": markup},
        )

    async def answer_button(self, query_id: str, text: str | None, alert: bool) -> None:
        params: dict[str, Any] = {"callback_query_id": query_id}
        if text is not None:
            params["text"] = text
            params["show_alert"] = alert
        await self.call("answerCallbackQuery", params)

    async def deliver(self, chat_id: int | str, outgoing: Outgoing, *, paid: bool = False) -> None:
        """What the dispatcher renders: a message, a file or a picture; `paid` sends it as
        a paid broadcast (`allow_paid_broadcast`), outside the free 30 a second."""
        if isinstance(outgoing, Text):
            params = _text(chat_id, outgoing.text, outgoing.markup)
            if paid:
                params["allow_paid_broadcast"] = True
            await self.call("sendMessage", params)
        elif isinstance(outgoing, Photo):
            await self._send_photo(chat_id, outgoing, paid)
        elif isinstance(outgoing, Document):
            await self.send_document(
                chat_id,
                document=outgoing.content,
                filename=outgoing.filename,
                caption=fit(outgoing.caption, CAPTION_LIMIT) if outgoing.caption else None,
                allow_paid_broadcast=paid or None,
            )

    async def _send_photo(self, chat_id: int | str, photo: Photo, paid: bool) -> None:
        extra: dict[str, Any] = {}
        if photo.caption:
            extra.update(caption=fit(photo.caption, CAPTION_LIMIT), parse_mode="HTML")
        if photo.markup is not None:
            extra["reply_markup"] = photo.markup
        if paid:
            extra["allow_paid_broadcast"] = True
        known = self._file_ids.get(photo.key)
        if known is not None:
            await self.call("sendPhoto", {"chat_id": chat_id, "photo": known, **extra})
            return
        sent = await self.send_photo(
            chat_id,
            photo=photo.content,
            filename=f"{photo.key[:40]}.png",
            caption=extra.get("caption"),
            reply_markup=InlineKeyboardMarkup.de_json(photo.markup, self) if photo.markup else None,
            allow_paid_broadcast=paid or None,
        )
        if sent.photo:
            if len(self._file_ids) >= FILE_IDS_KEPT:
                del self._file_ids[next(iter(self._file_ids))]  # the oldest
            self._file_ids[photo.key] = sent.photo[-1].file_id


def _text(chat_id: int | str, text: str, markup: Markup | None) -> dict[str, Any]:
    params: dict[str, Any] = {
        "chat_id": chat_id,
        "text": fit(text),
        "parse_mode": "HTML",
        "link_preview_options": _NO_PREVIEW,
    }
    if markup is not None:
        params["reply_markup"] = markup
    return params
