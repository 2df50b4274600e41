"""SQL for digest subscriptions and what a digest reports: a period's activity, read as a
range of the time indexes, and the pact's totals."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

import aiosqlite

from bot.storage.db import Row, Tx, many, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("subscription", "person_id"),
    PersonalData("subscription_sector", "person_id"),
)

# -- subscriptions ----------------------------------------------------------------------------


async def subscription(conn: aiosqlite.Connection, person_id: int) -> Row | None:
    return await one(
        conn,
        "SELECT s.*, (SELECT group_concat(sector_id) FROM subscription_sector"
        " WHERE person_id = s.person_id) AS sectors FROM subscription s WHERE s.person_id = ?",
        (person_id,),
    )


async def offer(conn: aiosqlite.Connection, person_id: int, now: str) -> bool:
    """A row for someone offered the digest (not following yet); whether it is new."""
    cursor = await conn.execute(
        "INSERT INTO subscription (person_id, frequency, covered_until, created_at, updated_at)"
        " VALUES (?, 'none', ?, ?, ?) ON CONFLICT DO NOTHING",
        (person_id, now, now, now),
    )
    return cursor.rowcount == 1


async def save(
    conn: aiosqlite.Connection,
    person_id: int,
    frequency: str,
    all_sectors: bool,
    sectors: Iterable[int],
    now: str,
    restart: bool,
) -> None:
    """Set a subscription; `restart`: the next digest covers from now (someone who starts
    following, or follows again, gets no digest of what came before)."""
    await conn.execute(
        "INSERT INTO subscription (person_id, frequency, all_sectors, covered_until, created_at,"
        " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET"
        " frequency = excluded.frequency, all_sectors = excluded.all_sectors,"
        " updated_at = excluded.updated_at,"
        " covered_until = CASE WHEN ? THEN excluded.covered_until ELSE covered_until END",
        (person_id, frequency, int(all_sectors), now, now, now, int(restart)),
    )
    await conn.execute("DELETE FROM subscription_sector WHERE person_id = ?", (person_id,))
    await conn.executemany(
        "INSERT INTO subscription_sector (person_id, sector_id) VALUES (?, ?)",
        [(person_id, s) for s in sectors],
    )


async def any_due(conn: aiosqlite.Connection, frequency: str, until: str) -> bool:
    """Whether someone at `frequency` has not had the digest up to `until` (an index probe:
    the clock asks every minute)."""
    row = await one(
        conn,
        "SELECT 1 FROM subscription WHERE frequency = ? AND covered_until < ? LIMIT 1",
        (frequency, until),
    )
    return row is not None


def due(tx: Tx, frequency: str, until: str) -> list[Row]:
    """Who follows at `frequency` and has not had the digest up to `until`: their cursor,
    language, sectors and organisation (inside a `Database.unit`)."""
    return tx.execute(
        "SELECT s.person_id, s.all_sectors, s.covered_until, p.locale, c.organisation_id,"
        " (SELECT group_concat(sector_id) FROM subscription_sector"
        "  WHERE person_id = s.person_id) AS sectors"
        " FROM subscription s JOIN person p ON p.id = s.person_id"
        " LEFT JOIN contact c ON c.person_id = s.person_id"
        " WHERE s.frequency = ? AND s.covered_until < ? AND p.reachable = 1",
        (frequency, until),
    ).fetchall()


def advance(tx: Tx, frequency: str, until: str) -> None:
    """Everyone at `frequency` has had the digest up to `until` (those Telegram no longer
    reaches too: coming back, they do not get a pile of old news)."""
    tx.execute(
        "UPDATE subscription SET covered_until = ? WHERE frequency = ? AND covered_until < ?",
        (until, frequency, until),
    )


async def channel_covered(conn: aiosqlite.Connection, chat: str) -> str | None:
    """Up to when the digest channel had the digest; None before its first."""
    row = await one(conn, "SELECT covered_until FROM digest_channel WHERE chat = ?", (chat,))
    return None if row is None else str(row[0])


def channel_cursor(tx: Tx, chat: str, now: str) -> str:
    """Up to when the digest channel had the digest (from now, the first time)."""
    tx.execute(
        "INSERT INTO digest_channel (chat, covered_until) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (chat, now),
    )
    return str(
        tx.execute("SELECT covered_until FROM digest_channel WHERE chat = ?", (chat,)).fetchone()[0]
    )


def advance_channel(tx: Tx, chat: str, until: str) -> None:
    tx.execute("UPDATE digest_channel SET covered_until = ? WHERE chat = ?", (until, chat))


async def count_following(conn: aiosqlite.Connection) -> int:
    row = await one(
        conn,
        "SELECT count(*) FROM subscription s JOIN person p ON p.id = s.person_id"
        " WHERE s.frequency <> 'none' AND p.reachable = 1",
    )
    return int(row[0]) if row else 0


# -- what a period holds ------------------------------------------------------------------------


async def events(conn: aiosqlite.Connection, since: str, until: str) -> list[Row]:
    """New intentions, status changes and progress in [since, until), oldest first, with
    their intention, organisation and (for progress) the text and values."""
    return await many(
        conn,
        "SELECT e.id, e.intention_id, e.at, e.kind, e.detail, i.title, i.sector_id, i.lever,"
        " o.name AS organisation, p.text AS progress_text"
        " FROM intention_event e JOIN intention i ON i.id = e.intention_id"
        " JOIN organisation o ON o.id = i.organisation_id"
        " LEFT JOIN progress p ON e.kind = 'progress'"
        "  AND p.id = json_extract(e.detail, '$.progress_id')"
        " WHERE e.at >= ? AND e.at < ? AND e.kind IN ('created', 'status', 'progress')"
        " ORDER BY e.at, e.id",
        (since, until),
    )


async def event_counts(conn: aiosqlite.Connection, since: str, until: str) -> list[Row]:
    """How many of each kind of event per sector in [since, until)."""
    return await many(
        conn,
        "SELECT i.sector_id, e.kind, count(*) AS n FROM intention_event e"
        " JOIN intention i ON i.id = e.intention_id"
        " WHERE e.at >= ? AND e.at < ? AND e.kind IN ('created', 'status', 'progress')"
        " GROUP BY 1, 2",
        (since, until),
    )


async def indicators_before(
    conn: aiosqlite.Connection, indicator_ids: Sequence[int], since: str
) -> list[Row]:
    """These indicators, each with its last value logged before `since` (NULL if none):
    one step back in the index per indicator, whatever the history."""
    if not indicator_ids:
        return []
    return await many(
        conn,
        "SELECT d.id, d.intention_id, d.name, d.unit, d.baseline, d.target,"
        " (SELECT pv.value FROM progress_value pv JOIN progress p ON p.id = pv.progress_id"
        "  WHERE pv.indicator_id = d.id AND p.at < ? ORDER BY pv.progress_id DESC LIMIT 1)"
        " AS before FROM indicator d WHERE d.id IN (SELECT value FROM json_each(?))",
        (since, json.dumps(list(indicator_ids))),
    )


async def upcoming_sessions(conn: aiosqlite.Connection, start: str, end: str) -> list[Row]:
    """Sessions scheduled in [start, end), with their sectors."""
    return await many(
        conn,
        "SELECT s.id, s.title, s.start_at, s.all_sectors, s.updated_at,"
        " (SELECT group_concat(sector_id) FROM session_sector WHERE session_id = s.id) AS sectors"
        " FROM session s WHERE s.state = 'scheduled' AND s.start_at >= ? AND s.start_at < ?"
        " ORDER BY s.start_at",
        (start, end),
    )


async def published_paragraphs(conn: aiosqlite.Connection, since: str, until: str) -> list[Row]:
    """Paragraphs of campaigns published in [since, until) whose authors allowed it."""
    return await many(
        conn,
        "SELECT c.id AS campaign_id, c.title, c.titles, e.paragraph, o.sector_id,"
        " CASE WHEN e.consent_name THEN e.published_name END AS name, o.name AS organisation"
        " FROM campaign c JOIN endorsement e ON e.campaign_id = c.id"
        " LEFT JOIN organisation o ON o.id = e.organisation_id"
        " WHERE c.published_at >= ? AND c.published_at < ? AND e.state = 'approved'"
        " AND e.consent_paragraph = 1 ORDER BY c.id, e.id",
        (since, until),
    )


async def totals(conn: aiosqlite.Connection) -> list[Row]:
    """Intentions (not withdrawn) per sector and lever (the figures kept as the bot writes)."""
    return await many(
        conn,
        "SELECT sector_id, lever, sum(n) AS n FROM figure_intentions WHERE status <> 'withdrawn'"
        " GROUP BY 1, 2 HAVING sum(n) > 0",
    )


async def lever_progress(conn: aiosqlite.Connection) -> list[Row]:
    """Per sector and lever: the sum of the indicators' progress (from baseline to target;
    0 before a value) and how many indicators, of intentions not withdrawn."""
    return await many(conn, "SELECT sector_id, lever, n, total FROM figure_progress WHERE n > 0")


async def organisation_open(conn: aiosqlite.Connection, organisation_id: int) -> list[Row]:
    """An organisation's intentions still under way, with the moment of their last
    progress (NULL if none)."""
    return await many(
        conn,
        "SELECT i.id, i.title, i.due_date, i.created_at,"
        " (SELECT max(at) FROM progress WHERE intention_id = i.id) AS last_progress"
        " FROM intention i WHERE i.organisation_id = ?"
        " AND i.status NOT IN ('achieved', 'withdrawn') ORDER BY i.due_date, i.id",
        (organisation_id,),
    )
