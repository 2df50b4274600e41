"""The per-update context: the person's translator and the services, never a global."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from telegram import Update
from telegram.ext import Application, CallbackContext, Job

from bot.botapi import PactBot
from bot.i18n import Translator, translator

if TYPE_CHECKING:
    from bot.app import PactApplication
    from bot.services import Services


class PactContext(CallbackContext[PactBot, dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.person_id: int | None = user_id
        self.language_code: str | None = None
        self._i18n: Translator | None = None
        self.answered = False  # whether this update's button press has been answered
        self.flow_before: str | None = None  # the person's flow state before this update
        # A button whose answer comes as a new message, its own message left as it is
        # (the desk's menu stays where it is).
        self.answer_below = False

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> PactContext:
        context = super().from_update(update, application)
        if isinstance(update, Update) and update.effective_user:
            context.person_id = update.effective_user.id
            context.language_code = update.effective_user.language_code
        return context

    @classmethod
    def from_job(
        cls, job: Job[Any], application: Application[Any, Any, Any, Any, Any, Any]
    ) -> PactContext:
        context = super().from_job(job, application)
        context.person_id = job.user_id
        return context

    async def refresh_data(self) -> None:
        await super().refresh_data()
        if self._i18n is None:
            await self.load_locale()

    async def load_locale(self) -> Translator:
        """The person's stored language, their Telegram language, or the default."""
        settings = self.services.settings
        locale = settings.default_locale
        if self.person_id is not None:
            locale, _new = await self.services.people.greet(self.person_id, self.language_code)
        self._i18n = translator(locale, settings.timezone)
        return self._i18n

    async def translator_of(self, person_id: int) -> Translator:
        """Someone else's language (as they chose it), for a message to them."""
        settings = self.services.settings
        locale = await self.services.people.locale_of(person_id, None)
        return translator(locale, settings.timezone)

    def use_locale(self, locale: str) -> Translator:
        self._i18n = translator(locale, self.services.settings.timezone)
        return self._i18n

    @property
    def person(self) -> int:
        """The Telegram id of the person this update is from (flows always have one)."""
        if self.person_id is None:
            raise RuntimeError("this update has no person")
        return self.person_id

    @property
    def i18n(self) -> Translator:
        if self._i18n is None:
            settings = self.services.settings
            self._i18n = translator(settings.default_locale, settings.timezone)
        return self._i18n

    @property
    def services(self) -> Services:
        return cast("PactApplication", self.application).services
