"""A consistent copy of the live database, checked by SQLite itself, and its restore.

`VACUUM INTO` reads one snapshot of the database while writers go on (WAL mode) and
writes a compact copy; it runs in a worker thread on a connection of its own, so people
are not held up. Plain `sqlite3`: these functions run in threads or in the operator's
commands, never on the event loop.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

from bot.storage.db import Database, migrations

CHUNK = 1 << 20


class BackupError(Exception):
    """A copy that SQLite does not accept as a whole, current database."""


def snapshot(database: Path, target: Path) -> None:
    """Write a consistent copy of `database` to `target` (which must not exist)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("VACUUM INTO ?", (str(target),))
    finally:
        conn.close()


def check(path: Path) -> int:
    """`PRAGMA integrity_check` of a plain database file, and its schema version; raises
    BackupError with SQLite's own words when it is not sound or is newer than this code."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"not a database: {error}") from None
    try:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.Error as error:
        raise BackupError(f"not a database: {error}") from None
    finally:
        conn.close()
    if found != ["ok"]:
        raise BackupError("integrity_check: " + "; ".join(str(x) for x in found[:5]))
    version = check_version(path)
    newest = max(v for v, _, _ in migrations())
    if not version or version > newest:
        raise BackupError(f"schema version {version}: this Pactbot knows up to {newest}")
    return int(version)


def check_version(database: Path) -> int:
    """The schema version of a database the bot uses (0 before its first start)."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT max(version) FROM schema_migration").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as error:
        raise BackupError(f"not a Pactbot database: {error}") from None
    return int(row[0] or 0)


def readable(database: Path) -> str | None:
    """At start-up, in a moment whatever the size: the header, the schema and the
    migrations table can be read (the full `quick_check` runs once the bot is up)."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("SELECT max(version) FROM schema_migration").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as error:
        return str(error)
    return None


def quick_check(database: Path) -> str | None:
    """`PRAGMA quick_check` at start-up: None when sound, else what SQLite says."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            found = [str(row[0]) for row in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.Error as error:
        return str(error)
    return None if found == ["ok"] else "; ".join(found[:5])


def compress(plain: Path, target: Path) -> None:
    """gzip `plain` into `target` and put it on disk (fsync) before it is renamed."""
    with plain.open("rb") as source, target.open("wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as packed:
            shutil.copyfileobj(source, packed, CHUNK)
        raw.flush()
        os.fsync(raw.fileno())


def decompress(packed: Path, target: Path) -> None:
    try:
        with gzip.open(packed, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out, CHUNK)
            out.flush()
            os.fsync(out.fileno())
    except (OSError, EOFError) as error:
        raise BackupError(f"not a readable backup: {error}") from None


def publish(temporary: Path, final: Path) -> None:
    """Rename a finished file to its final name, and put the rename on disk too."""
    os.replace(temporary, final)
    folder = os.open(final.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def forget_salt(conn: sqlite3.Connection) -> str:
    row = conn.execute("SELECT value FROM secret WHERE name = 'forget_salt'").fetchone()
    return str(row[0])


def forgotten_hash(salt: str, person_id: int) -> str:
    """How an erased person is remembered: a salted hash of their Telegram id, so that a
    restore can erase them again without the bot keeping who they were."""
    return hashlib.sha256(f"{salt}:{person_id}".encode()).hexdigest()


def forgotten(database: Path) -> set[str]:
    """The erasures recorded in a database (empty when it cannot be read)."""
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            return {str(r[0]) for r in conn.execute("SELECT hash FROM forgotten")}
        finally:
            conn.close()
    except sqlite3.Error:
        return set()


def to_forget_again(database: Path, hashes: set[str]) -> list[int]:
    """The people of `database` whose erasure is among `hashes`."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        salt = forget_salt(conn)
        people = [int(r[0]) for r in conn.execute("SELECT id FROM person")]
    finally:
        conn.close()
    return [p for p in people if forgotten_hash(salt, p) in hashes]


def remember_forgotten(database: Path, hashes: set[str], at: str) -> None:
    """Carry later erasures into a restored database, so that a restore of it later
    erases them too."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT OR IGNORE INTO forgotten (hash, at) VALUES (?, ?)", [(h, at) for h in hashes]
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


async def prune_forgotten(db: Database, before: str) -> int:
    """Erasures older than the oldest backup kept: no restore needs them any more."""
    return await db.write("DELETE FROM forgotten WHERE at < ?", (before,))


def checkpoint(database: Path) -> None:
    """Fold the write-ahead log into the file (the bot stopped), before it is copied."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
