"""The database: one write connection guarded by a lock, one read connection, migrations.

An aiosqlite connection is a single transaction, so every write holds one lock for its
whole life: two updates never share a transaction. Two ways to write:

- `Database.unit(work)`: `work` is plain sqlite3 code, run with BEGIN IMMEDIATE and COMMIT
  on the connection's own thread in one trip. Each aiosqlite call is a trip to that thread
  and back (tens of microseconds, more than the SQL itself), so the busy writes (a new
  intention, a progress update) are units;
- `Database.transaction()`: an async transaction, one trip per statement, for writes that
  are rare or that read and decide in between.

Reads use a second connection; in WAL mode they see the last commit.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, cast

import aiosqlite

_LOGGER = logging.getLogger(__name__)
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

Row = sqlite3.Row
Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")
Tx = sqlite3.Connection
"""The connection a `Database.unit` runs on, inside its transaction."""


class Connection(aiosqlite.Connection):
    """aiosqlite's connection, plus `run`: a function of the sqlite3 connection, run on
    the connection's thread in one trip. aiosqlite has no public call for this; `_execute`
    is the method all of its own calls go through (see omnilib/aiosqlite#19)."""

    async def run(self, work: Callable[[Tx], T]) -> T:
        return cast(T, await self._execute(work, self._conn))  # type: ignore[no-untyped-call]


@dataclass(eq=False)
class Rider:
    """Plain sqlite3 work that rides along in the next write transaction of the task that
    set it up, committed with it or not at all (see `Database.riding`)."""

    work: Callable[[Tx], None]
    task: asyncio.Task[object] | None = field(default_factory=asyncio.current_task)
    committed: bool = False


_RIDER: ContextVar[Rider | None] = ContextVar("rider", default=None)


def _boarding() -> Rider | None:
    """The rider waiting for this task's next write transaction, if any."""
    rider = _RIDER.get()
    if rider is None or rider.committed or rider.task is not asyncio.current_task():
        return None
    return rider


def _with_rider(work: Callable[[Tx], T], rider: Rider | None) -> Callable[[Tx], T]:
    if rider is None:
        return work

    def both(tx: Tx) -> T:
        result = work(tx)
        rider.work(tx)
        return result

    return both


def _in_transaction(work: Callable[[Tx], T], conn: Tx) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result


def migrations() -> list[tuple[int, str, str]]:
    """Every shipped migration as (version, name, sql), in order."""
    found = []
    for entry in resources.files("bot.storage.migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._writer: Connection | None = None
        self._reader: Connection | None = None
        self._write_lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()
        self._after_commit: list[Callable[[], None]] = []
        self._small: sqlite3.Connection | None = None  # see `write_alone`

    async def open(self) -> None:
        """Connect and migrate; safe to call more than once."""
        async with self._open_lock:
            if self._writer is not None:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            writer = await self._connect()
            try:
                await writer.execute("PRAGMA journal_mode=WAL")
                await _migrate(writer)
                reader = await self._connect()
            except BaseException:
                await writer.close()
                raise
            self._writer, self._reader = writer, reader
            self._small = sqlite3.connect(str(self.path), isolation_level=None)
            self._small.execute("PRAGMA foreign_keys=ON")
            self._small.execute("PRAGMA synchronous=NORMAL")
            self._small.execute("PRAGMA secure_delete=ON")
            self._small.execute("PRAGMA busy_timeout=0")  # never wait on the event loop

    async def _connect(self) -> Connection:
        path = str(self.path)

        def connector() -> sqlite3.Connection:
            # isolation_level=None: no implicit transactions; we say BEGIN IMMEDIATE ourselves.
            return sqlite3.connect(path, isolation_level=None)

        conn = cast(Connection, await Connection(connector, iter_chunk_size=64))
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute("PRAGMA synchronous=NORMAL")
        # What is deleted is overwritten, not left in free pages: /forget means gone.
        await conn.execute("PRAGMA secure_delete=ON")
        await conn.execute("PRAGMA busy_timeout=5000")
        return conn

    async def close(self) -> None:
        async with self._open_lock:
            if self._small is not None:
                self._small.close()
                self._small = None
            for conn in (self._reader, self._writer):
                if conn is not None:
                    await conn.close()
            self._writer = self._reader = None

    @property
    def is_open(self) -> bool:
        return self._writer is not None

    @property
    def reader(self) -> Connection:
        if self._reader is None:
            raise RuntimeError("the database is not open")
        return self._reader

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction begun IMMEDIATE, committed on success, rolled back on error."""
        if self._writer is None:
            raise RuntimeError("the database is not open")
        async with self._write_lock:
            conn = self._writer
            rider = _boarding()
            await conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                if rider is not None:
                    await conn.run(rider.work)
            except BaseException:
                self._after_commit.clear()
                await conn.rollback()
                raise
            else:
                await conn.commit()
                if rider is not None:
                    rider.committed = True
                self._committed()

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the write transaction under way commits (not if it rolls
        back), such as waking the dispatcher for the messages it queued."""
        if callback not in self._after_commit:
            self._after_commit.append(callback)

    def _committed(self) -> None:
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    async def unit(self, work: Callable[[Tx], T]) -> T:
        """`work` as one write transaction, in one trip to the database thread: BEGIN
        IMMEDIATE, `work`, COMMIT; ROLLBACK if it raises. What `work` reads on the way
        (ids, the rows it wrote) it sees before the commit."""
        if self._writer is None:
            raise RuntimeError("the database is not open")
        async with self._write_lock:
            rider = _boarding()
            try:
                result = await self._writer.run(partial(_in_transaction, _with_rider(work, rider)))
            except BaseException:
                self._after_commit.clear()
                raise
            if rider is not None:
                rider.committed = True
            self._committed()
            return result

    async def scrub(self) -> None:
        """Copy the write-ahead log into the database file and empty it, so that pages
        from before a deletion are no longer in the log (after /forget)."""
        if self._writer is None:
            raise RuntimeError("the database is not open")
        async with self._write_lock:
            rows = await self._writer.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)")
        for busy, *_ in rows:
            if busy:
                _LOGGER.warning("the log could not be emptied yet: a reader was busy")

    async def write_alone(self, work: Callable[[Tx], None]) -> None:
        """One small statement in `work`, committed on its own (SQLite makes a statement
        atomic), run right here on the event loop: about 12 µs, where a trip to the
        database thread costs about 100 µs (measured on the CI machine). A conversation's
        next question waits for such a write. It takes the same write lock, on a second
        connection that nothing else uses, so two writes still never overlap; a write that
        would have to wait for a lock (someone else's) goes to the database thread."""
        if _boarding() is not None or self._small is None:
            await self.unit(work)
            return
        async with self._write_lock:
            try:
                work(self._small)
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
        await self.unit(work)

    @contextmanager
    def riding(self, work: Callable[[Tx], None]) -> Iterator[Rider]:
        """While this block runs, the task's next write transaction also does `work`,
        atomically: a conversation's last state is stored with what its answer saved."""
        rider = Rider(work)
        token = _RIDER.set(rider)
        try:
            yield rider
        finally:
            _RIDER.reset(token)

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement in a transaction of its own (SQLite makes it atomic); returns the
        number of rows it changed. Cheaper than `transaction()` for a single upsert."""
        if _boarding() is not None:  # a rider needs a transaction of its own to join

            def one_statement(tx: Tx) -> int:
                return int(tx.execute(sql, params).rowcount)

            return await self.unit(one_statement)
        if self._writer is None:
            raise RuntimeError("the database is not open")
        async with self._write_lock:
            cursor = await self._writer.execute(sql, params)
            return int(cursor.rowcount)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        return await one(self.reader, sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        return await many(self.reader, sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


async def one(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> Row | None:
    """The first row, in one trip to the database thread."""
    rows = await conn.execute_fetchall(sql, params)
    for row in rows:
        return row
    return None


async def many(conn: aiosqlite.Connection, sql: str, params: Params = ()) -> list[Row]:
    """All rows, in one trip to the database thread."""
    return list(await conn.execute_fetchall(sql, params))


async def _migrate(conn: aiosqlite.Connection) -> None:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migration ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    async with conn.execute("SELECT version FROM schema_migration") as cursor:
        applied = {row[0] for row in await cursor.fetchall()}
    for version, name, sql in migrations():
        if version in applied:
            continue
        _LOGGER.info("applying migration %04d_%s", version, name)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        # One script, one transaction: a migration is applied whole or not at all.
        script = (
            f"BEGIN IMMEDIATE;\n{sql}\n"
            f"INSERT INTO schema_migration (version, name, applied_at) "
            f"VALUES ({version}, '{name}', '{now}');\nCOMMIT;"
        )
        try:
            await conn.executescript(script)
        except BaseException:
            if conn.in_transaction:
                await conn.rollback()
            raise
