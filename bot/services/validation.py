"""Checks for everything a person can type; each failure says how to fix it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from babel.dates import format_date, parse_date
from babel.numbers import NumberFormatError, parse_decimal

from bot.i18n import N_, babel_locale
from bot.services.errors import Invalid

_SPACES = re.compile(r"\s+")


def text(value: str, *, max_length: int, single_line: bool = False, min_length: int = 1) -> str:
    """Trimmed text within its limits."""
    cleaned = value.strip()
    if single_line:
        cleaned = _SPACES.sub(" ", cleaned)
    if len(cleaned) < min_length:
        raise Invalid(N_("This is too short: write at least {min} characters."), min=min_length)
    if len(cleaned) > max_length:
        raise Invalid(
            N_(
                "This is too long: at most {max} characters, yours has {length}. "
                "Shorten it and send it again."
            ),
            max=max_length,
            length=len(cleaned),
        )
    return cleaned


def name_key(name: str) -> str:
    """A name without case, accents, punctuation or spacing, to find the same organisation."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def website(value: str) -> str:
    """An http(s) address; `www.example.be` becomes `https://www.example.be`."""
    candidate = value.strip()
    if "://" not in candidate:
        candidate = "https://" + candidate
    parts = urlsplit(candidate)
    host = parts.hostname or ""
    if (
        parts.scheme not in ("http", "https")
        or "." not in host
        or " " in candidate
        or len(candidate) > 200
        or not all(label for label in host.split("."))
    ):
        raise Invalid(N_("That is not a web address. Send one like www.example.be, or press Skip."))
    return candidate


def due_date(value: str, locale: str, today: dt.date) -> dt.date:
    """A date typed the way the person's locale writes it (or as 2026-12-31), not past."""
    typed = value.strip()
    day: dt.date | None = None
    try:
        day = dt.date.fromisoformat(typed)
    except ValueError:
        try:
            day = parse_date(typed, locale=babel_locale(locale))
        except (ValueError, IndexError):
            day = None
    example = format_date(dt.date(today.year, 12, 31), "short", locale=babel_locale(locale))
    if day is None or day.year < 1000:
        raise Invalid(N_("I cannot read that date. Write it like {example}."), example=example)
    if day < today:
        raise Invalid(
            N_("That date is in the past. Choose today or a later date, like {example}."),
            example=format_date(today, "short", locale=babel_locale(locale)),
        )
    return day


def number(value: str, locale: str) -> float:
    """A number as people type it: 2,5 or 2.5 alike; 1.000 in Dutch is a thousand."""
    typed = value.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    separators = [ch for ch in typed if ch in ",."]
    if len(separators) == 1:
        whole, _, fraction = typed.replace(",", ".").partition(".")
        group = babel_locale(locale).number_symbols["latn"]["group"]
        is_grouping = separators[0] == group and len(fraction) == 3
        typed = whole + fraction if is_grouping else f"{whole}.{fraction}"
    parsed: Decimal | None
    try:
        parsed = (
            Decimal(typed)
            if len(separators) <= 1
            else parse_decimal(typed, locale=babel_locale(locale), strict=True)
        )
    except (NumberFormatError, InvalidOperation):
        parsed = None
    if parsed is None or not parsed.is_finite() or abs(parsed) > Decimal(10) ** 12:
        raise Invalid(N_("That is not a number. Send a number such as 10 or 2.5."))
    return float(parsed)
