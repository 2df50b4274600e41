"""The error handler, and the database: migrations and transactions."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest

from bot.storage import db as dbmodule
from bot.storage.db import Database, Tx
from tests.conftest import OWNER_ID
from tests.harness import Harness, Person, texts
from tests.schemas import deployed_before


async def test_an_unexpected_error_apologises_logs_and_keeps_running(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    person = Person(530, "fr")
    await harness.send(person, "/start")

    async def broken(person_id: int) -> dict[str, Any]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(harness.application.services.privacy, "export", broken)
    with caplog.at_level(logging.ERROR, logger="pactbot.errors"):
        calls = await harness.send(person, "/mydata")

    assert texts(calls) == [
        "Pardon, un problème est survenu de mon côté. Veuillez réessayer dans un instant."
    ]
    [record] = [r for r in caplog.records if r.name == "pactbot.errors"]
    # The log names the update, never what the person wrote.
    assert record.getMessage().startswith("error while handling update ")
    assert "/mydata" not in record.getMessage()
    assert record.exc_info and "disk on fire" in str(record.exc_info[1])
    # The owner is told once, in their language, without the person's data.
    [alert] = [c for c in await harness.dispatch() if c.chat_id == OWNER_ID]
    assert "Een onverwachte fout" in alert.text  # the owner's language (Dutch, the default)
    assert "RuntimeError in handlers.privacy.privacy.my_data" in alert.text
    assert "530" not in alert.text and "/mydata" not in alert.text
    # The bot goes on.
    assert texts(await harness.send(person, "/cancel")) == ["Il n'y a rien à annuler."]


async def test_migrations_on_an_empty_file_and_again(tmp_path: Path) -> None:
    path = tmp_path / "fresh.sqlite3"
    db = Database(path)
    await db.open()
    versions = [r[0] for r in await db.fetchall("SELECT version FROM schema_migration")]
    assert versions == [v for v, _, _ in dbmodule.migrations()]
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    await db.close()

    again = Database(path)
    await again.open()
    assert [r[0] for r in await again.fetchall("SELECT version FROM schema_migration")] == versions
    await again.close()


async def test_a_failing_migration_is_applied_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = dbmodule.migrations()
    bad = (9999, "broken", "CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;")
    monkeypatch.setattr(dbmodule, "migrations", lambda: [*good, bad])
    db = Database(tmp_path / "broken.sqlite3")
    with pytest.raises(Exception, match="syntax error"):
        await db.open()
    monkeypatch.setattr(dbmodule, "migrations", lambda: good)
    await db.open()
    assert await db.fetchval("SELECT count(*) FROM sqlite_master WHERE name='half_done'") == 0
    assert await db.fetchval("SELECT max(version) FROM schema_migration") == good[-1][0]
    await db.close()


async def test_a_unit_is_one_transaction_that_sees_its_own_writes(tmp_path: Path) -> None:
    db = Database(tmp_path / "unit.sqlite3")
    await db.open()

    def write_and_read(tx: Tx) -> list[str]:
        tx.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'kept')")
        return [r[0] for r in tx.execute("SELECT action FROM audit_log")]

    def write_then_fail(tx: Tx) -> None:
        tx.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'undone')")
        raise ValueError("a rule refused it")

    assert await db.unit(write_and_read) == ["kept"]
    with pytest.raises(ValueError, match="refused"):
        await db.unit(write_then_fail)
    # The failed unit left nothing behind and no transaction open: the next one works.
    assert await db.unit(write_and_read) == ["kept", "kept"]
    assert [r[0] for r in await db.fetchall("SELECT action FROM audit_log")] == ["kept", "kept"]
    await db.close()


async def test_a_unit_waits_for_an_async_transaction(tmp_path: Path) -> None:
    db = Database(tmp_path / "both.sqlite3")
    await db.open()
    order: list[str] = []

    async def slow_transaction() -> None:
        async with db.transaction() as tx:
            order.append("transaction")
            await tx.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'a')")
            await asyncio.sleep(0)  # the unit is queued meanwhile; it must not join in
            raise RuntimeError("roll me back")

    def unit(tx: Tx) -> None:
        order.append("unit")
        tx.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'b')")

    results = await asyncio.gather(slow_transaction(), db.unit(unit), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert order == ["transaction", "unit"]
    assert [r[0] for r in await db.fetchall("SELECT action FROM audit_log")] == ["b"]
    await db.close()


async def test_two_updates_never_share_a_transaction(tmp_path: Path) -> None:
    db = Database(tmp_path / "tx.sqlite3")
    await db.open()
    order: list[str] = []

    async def failing() -> None:
        async with db.transaction() as tx:
            order.append("a-begin")
            await tx.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'a')")
            await asyncio.sleep(0)  # let the other task try to write meanwhile
            raise RuntimeError("roll me back")

    async def succeeding() -> None:
        async with db.transaction() as tx:
            order.append("b-begin")
            await tx.execute("INSERT INTO audit_log (at, action) VALUES ('t', 'b')")

    results = await asyncio.gather(failing(), succeeding(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert order == ["a-begin", "b-begin"]
    # a's rollback did not take b's insert with it, and a's insert is gone.
    assert [r[0] for r in await db.fetchall("SELECT action FROM audit_log")] == ["b"]
    await db.close()


async def test_a_deployed_outbox_keeps_what_was_queued_through_its_migration(
    tmp_path: Path,
) -> None:
    """A pact running the previous schema: its queued reminder still goes, now replaceable
    by a later one, and what was sent keeps its time for the retention."""
    path = tmp_path / "deployed.sqlite3"
    old = deployed_before(path, 4)
    old.executemany(
        "INSERT INTO outbox (recipient_id, kind, payload, due_at, idempotency_key, state,"
        " created_at, sent_at) VALUES (42, ?, ?, ?, ?, ?, '2026-11-01T00:00:00+00:00', ?)",
        [
            (
                "reminder",
                '{"session_id": 3, "start": "2026-12-01T13:30:00+00:00", "offset": 1440}',
                "2026-11-30T13:30:00+00:00",
                "reminder:3:42:2026-12-01T13:30:00+00:00:1440",
                "pending",
                None,
            ),
            (
                "invite",
                '{"session_id": 3, "sequence": 0}',
                "2026-11-01T00:00:00+00:00",
                "invite:3:42:0",
                "sent",
                "2026-11-01T00:00:05+00:00",
            ),
        ],
    )
    old.commit()
    old.close()

    db = Database(path)
    await db.open()
    try:
        rows = await db.fetchall(
            "SELECT kind, recipient_id, chat, priority, subject, collapse, state, done_at"
            " FROM outbox ORDER BY id"
        )
        assert [tuple(r) for r in rows] == [
            ("reminder", 42, None, 1, "session:3", "reminder:3:42", "pending", None),
            ("invite", 42, None, 1, "session:3", None, "sent", "2026-11-01T00:00:05+00:00"),
        ]
    finally:
        await db.close()
