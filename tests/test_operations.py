"""Running Pactbot for real: backups taken while people write, restored without bringing
back anyone who used /forget, a kill in the middle of a backup, the start-up check of a
damaged database, `check`, owners told of trouble once, and the team's status view."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.clock import SystemClock
from bot.config import settings_from
from bot.operator import damaged
from bot.services.backups import Backups
from bot.storage import db as dbmodule
from bot.storage.backup import BackupError
from bot.storage.db import Database
from tests.conftest import OWNER_ID
from tests.flows import register
from tests.harness import FakeClock, Harness, Person, alerts, texts

ROOT = Path(__file__).resolve().parents[1]
TEAM = Person(OWNER_ID, "en")


def _plain(packed: Path, into: Path) -> Path:
    into.write_bytes(gzip.decompress(packed.read_bytes()))
    return into


def _database_bytes(folder: Path) -> bytes:
    """Every byte of the database in use: the file and its write-ahead log."""
    found = [p for p in folder.iterdir() if p.name.startswith("pact.sqlite3")]
    return b"".join(p.read_bytes() for p in found if "before-restore" not in p.name)


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


async def test_a_backup_taken_while_fifty_people_write_holds_every_confirmed_write(
    tmp_path: Path,
) -> None:
    settings = settings_from({"BOT_TOKEN": "1:x", "DATABASE_PATH": str(tmp_path / "pact.sqlite3")})
    db = Database(settings.database_path)
    await db.open()
    confirmed: list[int] = []
    stop = asyncio.Event()

    async def person(n: int) -> None:
        i = 0
        while not stop.is_set():
            async with db.transaction() as tx:
                await tx.execute(
                    "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
                    ("2026-12-06T10:00:00+00:00", n, "write", f'{{"i": {i}}}'),
                )
            confirmed.append(n * 1_000_000 + i)
            i += 1
            await asyncio.sleep(0)

    writers = [asyncio.create_task(person(n)) for n in range(50)]
    await asyncio.sleep(0.3)
    before = len(confirmed)  # every write confirmed before the backup began
    backups = Backups(db, SystemClock(), settings)
    taken = await backups.take()
    await asyncio.sleep(0.1)
    stop.set()
    await asyncio.gather(*writers)
    await db.close()
    assert before > 100
    plain = _plain(taken.path, tmp_path / "restored.sqlite3")
    assert _integrity(plain) == "ok"
    conn = sqlite3.connect(plain)
    held = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'write'").fetchone()[0]
    conn.close()
    assert held >= before
    assert taken.path.name.startswith("pactbot-") and taken.path.parent == settings.backups


async def test_backups_are_kept_as_many_as_asked_and_the_oldest_go(tmp_path: Path) -> None:
    clock = FakeClock()
    settings = settings_from(
        {"BOT_TOKEN": "1:x", "DATABASE_PATH": str(tmp_path / "p.sqlite3"), "BACKUP_KEEP": "3"}
    )
    db = Database(settings.database_path)
    await db.open()
    backups = Backups(db, clock, settings)
    for _ in range(5):
        await backups.take()
        clock.advance(days=1)
    await db.close()
    kept = backups.all()
    assert len(kept) == 3
    assert [b.taken_at.day for b in kept] == [27, 26, 25]


def test_a_kill_during_a_backup_leaves_the_previous_ones_whole(tmp_path: Path) -> None:
    database = tmp_path / "big.sqlite3"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE filler (x BLOB)")
    conn.executemany("INSERT INTO filler VALUES (randomblob(4000))", [()] * 6000)
    conn.commit()
    conn.close()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BACKUP", "DATABASE"))},
        "BOT_TOKEN": "1:x",
        "DATABASE_PATH": str(database),
        "PYTHONPATH": str(ROOT),
    }
    first = subprocess.run(
        [sys.executable, "-m", "bot", "backup"], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "backups"
    [whole] = list(folder.glob("pactbot-*.sqlite3.gz"))
    for delay in (0.4, 0.8, 1.2):
        time.sleep(1.1)  # a new name each second
        process = subprocess.Popen([sys.executable, "-m", "bot", "backup"], env=env)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for found in folder.glob("pactbot-*.sqlite3.gz"):  # nothing partial under a final name
            assert _integrity(_plain(found, tmp_path / "check.sqlite3")) == "ok", found
    assert whole.exists()
    again = subprocess.run(
        [sys.executable, "-m", "bot", "backup"], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert not list(folder.glob(".partial-*")), "the next run clears what a kill left"


async def test_a_restore_never_brings_back_who_used_forget(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "pact.sqlite3"
    h = Harness(path, clock, {"ADMIN_IDS": str(OWNER_ID)})
    await h.start()
    leaving, staying = Person(4100, "nl", "Zebulon"), Person(4101, "nl", "Ottilie")
    await register(h, leaving, "Vzw Xylofoonvereniging Zebulon")
    await register(h, staying, "Vzw Blijvers")
    services = h.application.services
    taken = await services.operations.backups.take()
    clock.advance(hours=2)
    await h.send(leaving, "/forget")
    await h.tap(leaving, "privacy:forget:yes")
    await h.send(staying, "/mine")  # a write after the backup, lost by the restore
    await h.stop()
    settings = h.settings
    restored, again = Backups.restore(taken.path, path, dt.datetime.now(dt.UTC))
    assert again == [leaving.id] and restored.kept_aside is not None
    assert restored.kept_aside.exists()  # the database it replaced, kept aside
    from bot.operator import _forget_again

    await _forget_again(settings, again)
    await h.start()
    db = h.application.services.db
    assert await db.fetchval("SELECT count(*) FROM person WHERE id = ?", (leaving.id,)) == 0
    assert await db.fetchval("SELECT count(*) FROM person WHERE id = ?", (staying.id,)) == 1
    await h.stop()
    content = await asyncio.to_thread(_database_bytes, tmp_path)
    assert b"Xylofoonvereniging" not in content and b"Zebulon" not in content
    # The restored database remembers the erasure for a restore of it later.
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM forgotten").fetchone()[0] == 1
    conn.close()


def test_restore_refuses_what_is_not_a_sound_backup(tmp_path: Path) -> None:
    database = tmp_path / "pact.sqlite3"
    database.write_bytes(b"keep me")
    bad = tmp_path / "bad.sqlite3.gz"
    bad.write_bytes(gzip.compress(b"SQLite format 3\x00" + b"\x00" * 200))
    with pytest.raises(BackupError):
        Backups.restore(bad, database, dt.datetime.now(dt.UTC))
    assert database.read_bytes() == b"keep me"  # untouched
    torn = tmp_path / "torn.sqlite3.gz"
    torn.write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(BackupError, match="not a readable backup"):
        Backups.restore(torn, database, dt.datetime.now(dt.UTC))


def test_a_damaged_database_stops_the_start_with_one_line_naming_the_newest_backup(
    tmp_path: Path,
) -> None:
    database = tmp_path / "pact.sqlite3"
    conn = sqlite3.connect(database)
    conn.execute("CREATE TABLE t (x TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 500)
    conn.commit()
    conn.close()
    raw = bytearray(database.read_bytes())
    raw[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200  # a page torn apart
    database.write_bytes(bytes(raw))
    (tmp_path / "backups").mkdir()
    newest = tmp_path / "backups" / "pactbot-20261205-033000.sqlite3.gz"
    newest.write_bytes(b"")
    settings = settings_from({"BOT_TOKEN": "1:x", "DATABASE_PATH": str(database)})
    line = damaged(settings, thorough=True)  # SQLite's quick_check reads every page
    assert line is not None and "\n" not in line and "damaged" in line
    assert f"python -m bot restore {newest}" in line
    # At start-up only what can be read in a moment: a file that is no database at all.
    database.write_bytes(b"this is not a database" * 100)
    line = damaged(settings)
    assert line is not None and f"python -m bot restore {newest}" in line


async def test_once_up_the_bot_checks_the_whole_database_and_stops_if_damaged(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.storage import backup as storage

    app = harness.application
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("operations:integrity")
    await job.run(app)
    assert app.fatal is None  # sound
    monkeypatch.setattr(storage, "quick_check", lambda path: "Page 7: never used")
    await job.run(app)
    assert app.fatal is not None and "is damaged (Page 7: never used)" in app.fatal
    [told] = [c for c in await harness.dispatch() if c.chat_id == OWNER_ID]
    assert told.text.startswith("⚠️ <b>De databank is beschadigd: de bot is gestopt</b>")


async def test_a_failed_migration_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pact.sqlite3"
    db = Database(path)
    await db.open()
    await db.close()
    real = dbmodule.migrations()
    broken = (
        real[-1][0] + 1,
        "broken",
        "CREATE TABLE half (x INT);\nINSERT INTO half VALUES (1);\nTHIS IS NOT SQL;",
    )
    monkeypatch.setattr(dbmodule, "migrations", lambda: [*real, broken])
    with pytest.raises(sqlite3.Error):
        await Database(path).open()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migration")]
    conn.close()
    assert "half" not in tables and versions == [v for v, _, _ in real]


async def test_a_hundred_identical_failures_tell_the_owners_once(harness: Harness) -> None:
    services = harness.application.services
    for _ in range(100):
        await services.alerts.report("error: KeyError in handlers.x.y", "KeyError in handlers.x.y")
        harness.clock.advance(seconds=0.5)
    told = [c for c in await harness.dispatch() if c.chat_id == OWNER_ID]
    assert len(told) == 1
    harness.clock.advance(hours=1)
    await services.alerts.report("error: KeyError in handlers.x.y", "KeyError in handlers.x.y")
    [later] = [c for c in await harness.dispatch() if c.chat_id == OWNER_ID]
    assert "100 keer sinds de vorige melding van deze soort" in later.text


async def test_the_nightly_backup_runs_once_after_its_moment_and_after_downtime(
    harness: Harness,
) -> None:
    operations = harness.application.services.operations
    harness.clock.current = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)  # 03:00 in Brussels
    await operations.watch()
    first = operations.backups.all()
    assert len(first) == 1  # none yet: the first one at once
    harness.clock.current = dt.datetime(2026, 12, 6, 2, 20, tzinfo=dt.UTC)  # 03:20
    await operations.watch()
    assert len(operations.backups.all()) == 1
    harness.clock.current = dt.datetime(2026, 12, 6, 2, 31, tzinfo=dt.UTC)  # 03:31
    await operations.watch()
    assert len(operations.backups.all()) == 2
    harness.clock.current = dt.datetime(2026, 12, 8, 9, 0, tzinfo=dt.UTC)  # down a day
    await operations.watch()
    await operations.watch()
    assert len(operations.backups.all()) == 3  # the missed night, once


async def test_the_status_view_and_its_buttons(harness: Harness) -> None:
    await harness.send(TEAM, "/admin")
    calls = await harness.tap(TEAM, "adm:go:status")
    shown = texts(calls)[-1]
    assert shown.startswith("<b>Status</b> · Pactbot")
    assert "Last backup: none yet" in shown and "Running since" in shown
    calls = await harness.tap(TEAM, "ops:backup:")
    made, status = texts(calls)
    assert made.startswith("Backup made: pactbot-20261123-090000.sqlite3.gz (") and "kB)" in made
    assert "Last backup: Monday, 23 November 2026 at 10:00 (" in status
    calls = await harness.tap(TEAM, "ops:download:")
    [document] = [c for c in calls if c.method == "sendDocument"]
    assert document.files["document"][:2] == b"\x1f\x8b"  # the gzip'd database
    audit = await harness.application.services.db.fetchall(
        "SELECT action FROM audit_log WHERE action LIKE 'backup.%' ORDER BY id"
    )
    assert [r[0] for r in audit] == ["backup.take", "backup.download"]
    # A member who is not an owner may back up, not download; a stranger neither.
    member = Person(4200, "en")
    await harness.application.services.team.add(OWNER_ID, member.id)
    calls = await harness.press(member, "ops:download:")
    assert alerts(calls) == ["Only a pact team owner can download a backup."]
    calls = await harness.press(Person(4201, "en"), "ops:backup:")
    assert alerts(calls) == ["This command is for the pact team."]


async def test_a_failed_backup_and_a_late_message_tell_the_owners(
    tmp_path: Path, clock: FakeClock
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backups should go")
    h = Harness(
        tmp_path / "pact.sqlite3", clock, {"ADMIN_IDS": str(OWNER_ID), "BACKUP_DIR": str(blocked)}
    )
    await h.start()
    try:
        operations = h.application.services.operations
        await operations.watch()
        assert operations.backups.failure is not None
        [told] = [c for c in await h.dispatch() if c.chat_id == OWNER_ID]
        assert told.text.startswith("⚠️ <b>De back-up is mislukt</b>")
        await operations.watch()  # retried only ten minutes later: nothing new
        assert [c for c in await h.dispatch() if c.chat_id == OWNER_ID] == []
        # A message that waits longer than an hour (Telegram unreachable, say).
        await h.application.services.db.write(
            "INSERT INTO outbox (recipient_id, kind, priority, payload, due_at,"
            " idempotency_key, created_at) VALUES (42, 'followup', 1, '{}', ?, 'late', ?)",
            ("2026-11-23T07:00:00+00:00", "2026-11-23T07:00:00+00:00"),
        )
        await operations.watch()
        ok, report = await operations.health()
        assert not ok and "backlog" in report["problems"]  # type: ignore[operator]
        await h.application.dispatcher.run(h.application.bot)
        late = [c.text for c in h.request.calls if c.chat_id == OWNER_ID]
        assert any("Berichten wachten langer dan een uur" in text for text in late)
    finally:
        await h.stop()
