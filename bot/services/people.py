"""People: their language, and whether Telegram still reaches them."""

from __future__ import annotations

from bot import SUPPORTED_LOCALES
from bot.clock import Clock, to_db
from bot.i18n import guess_locale
from bot.storage import people
from bot.storage.db import Database


class People:
    def __init__(self, db: Database, clock: Clock, default_locale: str) -> None:
        self._db = db
        self._clock = clock
        self._default_locale = default_locale
        # Stored locales, read once per person: almost every update needs one.
        self._locales: dict[int, str] = {}

    async def locale_of(self, person_id: int, language_code: str | None) -> str:
        """The stored choice, else the best guess from Telegram's language code."""
        locale = self._locales.get(person_id)
        if locale is None:
            row = await people.get(self._db.reader, person_id)
            if row is None:
                return guess_locale(language_code, self._default_locale)
            locale = self._locales[person_id] = str(row["locale"])
        return locale

    async def greet(self, person_id: int, language_code: str | None) -> tuple[str, bool]:
        """Record a person on first contact, so others' messages to them use their language;
        returns their locale and whether they are new."""
        cached = self._locales.get(person_id)
        if cached is not None:
            return cached, False
        row = await people.get(self._db.reader, person_id)
        if row is not None:
            self._locales[person_id] = str(row["locale"])
            return str(row["locale"]), False
        locale = guess_locale(language_code, self._default_locale)
        await people.insert_if_missing(self._db, person_id, locale, to_db(self._clock.now()))
        self._locales[person_id] = locale
        return locale, True

    async def set_locale(self, person_id: int, locale: str) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        await people.set_locale(self._db, person_id, locale, to_db(self._clock.now()))
        self._locales[person_id] = locale

    async def mark_unreachable(self, person_id: int) -> None:
        async with self._db.transaction() as tx:
            await people.set_reachable(tx, person_id, False)

    async def mark_reachable(self, person_id: int) -> None:
        async with self._db.transaction() as tx:
            await people.set_reachable(tx, person_id, True)

    def forget_cached(self, person_id: int) -> None:
        self._locales.pop(person_id, None)
