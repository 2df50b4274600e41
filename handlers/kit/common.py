"""Small helpers every handler module uses: replying, refusing, buttons."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Sequence, Sized

from telegram import Update
from telegram.error import BadRequest

from bot.botapi import Markup
from bot.context import PactContext
from bot.i18n import N_, Translator
from bot.measure import cut
from bot.services.errors import NotAllowed, ServiceError
from bot.services.sectors import Sector

Buttons = Sequence[Sequence[tuple[str, str]]]

_LOGGER = logging.getLogger(__name__)


def esc(text: object) -> str:
    """Escape anything a person typed before it goes into an HTML message."""
    return html.escape(str(text), quote=False)


LABEL_MOST = 64  # of a button's label, as Telegram counts; a phone shows less anyway


def keyboard(rows: Buttons) -> Markup:
    """Rows of (label, callback data); a label longer than a button is cut with "…"."""
    return {
        "inline_keyboard": [
            [{"text": cut(label, LABEL_MOST), "callback_data": data} for label, data in row]
            for row in rows
        ]
    }


def chat_id_of(update: Update) -> int:
    if update.effective_chat is None:
        raise ValueError("update without a chat")
    return update.effective_chat.id


async def send(
    update: Update, context: PactContext, text: str, markup: Markup | None = None
) -> int:
    """A new message in this chat; its id."""
    return await context.bot.send_text(chat_id_of(update), text, markup)


async def answer(
    update: Update, context: PactContext, text: str | None = None, alert: bool = False
) -> None:
    """Answer a button press once; Telegram refuses a second answer to the same press."""
    query = update.callback_query
    if query is None or context.answered:
        return
    context.answered = True
    try:
        await context.bot.answer_button(query.id, text, alert)
    except BadRequest as error:
        message = error.message.lower()
        if "query is too old" not in message and "query id is invalid" not in message:
            raise
        # Pressed while the bot was down: too late to answer the press, not to act on it.
        _LOGGER.info("a button press could not be answered: %s", error.message)


async def show(
    update: Update, context: PactContext, text: str, markup: Markup | None = None
) -> int:
    """Answer a button press by replacing its message; answer a typed message with a new one.
    A message Telegram will not edit (deleted, or too old) is shown as a new one. Returns
    the id of the message that shows it."""
    query = update.callback_query
    if query is not None and query.message is not None and not context.answer_below:
        await answer(update, context)
        message_id = query.message.message_id
        try:
            await context.bot.edit_text(query.message.chat.id, message_id, text, markup)
            return message_id
        except BadRequest as error:
            if "not modified" in error.message:
                return message_id  # pressed twice: it already shows this
            _LOGGER.info("showing as a new message: %s", error.message)
    return await send(update, context, text, markup)


def error_text(context: PactContext, error: ServiceError) -> str:
    """The refusal in the person's language, dates and times as they write them."""
    t = context.i18n
    params: dict[str, object] = {}
    for key, value in error.params.items():
        if isinstance(value, dt.datetime):
            params[key] = f"{t.date(value, 'short')} {t.time(value, 'short')}"
        elif isinstance(value, dt.date):
            params[key] = t.date(value, "short")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            params[key] = t.number(value)
        else:
            params[key] = esc(value) if isinstance(value, str) else value
    return t.gettext(error.message).format(**params)


async def refuse(update: Update, context: PactContext, error: ServiceError) -> None:
    """Say no politely: as a pop-up on a button press, as a message otherwise."""
    text = error_text(context, error)
    if update.callback_query is not None and not context.answered:
        await answer(update, context, text, alert=True)
    else:
        await send(update, context, text)


def end_flow(context: PactContext) -> None:
    """End the flow this person is in, if any, with its draft."""
    if context.user_data is not None:
        context.user_data.pop("flow", None)
        context.user_data.pop("draft", None)


def no_longer_valid() -> NotAllowed:
    """The refusal of a button that is old, forged, or of something that changed."""
    return NotAllowed(N_("This button is no longer valid."))


_ID = re.compile(r"[0-9]{1,15}")


def parse_id(value: str) -> int:
    """An id from a button's data: ASCII digits that fit the database, or a polite refusal
    (forged data may hold anything: "⓶", a 30-digit number, nothing)."""
    if not _ID.fullmatch(value):
        raise no_longer_valid()
    return int(value)


PAGE_MOST = 100_000  # a page number no list of the pact reaches
_PAGE = re.compile(r"[0-9]{1,6}")
MOMENTS = (dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


def parse_page(value: str) -> int:
    """A page number from a button's data (0 when empty), or a polite refusal."""
    if value == "":
        return 0
    if not _PAGE.fullmatch(value) or int(value) > PAGE_MOST:
        raise no_longer_valid()
    return int(value)


def parse_moment(value: str) -> dt.datetime:
    """A moment (seconds since 1970) from a button's data, within the years the bot can
    have made it, or a polite refusal."""
    seconds = parse_id(value)
    if not MOMENTS[0].timestamp() <= seconds < MOMENTS[1].timestamp():
        raise no_longer_valid()
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def page_shown(page: int, items: Sized) -> None:
    """A page past the last (an old or forged button) is refused, not shown empty."""
    if page > 0 and not items:
        raise no_longer_valid()


def callback_number(update: Update) -> int:
    """The id at the end of a button's data (`area:action:<id>`), or a polite refusal."""
    query = update.callback_query
    return parse_id((query.data or "").rsplit(":", 1)[-1] if query else "")


def user_id_of(update: Update) -> int:
    if update.effective_user is None:
        raise ValueError("update without a user")
    return update.effective_user.id


def sector_boxes(
    t: Translator, sectors: Sequence[Sector], chosen: Sequence[int], area: str
) -> list[list[tuple[str, str]]]:
    """A tick box a sector, one a row: `<area>:sector:<id>` (see `toggle_sector`)."""
    return [
        [(("☑ " if s.id in chosen else "☐ ") + s.name(t.locale), f"{area}:sector:{s.id}")]
        for s in sectors
    ]


async def toggle_sector(context: PactContext, chosen: list[int], value: str) -> None:
    """The sector a tick box names, ticked or unticked in `chosen` (a forged one refused)."""
    sector_id = (await context.services.sectors.get(parse_id(value))).id
    chosen.remove(sector_id) if sector_id in chosen else chosen.append(sector_id)
