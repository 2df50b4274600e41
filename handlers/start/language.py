"""/language: switch between Nederlands, Français and English."""

from __future__ import annotations

from telegram import Update

from bot import SUPPORTED_LOCALES
from bot.botapi import Markup
from bot.context import PactContext
from bot.i18n import LANGUAGE_NAMES
from handlers.kit.common import keyboard, no_longer_valid, refuse, send, show, user_id_of
from handlers.kit.menus import publish_team_commands


def language_keyboard(current: str) -> Markup:
    return keyboard(
        [
            [
                (("✓ " if code == current else "") + LANGUAGE_NAMES[code], f"lang:set:{code}")
                for code in SUPPORTED_LOCALES
            ]
        ]
    )


async def welcome_keyboard(context: PactContext, person_id: int) -> Markup:
    """The languages; for the pact team, their desk; for someone who is no contact yet,
    registering: most people come for that, and it is one tap away."""
    t = context.i18n
    markup = language_keyboard(t.locale)
    first: Markup | None = None
    if await context.services.team.is_member(person_id):
        first = keyboard([[(t.gettext("🗂 The team's desk"), "adm:menu:")]])
    elif await context.services.organisations.of_contact(person_id) is None:
        first = keyboard([[(t.gettext("🏢 Register your organisation"), "reg:start:")]])
    if first is not None:
        markup = {"inline_keyboard": first["inline_keyboard"] + markup["inline_keyboard"]}
    return markup


async def choose(update: Update, context: PactContext) -> None:
    """Shows the three languages as buttons, the current one ticked."""
    t = context.i18n
    await send(update, context, t.gettext("Choose your language."), language_keyboard(t.locale))


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`lang:set:<code>`: store the choice and answer in the new language."""
    if action != "set" or value not in SUPPORTED_LOCALES:
        await refuse(update, context, no_longer_valid())
        return
    person_id = user_id_of(update)
    await context.services.people.set_locale(person_id, value)
    t = context.use_locale(value)
    if await context.services.team.is_member(person_id):
        await publish_team_commands(context, person_id, t)
    text = t.gettext("From now on I speak English with you. Type /help to see what I can do.")
    await show(update, context, text, await welcome_keyboard(context, person_id))
