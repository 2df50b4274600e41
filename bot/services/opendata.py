"""The pact's open data: a Frictionless Data Package (`datapackage.json`, a table schema
for each resource) with its CSV files (UTF-8, RFC 4180, `,`: for machines) and the same
rows as JSON. Only what may be published (`bot/storage/opendata.py`); rebuilt when the data
changed, at most once a minute."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock, to_db
from bot.storage import opendata
from bot.storage.db import Database

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
FRESH = dt.timedelta(minutes=1)

# Each resource's fields: (name, Table Schema type, description).
Field = tuple[str, str, str]
SCHEMAS: dict[str, tuple[str, list[Field], list[str]]] = {
    "sectors": (
        "The pact's sectors, with their names in Dutch, French and English.",
        [
            ("id", "integer", "the sector's number"),
            ("code", "string", "a short code"),
            ("name_nl", "string", "name in Dutch"),
            ("name_fr", "string", "name in French"),
            ("name_en", "string", "name in English"),
        ],
        ["id"],
    ),
    "organisations": (
        "Organisations that agreed to show their intentions publicly.",
        [
            ("id", "integer", "the organisation's number"),
            ("name", "string", "its name"),
            ("sector_id", "integer", "its sector (sectors.id)"),
            ("website", "string", "its website"),
            ("description", "string", "its own description"),
        ],
        ["id"],
    ),
    "intentions": (
        "Their engagement intentions and commitments.",
        [
            ("id", "integer", "the intention's number"),
            ("organisation_id", "integer", "organisations.id"),
            ("title", "string", "its title"),
            ("description", "string", "its description"),
            ("sector_id", "integer", "sectors.id"),
            ("lever", "string", "rights, agency, redistribute, value, quality or trust"),
            ("status", "string", "intention, committed, in_progress, achieved or withdrawn"),
            ("due_date", "date", "when it is due"),
            ("created_at", "datetime", "when it was recorded (UTC)"),
            ("updated_at", "datetime", "its last change (UTC)"),
        ],
        ["id"],
    ),
    "indicators": (
        "Each intention's measurable indicators.",
        [
            ("id", "integer", "the indicator's number"),
            ("intention_id", "integer", "intentions.id"),
            ("name", "string", "what is measured"),
            ("unit", "string", "in what"),
            ("baseline", "number", "the value at the start"),
            ("target", "number", "the value aimed for"),
            ("current", "number", "the latest value logged (empty before any)"),
        ],
        ["id"],
    ),
    "progress": (
        "Progress updates, in time order.",
        [
            ("id", "integer", "the update's number"),
            ("intention_id", "integer", "intentions.id"),
            ("at", "datetime", "when (UTC)"),
            ("text", "string", "what was done"),
        ],
        ["id"],
    ),
    "progress_values": (
        "The indicator values each progress update logged.",
        [
            ("progress_id", "integer", "progress.id"),
            ("indicator_id", "integer", "indicators.id"),
            ("value", "number", "the new value"),
        ],
        ["progress_id", "indicator_id"],
    ),
    "sessions": (
        "Follow-up sessions scheduled per sector (nothing about who attends).",
        [
            ("id", "integer", "the session's number"),
            ("title", "string", "its title"),
            ("start_at", "datetime", "when it starts (UTC)"),
            ("duration_minutes", "integer", "how long"),
            ("all_sectors", "boolean", "for every sector"),
            ("sectors", "string", "sectors.id, separated by spaces"),
        ],
        ["id"],
    ),
    "endorsements": (
        "Published endorsements of the opinion text, as each author allowed.",
        [
            ("id", "integer", "the endorsement's number"),
            ("campaign_id", "integer", "the campaign"),
            ("campaign", "string", "the campaign's title"),
            ("name", "string", "the author's name, when they allowed it"),
            ("organisation", "string", "on behalf of"),
            ("paragraph", "string", "their paragraph, when they allowed it"),
        ],
        ["id"],
    ),
    "figures": (
        "How many intentions per sector, lever and status (all organisations).",
        [
            ("sector_id", "integer", "sectors.id"),
            ("lever", "string", "the lever"),
            ("status", "string", "the status"),
            ("intentions", "integer", "how many"),
        ],
        ["sector_id", "lever", "status"],
    ),
}
RESOURCES = tuple(SCHEMAS)


@dataclass(frozen=True, slots=True)
class Package:
    files: dict[str, bytes]  # "datapackage.json", "<resource>.csv", "<resource>.json"
    counts: dict[str, int]
    built_at: dt.datetime


def _value(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        return (
            dt.datetime.fromisoformat(str(value)).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    if kind == "boolean":
        return bool(value)
    if kind == "number":
        return float(value)
    return value


class OpenData:
    def __init__(self, db: Database, clock: Clock, license_name: str | None = None) -> None:
        self._db = db
        self._clock = clock
        self._license = license_name
        self._built: tuple[str, Package] | None = None
        self._checked_at: dt.datetime | None = None

    async def package(self) -> Package:
        """The package, rebuilt when the data changed (looked at once a minute at most)."""
        now = self._clock.now()
        if self._built is not None and self._checked_at and now - self._checked_at < FRESH:
            return self._built[1]
        mark = await opendata.changed(self._db.reader)
        self._checked_at = now
        if self._built is not None and self._built[0] == mark:
            return self._built[1]
        built = await self._build(now)
        self._built = (mark, built)
        return built

    async def _build(self, now: dt.datetime) -> Package:
        files: dict[str, bytes] = {}
        counts: dict[str, int] = {}
        resources = []
        for name, (description, fields, key) in SCHEMAS.items():
            rows = [
                {f: _value(kind, row[f]) for f, kind, _ in fields}
                for row in await opendata.rows(self._db.reader, name)
            ]
            counts[name] = len(rows)
            files[f"{name}.csv"] = _csv([f for f, _, _ in fields], rows)
            files[f"{name}.json"] = json.dumps(rows, ensure_ascii=False, indent=1).encode()
            resources.append(
                {
                    "name": name,
                    "path": f"{name}.csv",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "description": description,
                    "schema": {
                        "fields": [
                            {"name": f, "type": kind, "description": text}
                            for f, kind, text in fields
                        ],
                        "primaryKey": key,
                    },
                }
            )
        license_ = {"name": self._license, "title": self._license} if self._license else LICENSE
        descriptor = {
            "name": "pactbot-open-data",
            "title": "The pact's commitments and their progress",
            "description": (
                "Organisations that agreed, their intentions, indicators and progress; "
                "sessions; published endorsements; figures. Each resource is also "
                "available as JSON: <name>.json."
            ),
            "licenses": [license_],
            "created": to_db(now),
            "resources": resources,
        }
        files["datapackage.json"] = json.dumps(descriptor, ensure_ascii=False, indent=1).encode()
        return Package(files, counts, now)


def _csv(header: list[str], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row[f]) for f in header])
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    """A CSV field as Table Schema reads it: empty for none, true or false for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
