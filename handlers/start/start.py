"""/start: welcome, language choice, privacy line, and deep-link payloads."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from handlers.kit.common import send, user_id_of
from handlers.kit.feature import wiring
from handlers.start.language import welcome_keyboard


async def start(update: Update, context: PactContext) -> None:
    """A new person sees a welcome in their language with language buttons; a deep link
    goes to the feature that made it."""
    locale, _new = await context.services.people.greet(user_id_of(update), context.language_code)
    t = context.use_locale(locale)
    payload = context.args[0] if context.args else ""
    if payload:
        prefix, _, value = payload.partition("_")
        link = wiring(context).deep_links.get(prefix)  # a feature's `deep_links`
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
