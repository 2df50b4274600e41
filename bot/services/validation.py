"""Checks for everything a person can type; each failure says how to fix it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, DecimalException, InvalidOperation
from urllib.parse import urlsplit

from babel.dates import parse_date
from babel.numbers import NumberFormatError, parse_decimal

from bot.i18n import N_, babel_locale, short_date
from bot.measure import units
from bot.services.errors import Invalid

_SPACES = re.compile(r"\s+")


def text(value: str, *, max_length: int, single_line: bool = False, min_length: int = 1) -> str:
    """Trimmed text within its limits."""
    cleaned = value.strip()
    if single_line:
        cleaned = _SPACES.sub(" ", cleaned)
    length = units(cleaned)  # as Telegram counts: an emoji is two
    if length < min_length:
        raise Invalid(N_("This is too short: write at least {min} characters."), min=min_length)
    if length > max_length:
        raise Invalid(
            N_(
                "This is too long: at most {max} characters, yours has {length}. "
                "Shorten it and send it again."
            ),
            max=max_length,
            length=length,
        )
    return cleaned


def telegram_id(value: str) -> int:
    """A Telegram user id as someone types it: a positive whole number (Telegram's fit in
    52 bits)."""
    typed = value.strip()
    if not re.fullmatch(r"[0-9]{1,16}", typed) or not 0 < int(typed) < 2**52:
        raise Invalid(
            N_("A Telegram user id is a number, such as 123456789. You typed: {text}"),
            text=typed[:40],
        )
    return int(typed)


def name_key(name: str) -> str:
    """A name without case, accents, punctuation or spacing, to find the same organisation."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def website(value: str) -> str:
    """An http(s) address; `www.example.be` becomes `https://www.example.be`."""
    candidate = value.strip()
    if "://" not in candidate:
        candidate = "https://" + candidate
    try:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
    except ValueError:  # "[", a port that is not a number…
        raise Invalid(
            N_("That is not a web address. Send one like www.example.be, or press Skip.")
        ) from None
    if (
        parts.scheme not in ("http", "https")
        or "." not in host
        or " " in candidate
        or len(candidate) > 200
        or not all(label for label in host.split("."))
    ):
        raise Invalid(N_("That is not a web address. Send one like www.example.be, or press Skip."))
    return candidate


def _day(typed: str, locale: str) -> dt.date | None:
    """A date as the locale writes it or as 2026-12-31, or None. A number of more than
    four digits (a year 99999999999) is refused before Babel or `datetime` see it."""
    if len(typed) > DATE_TYPED_MAX or _LONG_NUMBER.search(typed):
        return None
    try:
        return dt.date.fromisoformat(typed)
    except ValueError:
        pass
    try:
        day = parse_date(typed, locale=babel_locale(locale))
    except (ValueError, IndexError, OverflowError, TypeError):
        return None
    return day if isinstance(day, dt.date) else None


DATE_TYPED_MAX = 40
_LONG_NUMBER = re.compile(r"\d{5,}")


def due_date(value: str, locale: str, today: dt.date) -> dt.date:
    """A date typed the way the person's locale writes it (or as 2026-12-31), not past."""
    day = _day(value.strip(), locale)
    example = short_date(dt.date(today.year, 12, 31), locale)
    if day is None or day.year < 1000:
        raise Invalid(N_("I cannot read that date. Write it like {example}."), example=example)
    if day < today:
        raise Invalid(
            N_("That date is in the past. Choose today or a later date, like {example}."),
            example=short_date(today, locale),
        )
    return due_in_range(day, today)


DUE_YEARS_AHEAD = 10  # an engagement of the pact is due within ten years
SESSION_YEARS_AHEAD = 2  # a session is scheduled within two years


def _years_later(moment: dt.datetime, years: int) -> dt.datetime:
    return moment.replace(
        year=moment.year + years, day=min(moment.day, 28) if moment.month == 2 else moment.day
    )


def due_in_range(day: dt.date, today: dt.date) -> dt.date:
    """A due date within ten years, for the pact's horizon (and so that every date the bot
    works out from it exists)."""
    latest = today.replace(year=today.year + DUE_YEARS_AHEAD, day=min(today.day, 28))
    if day > latest:
        raise Invalid(
            N_("That is too far ahead: choose a date within ten years, at the latest {latest}."),
            latest=latest,
        )
    return day


def moment_in_range(moment: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A session's start within two years from now."""
    latest = _years_later(now, SESSION_YEARS_AHEAD)
    if moment > latest:
        raise Invalid(
            N_("That is too far ahead: choose a moment within two years, at the latest {latest}."),
            latest=latest,
        )
    return moment


def number(value: str, locale: str) -> float:
    """A number as people type it: 2,5 or 2.5 alike; 1.000 in Dutch is a thousand. Its
    size is checked before any arithmetic (1e999999999 is refused, not computed)."""
    typed = value.strip().replace(" ", "").replace("\u202f", "").replace("\xa0", "")
    if len(typed) > NUMBER_TYPED_MAX:
        raise _out_of_range()
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
    except (NumberFormatError, InvalidOperation, ValueError, DecimalException):
        parsed = None
    if parsed is None or not parsed.is_finite():
        raise Invalid(N_("That is not a number. Send a number such as 10 or 2.5."))
    if parsed.is_zero():
        return 0.0
    _sign, digits, exponent = parsed.as_tuple()
    assert isinstance(exponent, int)  # a finite number
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    decimals = max(0, -(exponent + trailing))  # 2.50 has one decimal
    if parsed.adjusted() >= NUMBER_DIGITS or decimals > NUMBER_DECIMALS:
        raise _out_of_range()
    if abs(parsed) > NUMBER_LIMIT:  # both sides are small now: a cheap comparison
        raise _out_of_range()
    return float(parsed)


def _out_of_range() -> Invalid:
    return Invalid(
        N_("Send a number between {low} and {high}, with at most {decimals} decimals."),
        low=-NUMBER_LIMIT,
        high=NUMBER_LIMIT,
        decimals=NUMBER_DECIMALS,
    )


NUMBER_LIMIT = 1_000_000_000  # indicators count people, hours, euros: far below this
NUMBER_DIGITS = 10  # digits before the decimal point of anything within the limit
NUMBER_DECIMALS = 4
NUMBER_TYPED_MAX = 40  # characters: a number within the limits is never longer


_DURATION = re.compile(
    r"^\s*(?:(?P<h>\d{1,2})\s*(?:h|u|uur|heures?|hours?|:)\s*(?P<m>\d{1,2})?\s*(?:m|min)?|(?P<only>\d{1,3})\s*(?:m|min|minutes?|minuten)?)\s*$",
    re.IGNORECASE,
)


def moment(value: str, locale: str, tz: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """A date and time typed the way the person's locale writes them (30/11/2026 14:30,
    or 2026-11-30 14:30), in the pact's time zone, later than now; returned in UTC."""
    typed = value.strip().replace(" om ", " ").replace(" à ", " ").replace(" at ", " ")
    day_text, _, time_text = typed.rpartition(" ")
    example = format_datetime_example(locale, tz, now)
    day = _day(day_text.strip(), locale)
    match = re.fullmatch(r"(\d{1,2})[:h.u](\d{2})", time_text.strip().lower())
    if day is None or match is None or day.year < 1000:
        raise Invalid(
            N_("I cannot read that date and time. Write it like {example}."), example=example
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise Invalid(
            N_("I cannot read that date and time. Write it like {example}."), example=example
        )
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    result = local.astimezone(dt.UTC)
    if result <= now:
        raise Invalid(
            N_("That moment is in the past. Choose a later one, like {example}."), example=example
        )
    return moment_in_range(result, now)


def example_moment(tz: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    """A moment to show as an example: a week from now at 14:30 in the pact's time zone."""
    later = (now + dt.timedelta(days=7)).astimezone(tz)
    return dt.datetime(later.year, later.month, later.day, 14, 30, tzinfo=tz)


def format_datetime_example(locale: str, tz: dt.tzinfo, now: dt.datetime) -> str:
    """That example as the person would type it."""
    return f"{short_date(example_moment(tz, now).date(), locale)} 14:30"


def duration(value: str) -> int:
    """Minutes, from 90, 90 min, 1h30, 1:30 or 2h; between 10 minutes and 12 hours."""
    match = _DURATION.match(value)
    minutes = None
    if match:
        if match.group("only"):
            minutes = int(match.group("only"))
        else:
            minutes = int(match.group("h")) * 60 + int(match.group("m") or 0)
    if minutes is None or not 10 <= minutes <= 12 * 60:
        raise Invalid(N_("Give a duration between 10 minutes and 12 hours, like 90 or 1h30."))
    return minutes


# Every unit the bot writes in its own messages (nl, fr, en), and the short forms.
_OFFSET_UNITS = {
    **dict.fromkeys(("w", "week", "weken", "weeks", "semaine", "semaines", "sem"), 7 * 1440),
    **dict.fromkeys(("d", "dag", "dagen", "day", "days", "j", "jour", "jours"), 1440),
    **dict.fromkeys(("h", "u", "uur", "uren", "hour", "hours", "heure", "heures", "hr"), 60),
    **dict.fromkeys(("m", "min", "mins", "minuut", "minuten", "minute", "minutes"), 1),
}
_OFFSET_TERM = re.compile(r"(\d{1,4})\s*([^\W\d_]+)\.?")
_OFFSET_SEPARATORS = re.compile(r"[,;/+&]|\b(?:en|et|and)\b|\s+(?=\d)", re.IGNORECASE)
# "before the start" and the like, as the bot's own review and question write it.
_OFFSET_FILLER = re.compile(
    r"\b(?:vooraf|voor het begin|voor de start|before the start|before|"
    r"avant le début|avant)\b|[.!]$",
    re.IGNORECASE,
)
MAX_OFFSETS = 5


def offsets(value: str) -> list[int]:
    """Reminder offsets in minutes, written as the bot writes them in any of its languages
    ("7 dagen, 1 dag, 2 uur", "2 heures", "10 minutes") or short ("7d, 1d, 2h")."""
    found: list[int] = []
    for part in _OFFSET_SEPARATORS.split(_OFFSET_FILLER.sub(" ", value.casefold())):
        part = part.strip()
        if not part:
            continue
        match = _OFFSET_TERM.fullmatch(part)
        if match is None or match.group(2) not in _OFFSET_UNITS:
            raise Invalid(
                N_("Write the reminders like 7 days, 1 day, 2 hours (or 7d, 1d, 2h)."),
            )
        minutes = int(match.group(1)) * _OFFSET_UNITS[match.group(2)]
        if minutes < 10:
            raise Invalid(
                N_("A reminder comes at least 10 minutes before the start; {typed} is too close."),
                typed=part,
            )
        if minutes > 60 * 1440:
            raise Invalid(
                N_("A reminder comes at most 60 days before the start; {typed} is too early."),
                typed=part,
            )
        found.append(minutes)
    if not found:
        raise Invalid(N_("Write the reminders like 7 days, 1 day, 2 hours (or 7d, 1d, 2h)."))
    chosen = sorted(set(found), reverse=True)
    if len(chosen) > MAX_OFFSETS:
        raise Invalid(
            N_("At most {max} reminders, please; you wrote {n}."), max=MAX_OFFSETS, n=len(chosen)
        )
    return chosen
