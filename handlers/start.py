"""/start: welcome, language choice, privacy line, and deep-link payloads."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.context import PactContext
from handlers.common import send, user_id_of
from handlers.language import welcome_keyboard

DeepLink = Callable[[Update, PactContext, str], Awaitable[None]]

# Payload prefix → handler, e.g. "join" for `/start join_<code>`; features add theirs in
# handlers/__init__.py.
DEEP_LINKS: dict[str, DeepLink] = {}


async def start(update: Update, context: PactContext) -> None:
    """A new person sees a welcome in their language with language buttons; a deep link
    goes to the feature that made it."""
    locale, _new = await context.services.people.greet(user_id_of(update), context.language_code)
    t = context.use_locale(locale)
    payload = context.args[0] if context.args else ""
    if payload:
        prefix, _, value = payload.partition("_")
        link = DEEP_LINKS.get(prefix)
        if link is not None:
            await link(update, context, value)
            return
        await send(update, context, t.gettext("This link is not valid (any more)."))
    markup = await welcome_keyboard(context, user_id_of(update))
    await send(update, context, welcome_text(context), markup)


def welcome_text(context: PactContext) -> str:
    t = context.i18n
    return "\n\n".join(
        (
            t.gettext("<b>Welcome to Pactbot</b>, the bot of the integration pact."),
            t.gettext(
                "Organisations record here what they commit to, follow up their progress, meet "
                "per sector and endorse the pact's opinion text."
            ),
            t.gettext("Choose your language below, or type /help to see what I can do."),
            t.gettext("Privacy: I only store what you tell me. /privacy says what and why."),
        )
    )
