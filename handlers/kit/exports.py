"""Files the pact team downloads: CSV that a Belgian spreadsheet opens as it is (UTF-8 with
a byte order mark, `;` between fields), with numbers and moments it reads as such."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

from babel.numbers import format_decimal

from bot.clock import from_db
from bot.i18n import Translator

# A moment as the database keeps it: UTC ISO-8601 (`bot.clock.to_db`).
_STORED_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?\+00:00")


def cell(value: object, t: Translator) -> object:
    """One field: a moment in the pact's time zone as `YYYY-MM-DD HH:MM` (which Excel
    reads as a date in any locale), a whole number without ".0", a fraction with the
    reader's decimal sign (a comma in Belgium: the fields are `;`-separated)."""
    if value is None:
        return ""
    if isinstance(value, str) and _STORED_MOMENT.fullmatch(value):
        value = from_db(value)
    if isinstance(value, dt.datetime):
        return f"{value.astimezone(t.tz):%Y-%m-%d %H:%M}"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format_decimal(value, locale=t.babel_locale, group_separator=False)
    return value


def csv_bytes(t: Translator, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file: Excel set to Dutch or French (as in Belgium) splits on `;` and reads
    the byte order mark as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value, t) for value in row])
    return out.getvalue().encode("utf-8-sig")
