"""Translations and locale-aware formatting.

Catalogs are the `.po` files shipped in the package; they are compiled in memory when
first used, so nobody ever compiles them by hand. A `Translator` carries one person's
locale and the configured time zone; it is made per update, never kept in a global.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import re
from decimal import Decimal
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime, format_time, get_day_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from bot import SUPPORTED_LOCALES

# Babel locales for display: Belgian conventions for Dutch and French; British English,
# whose readers expect 1,234.5 rather than the 1.234,5 of en_BE.
_BABEL_LOCALE = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}

LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated later, where it is shown."""
    return message


@cache
def babel_locale(locale: str) -> Locale:
    """The Babel locale used to show and read dates and numbers for one of our locales."""
    return Locale.parse(_BABEL_LOCALE[locale])


def locales_dir() -> Traversable:
    """The catalogs: inside the installed package, or the top-level folder of a checkout."""
    packaged = resources.files("bot").joinpath("locales")
    if packaged.is_dir():
        return packaged
    return resources.files("bot").joinpath("..", "locales")


@cache
def _translations(locale: str) -> gettext.NullTranslations:
    po = locales_dir().joinpath(locale, "LC_MESSAGES", "messages.po")
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def preload() -> None:
    """Compile every catalog now (at start-up) rather than on the first message."""
    for locale in SUPPORTED_LOCALES:
        _translations(locale)


@cache
def _short_date_pattern(locale: str) -> str:
    """The locale's short date, with the year in full: 31/12/2026, not 31/12/26."""
    pattern = str(babel_locale(locale).date_formats["short"].pattern)
    return re.sub(r"(?<!y)yy(?!y)", "y", pattern)


@lru_cache(maxsize=4096)
def short_date(day: dt.date, locale: str) -> str:
    """A date as people of `locale` write it, four-digit year (what examples show)."""
    return str(format_date(day, _short_date_pattern(locale), locale=babel_locale(locale)))


# Babel's formatting, kept for the values a bot shows again and again (the same dates,
# small numbers): the result depends on nothing but the arguments.
@lru_cache(maxsize=4096)
def _date(day: dt.date, format: str, locale: str) -> str:
    return str(format_date(day, format, locale=babel_locale(locale)))


@lru_cache(maxsize=4096)
def _number(value: int | float | Decimal, kind: str, locale: str) -> str:
    return str(format_decimal(value, locale=babel_locale(locale)))


@lru_cache(maxsize=4096)
def _percent(fraction: float | Decimal, kind: str, locale: str) -> str:
    return str(format_percent(fraction, locale=babel_locale(locale)))


def guess_locale(language_code: str | None, default: str) -> str:
    """The supported locale closest to Telegram's `language_code` (e.g. `fr-BE` → `fr`)."""
    if language_code:
        base = language_code.replace("_", "-").split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


@cache
def translator(locale: str, tz: ZoneInfo) -> Translator:
    """Translators are immutable: one per locale and time zone serves every update."""
    return Translator(locale, tz)


class Translator:
    """One person's language and the pact's time zone."""

    __slots__ = ("_t", "babel_locale", "locale", "tz")

    def __init__(self, locale: str, tz: ZoneInfo) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        self.locale = locale
        self.tz = tz
        self.babel_locale = babel_locale(locale)
        self._t = _translations(locale)

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    def date(self, day: dt.date | dt.datetime, format: str = "medium") -> str:
        if isinstance(day, dt.datetime):
            day = day.astimezone(self.tz).date()
        if format == "short":
            return short_date(day, self.locale)
        return _date(day, format, self.locale)

    def datetime(self, moment: dt.datetime, format: str = "medium") -> str:
        if format == "short":
            return f"{self.date(moment, 'short')} {self.time(moment)}"
        return str(format_datetime(moment, format, tzinfo=self.tz, locale=self.babel_locale))

    def time(self, moment: dt.datetime, format: str = "short") -> str:
        return str(format_time(moment, format, tzinfo=self.tz, locale=self.babel_locale))

    def weekday(self, day: int) -> str:
        """A day of the week (Monday 0) as it reads inside a sentence: "maandag", "lundi",
        "Monday"."""
        return str(get_day_names("wide", context="format", locale=self.babel_locale)[day])

    def number(self, value: int | float | Decimal) -> str:
        return _number(value, type(value).__name__, self.locale)  # 1 and 1.0: one key each

    def percent(self, fraction: float | Decimal) -> str:
        return _percent(fraction, type(fraction).__name__, self.locale)


def catalog_path(locale: str) -> Path:
    """The `.po` file of a locale in a source checkout (for tooling and tests)."""
    return Path(str(locales_dir().joinpath(locale, "LC_MESSAGES", "messages.po")))
