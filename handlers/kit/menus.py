"""The command menus Telegram shows: per language for everyone, per chat for the team.
The commands are the features' own (`Feature.commands`), in the features' order."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot import SUPPORTED_LOCALES
from bot.i18n import Translator, translator
from handlers.kit.feature import Wiring, wiring

if TYPE_CHECKING:
    from bot.app import PactApplication
    from bot.context import PactContext

_LOGGER = logging.getLogger(__name__)


def bot_commands(wired: Wiring, t: Translator, *, team: bool) -> list[BotCommand]:
    return [BotCommand(c.name, t.gettext(c.description)) for c in wired.menu(team=team)]


async def publish_commands(app: PactApplication) -> None:
    """At start-up: the menu in each language, and the team menu in each member's chat."""
    wired = app.wiring
    assert isinstance(wired, Wiring)
    services = app.services
    tz = services.settings.timezone
    default = translator(services.settings.default_locale, tz)
    await app.bot.set_my_commands(bot_commands(wired, default, team=False))
    for locale in SUPPORTED_LOCALES:
        t = translator(locale, tz)
        await app.bot.set_my_commands(bot_commands(wired, t, team=False), language_code=locale)
    for member_id in sorted(await services.team.member_ids()):
        locale = await services.people.locale_of(member_id, None)
        await _set_team_menu(app.bot, wired, member_id, translator(locale, tz))


async def publish_team_commands(context: PactContext, person_id: int, t: Translator) -> None:
    """A team member's menu, in their language `t`."""
    await _set_team_menu(context.bot, wiring(context), person_id, t)


async def withdraw_team_commands(context: PactContext, person_id: int) -> None:
    try:
        await context.bot.delete_my_commands(scope=BotCommandScopeChat(person_id))
    except TelegramError as exc:
        _LOGGER.info("could not remove the team menu of %s: %s", person_id, exc)


async def _set_team_menu(bot: Bot, wired: Wiring, person_id: int, t: Translator) -> None:
    try:
        await bot.set_my_commands(
            bot_commands(wired, t, team=True), scope=BotCommandScopeChat(person_id)
        )
    except TelegramError as exc:
        # A member who never opened a chat with the bot has no chat to scope to yet.
        _LOGGER.info("could not set the team menu of %s: %s", person_id, exc)
