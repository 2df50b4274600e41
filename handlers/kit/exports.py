"""Files the pact team downloads: CSV that a Belgian spreadsheet opens as it is (UTF-8 with
a byte order mark, `;` between fields), and documents."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file: Excel set to Dutch or French (as in Belgium) splits on `;` and reads
    the byte order mark as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode("utf-8-sig")
