"""What each storage module holds about a person, and the generic export and erasure.

Every storage module that keeps personal data declares it in a module-level
`PERSONAL_DATA` tuple; `/mydata` and `/forget` find those declarations themselves, so a
new feature is covered as soon as it declares its tables.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any, Literal

import aiosqlite

import bot.storage
from bot.storage.backup import forgotten_hash


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Rows of `table` whose `column` holds the person's Telegram id, or (`json_path`)
    whose JSON `column` holds it at that path.

    `forget="delete"` removes the rows; `"anonymise"` keeps them (they belong to an
    organisation or to the record of the pact) and clears the column, or removes the
    person from the JSON.
    """

    table: str
    column: str
    forget: Literal["delete", "anonymise"] = "delete"
    also_clear: tuple[str, ...] = ()
    json_path: str | None = None

    @property
    def where(self) -> str:
        """The condition that finds the person's rows (names from code, never input)."""
        if self.json_path:
            return f"json_extract({self.column}, '{self.json_path}') = ?"
        return f"{self.column} = ?"


ForgetHook = Callable[[aiosqlite.Connection, int], Awaitable[None]]


@cache
def _modules() -> tuple[ModuleType, ...]:
    return tuple(
        importlib.import_module(f"bot.storage.{info.name}")
        for info in pkgutil.iter_modules(bot.storage.__path__)
    )


def declarations() -> tuple[PersonalData, ...]:
    return tuple(item for module in _modules() for item in getattr(module, "PERSONAL_DATA", ()))


def forget_hooks() -> tuple[ForgetHook, ...]:
    """Module-level `before_forget(conn, person_id)` functions, for what a rule decides."""
    return tuple(m.before_forget for m in _modules() if hasattr(m, "before_forget"))


async def export(conn: aiosqlite.Connection, person_id: int) -> dict[str, list[dict[str, Any]]]:
    result: dict[str, list[dict[str, Any]]] = {}
    for item in declarations():
        # Table and column names come from the declarations in code, never from input.
        sql = f"SELECT * FROM {item.table} WHERE {item.where}"  # noqa: S608
        async with conn.execute(sql, (person_id,)) as cursor:
            rows = [_plain(dict(row)) for row in await cursor.fetchall()]
        result.setdefault(item.table, []).extend(rows)
    return result


async def forget(conn: aiosqlite.Connection, person_id: int, at: str) -> None:
    """Erase the person; run inside a write transaction. The erasure is remembered as a
    salted hash (`forgotten`), so that restoring an older backup erases them again."""
    async with conn.execute("SELECT value FROM secret WHERE name = 'forget_salt'") as cursor:
        salt = await cursor.fetchone()
    if salt is not None:
        await conn.execute(
            "INSERT OR REPLACE INTO forgotten (hash, at) VALUES (?, ?)",
            (forgotten_hash(str(salt[0]), person_id), at),
        )
    for hook in forget_hooks():
        await hook(conn, person_id)
    # Delete dependent rows before the person row, whatever order modules were found in.
    for item in sorted(declarations(), key=lambda d: d.table == "person"):
        if item.forget == "delete":
            sql = f"DELETE FROM {item.table} WHERE {item.where}"  # noqa: S608
        elif item.json_path:
            removed = f"{item.column} = json_remove({item.column}, '{item.json_path}')"
            sql = f"UPDATE {item.table} SET {removed} WHERE {item.where}"  # noqa: S608
        else:
            cleared = ", ".join(f"{col} = NULL" for col in (item.column, *item.also_clear))
            sql = f"UPDATE {item.table} SET {cleared} WHERE {item.where}"  # noqa: S608
        await conn.execute(sql, (person_id,))


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    """JSON columns are shown as JSON, not as strings holding JSON."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, str) and value[:1] in "{[":
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        out[key] = value
    return out
