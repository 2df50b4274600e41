"""A database as a deployed pact has it: the migrations before a version, applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage import db as dbmodule


def deployed_before(path: Path, version: int) -> sqlite3.Connection:
    """A database with every migration before `version` applied (and recorded), open."""
    old = sqlite3.connect(path)
    old.execute(
        "CREATE TABLE schema_migration (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " applied_at TEXT NOT NULL)"
    )
    for number, name, sql in dbmodule.migrations():
        if number < version:
            old.executescript(sql)
            old.execute(
                "INSERT INTO schema_migration VALUES (?, ?, '2026-11-01T00:00:00+00:00')",
                (number, name),
            )
    return old
