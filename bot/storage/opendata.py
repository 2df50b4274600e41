"""What the pact publishes as open data: only organisations that agreed (`public = 1`),
their intentions, indicators and progress; sessions' public fields; endorsements as their
authors allowed; the figures. Never a contact, a Telegram id or an author who did not
allow their name."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Row, many

QUERIES: dict[str, str] = {
    "sectors": "SELECT id, code, name_nl, name_fr, name_en FROM sector ORDER BY position, id",
    "organisations": (
        "SELECT id, name, sector_id, website, description FROM organisation"
        " WHERE public = 1 ORDER BY id"
    ),
    "intentions": (
        "SELECT id, organisation_id, title, description, sector_id, lever, status, due_date,"
        " created_at, updated_at FROM intention"
        " WHERE organisation_id IN (SELECT id FROM organisation WHERE public = 1) ORDER BY id"
    ),
    "indicators": (
        "SELECT d.id, d.intention_id, d.name, d.unit, d.baseline, d.target, d.current"
        " FROM indicator d JOIN intention i ON i.id = d.intention_id"
        " WHERE i.organisation_id IN (SELECT id FROM organisation WHERE public = 1) ORDER BY d.id"
    ),
    "progress": (
        "SELECT p.id, p.intention_id, p.at, p.text FROM progress p"
        " JOIN intention i ON i.id = p.intention_id"
        " WHERE i.organisation_id IN (SELECT id FROM organisation WHERE public = 1) ORDER BY p.id"
    ),
    "progress_values": (
        "SELECT v.progress_id, v.indicator_id, v.value FROM progress_value v"
        " JOIN progress p ON p.id = v.progress_id JOIN intention i ON i.id = p.intention_id"
        " WHERE i.organisation_id IN (SELECT id FROM organisation WHERE public = 1)"
        " ORDER BY v.progress_id, v.indicator_id"
    ),
    "sessions": (
        "SELECT s.id, s.title, s.start_at, s.duration_minutes, s.all_sectors,"
        " (SELECT group_concat(sector_id, ' ') FROM session_sector WHERE session_id = s.id)"
        " AS sectors FROM session s WHERE s.state = 'scheduled' ORDER BY s.start_at, s.id"
    ),
    "endorsements": (
        "SELECT e.id, e.campaign_id, c.title AS campaign,"
        " CASE WHEN e.consent_name THEN e.published_name END AS name,"
        " o.name AS organisation,"
        " CASE WHEN e.consent_paragraph THEN e.paragraph END AS paragraph"
        " FROM endorsement e JOIN campaign c ON c.id = e.campaign_id"
        " LEFT JOIN organisation o ON o.id = e.organisation_id"
        " WHERE c.state = 'published' AND e.state = 'approved'"
        " AND (e.consent_name = 1 OR e.consent_paragraph = 1 OR e.organisation_id IS NOT NULL)"
        " ORDER BY e.campaign_id, e.id"
    ),
    "figures": (
        "SELECT sector_id, lever, status, n AS intentions FROM figure_intentions"
        " WHERE n > 0 ORDER BY sector_id, lever, status"
    ),
}


async def rows(conn: aiosqlite.Connection, resource: str) -> list[Row]:
    return await many(conn, QUERIES[resource])


async def changed(conn: aiosqlite.Connection) -> str:
    """A mark that moves whenever what is published may have changed."""
    found = await many(
        conn,
        "SELECT (SELECT max(id) FROM intention_event), (SELECT max(id) FROM progress),"
        " (SELECT max(public_at) FROM organisation), (SELECT max(updated_at) FROM session),"
        " (SELECT max(published_at) FROM campaign), (SELECT count(*) FROM organisation),"
        " (SELECT count(*) FROM organisation WHERE public = 1),"
        " (SELECT max(id) FROM indicator)",
    )
    return "|".join(str(value) for value in found[0])
