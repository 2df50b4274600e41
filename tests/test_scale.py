"""A pact ten times bigger feels the same: the pact's figures kept by triggers agree with a
count of the rows after any mix of writes (cascades included), a deployed pact gets them
from its data, every lookup of a person's rows and every cascade has its index, and the
team's first pages are read from an index, not a sort of every row. (The times themselves
are measured by bench/scale.py, never here.)"""

from __future__ import annotations

import io
import random
import sqlite3
from pathlib import Path

import pytest
from matplotlib.image import imread

from bot.storage.db import Database
from bot.storage.privacy import declarations
from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, log_progress, record_intention, register
from tests.harness import Harness, Person, texts
from tests.schemas import deployed_before

FRACTION = (
    "CASE WHEN d.current IS NULL OR d.target = d.baseline THEN 0.0"
    " ELSE (d.current - d.baseline) / (d.target - d.baseline) END"
)
STATUSES = ("intention", "committed", "in_progress", "achieved", "withdrawn")


def counted(conn: sqlite3.Connection) -> dict[str, set[tuple[object, ...]]]:
    """The figures as a count of the rows gives them."""
    return {
        "organisations": set(
            conn.execute("SELECT sector_id, count(*) FROM organisation GROUP BY 1")
        ),
        "intentions": set(
            conn.execute(
                "SELECT sector_id, lever, status, count(*) FROM intention GROUP BY 1, 2, 3"
            )
        ),
        "progress": {
            (s, lever, n, round(total, 9))
            for s, lever, n, total in conn.execute(
                f"SELECT i.sector_id, i.lever, count(*), sum({FRACTION}) FROM indicator d"  # noqa: S608
                " JOIN intention i ON i.id = d.intention_id WHERE i.status <> 'withdrawn'"
                " GROUP BY 1, 2"
            )
        },
        "due": set(
            conn.execute(
                "SELECT due_date, count(*) FROM intention"
                " WHERE status NOT IN ('achieved', 'withdrawn') GROUP BY 1"
            )
        ),
    }


def kept(conn: sqlite3.Connection) -> dict[str, set[tuple[object, ...]]]:
    """The figures the triggers keep (rows counting nothing left out)."""
    return {
        "organisations": set(conn.execute("SELECT * FROM figure_organisations WHERE n <> 0")),
        "intentions": set(conn.execute("SELECT * FROM figure_intentions WHERE n <> 0")),
        "progress": {
            (s, lever, n, round(total, 9))
            for s, lever, n, total in conn.execute("SELECT * FROM figure_progress WHERE n <> 0")
        },
        "due": set(conn.execute("SELECT * FROM figure_due WHERE n <> 0")),
    }


async def _migrated(path: Path) -> sqlite3.Connection:
    db = Database(path)
    await db.open()
    await db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _write_something(conn: sqlite3.Connection, rng: random.Random) -> None:
    """One write of the kinds the bot makes, or a cascade, on a small pact."""
    intentions = [r[0] for r in conn.execute("SELECT id FROM intention")]
    indicators = [r[0] for r in conn.execute("SELECT id FROM indicator")]
    organisations = [r[0] for r in conn.execute("SELECT id FROM organisation")]
    choice = rng.random()
    if choice < 0.05 or not organisations:
        conn.execute(
            "INSERT INTO organisation (name, name_key, sector_id, created_at)"
            " VALUES ('o', 'o', ?, 'now')",
            (rng.randint(1, 3),),
        )
    elif choice < 0.3 or not intentions:
        conn.execute(
            "INSERT INTO intention (organisation_id, title, description, sector_id, lever,"
            " due_date, status, created_at, updated_at) VALUES (?, 't', 'd', ?, ?, ?, ?, 'n', 'n')",
            (
                rng.choice(organisations),
                rng.randint(1, 3),
                rng.choice(("trust", "agency")),
                rng.choice(("2026-01-01", "2027-06-30")),
                rng.choice(STATUSES),
            ),
        )
    elif choice < 0.5:
        conn.execute(
            "INSERT INTO indicator (intention_id, name, unit, baseline, target, current,"
            " position) VALUES (?, 'n', 'u', ?, ?, ?, 1)",
            (rng.choice(intentions), rng.choice((0, 5)), rng.choice((5, 10, 40)), None),
        )
    elif choice < 0.65 and indicators:
        conn.execute(
            "UPDATE indicator SET current = ? WHERE id = ?",
            (rng.choice((None, 2.5, 7, 40)), rng.choice(indicators)),
        )
    elif choice < 0.8:
        column, value = rng.choice(
            (
                ("status", rng.choice(STATUSES)),
                ("sector_id", rng.randint(1, 3)),
                ("lever", rng.choice(("trust", "agency"))),
                ("due_date", rng.choice(("2026-01-01", "2027-06-30"))),
            )
        )
        conn.execute(
            f"UPDATE intention SET {column} = ? WHERE id = ?",  # noqa: S608
            (value, rng.choice(intentions)),
        )
    elif choice < 0.86 and indicators:
        conn.execute("DELETE FROM indicator WHERE id = ?", (rng.choice(indicators),))
    elif choice < 0.94:
        conn.execute("DELETE FROM intention WHERE id = ?", (rng.choice(intentions),))
    elif choice < 0.97:
        conn.execute(
            "UPDATE organisation SET sector_id = ? WHERE id = ?",
            (rng.randint(1, 3), rng.choice(organisations)),
        )
    else:  # an organisation goes, with its intentions, indicators and progress
        conn.execute("DELETE FROM organisation WHERE id = ?", (rng.choice(organisations),))


async def test_the_figures_agree_with_the_rows_after_any_mix_of_writes(tmp_path: Path) -> None:
    conn = await _migrated(tmp_path / "figures.sqlite3")
    rng = random.Random(2026)
    for step in range(1500):
        _write_something(conn, rng)
        assert kept(conn) == counted(conn), f"after step {step}"
    assert conn.execute("SELECT count(*) FROM indicator").fetchone()[0] > 0


async def test_a_deployed_pact_gets_its_figures_from_its_data(tmp_path: Path) -> None:
    path = tmp_path / "deployed.sqlite3"
    old = deployed_before(path, 8)
    old.execute("PRAGMA foreign_keys = ON")
    rng = random.Random(8)
    for _ in range(300):
        _write_something(old, rng)
    before = counted(old)
    old.commit()
    old.close()
    conn = await _migrated(path)
    assert counted(conn) == before  # nothing lost
    assert kept(conn) == before


async def test_the_bot_s_own_writes_and_a_forget_keep_the_figures_right(
    harness: Harness,
) -> None:
    contact, colleague = Person(901, "en"), Person(902, "en")
    await register(harness, contact, "Vzw Cijfers")
    await record_intention(harness, contact, "Buddy project")
    await record_intention(harness, contact, "Taalcafé", indicator=None)
    found = await harness.application.services.db.fetchval(
        "SELECT id FROM intention WHERE title = 'Buddy project'"
    )
    await log_progress(harness, contact, found, "Half way.", "5")
    await harness.send(contact, "/mine")
    await harness.tap(contact, f"mine:open:{found}")
    await harness.tap(contact, f"mine:status:{found}-committed")
    team = Person(OWNER_ID, "en")
    calls = await harness.send(team, "/stats")
    stats = texts(calls)[0]
    assert "Average progress of 1 indicator: ▓▓▓▓▓░░░░░ 50%" in stats
    assert "Increase agency: 2 (intention 1, committed 1)" in stats
    # and its chart: per lever by status, per sector the indicators' progress
    [chart] = [c for c in calls if c.method == "sendPhoto"]
    assert chart.text == "The pact in figures"
    picture = imread(io.BytesIO(chart.files["photo"]), format="png")
    assert picture.shape[0] >= 400 and picture.shape[1] >= 800
    await register(harness, colleague, "Vzw Andere", EDUCATION)
    await harness.send(contact, "/forget")
    await harness.tap(contact, "privacy:forget:yes")
    path = harness.settings.database_path
    conn = sqlite3.connect(path)
    assert kept(conn) == counted(conn)
    assert kept(conn)["intentions"] == set()  # the organisation went with its last contact
    stats = texts(await harness.send(team, "/stats"))[0]
    assert "No indicators yet." in stats


async def test_every_lookup_of_a_person_and_every_cascade_has_an_index(tmp_path: Path) -> None:
    conn = await _migrated(tmp_path / "indexes.sqlite3")

    def leading(table: str) -> set[str]:
        """Columns (or expressions) an index of `table` starts with."""
        found = set()
        for index in conn.execute(f"PRAGMA index_list({table})"):
            columns = list(conn.execute(f"PRAGMA index_xinfo({index[1]})"))
            found.add(columns[0][2] or "<expression>")
        for column in conn.execute(f"PRAGMA table_info({table})"):
            if column[5] == 1:  # the first column of the primary key
                found.add(column[1])
        return found

    missing = [
        f"{d.table}.{d.column}"
        for d in declarations()
        if (d.column if not d.json_path else "<expression>") not in leading(d.table)
    ]
    assert missing == [], "a person's rows are found by a scan"
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    unindexed = [
        f"{table}.{fk[3]}"
        for table in tables
        for fk in conn.execute(f"PRAGMA foreign_key_list({table})")
        if fk[3] not in leading(table)
    ]
    assert unindexed == [], "deleting a parent scans these"


@pytest.mark.parametrize(
    "sql",
    [
        # The team's first pages: read in index order, stopped at the page's end.
        "WITH chosen AS (SELECT i.id FROM intention i ORDER BY i.created_at DESC, i.id DESC"
        " LIMIT 8 OFFSET 0) SELECT * FROM chosen",
        "WITH chosen AS (SELECT i.id FROM intention i WHERE i.sector_id = 2"
        " ORDER BY i.created_at DESC, i.id DESC LIMIT 8 OFFSET 0) SELECT * FROM chosen",
        "SELECT o.* FROM organisation o ORDER BY o.name COLLATE NOCASE, o.id LIMIT 8",
        "SELECT o.* FROM organisation o WHERE sector_id = 3"
        " ORDER BY o.name COLLATE NOCASE, o.id LIMIT 8",
    ],
)
async def test_first_pages_come_from_an_index_not_a_sort(tmp_path: Path, sql: str) -> None:
    conn = await _migrated(tmp_path / "plans.sqlite3")
    plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "TEMP B-TREE" not in plan, plan
    assert "USING" in plan and "INDEX" in plan, plan
