"""SQL for the pact team's exports: each a list of rows, in the order a reader expects."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Row, many

_QUERIES = {
    # Organisations and their contacts: one row per contact (an organisation without
    # contacts has one row with none).
    "organisations": (
        "SELECT o.id, o.name, o.sector_id, o.website, o.created_at, c.display_name,"
        " c.person_id, c.joined_at,"
        " (SELECT count(*) FROM intention i WHERE i.organisation_id = o.id) AS intentions"
        " FROM organisation o LEFT JOIN contact c ON c.organisation_id = o.id"
        " ORDER BY o.name COLLATE NOCASE, o.id, c.joined_at"
    ),
    # Intentions with each indicator and its latest value: one row per indicator.
    "intentions": (
        "SELECT i.id, o.name AS organisation, i.title, i.sector_id, i.lever, i.status,"
        " i.due_date, i.created_at, d.name AS indicator, d.unit, d.baseline, d.target,"
        " d.current FROM intention i JOIN organisation o ON o.id = i.organisation_id"
        " LEFT JOIN indicator d ON d.intention_id = i.id ORDER BY i.id, d.position, d.id"
    ),
    # Every progress update, oldest first, with the values it logged.
    "progress": (
        "SELECT p.id, p.at, i.id AS intention_id, i.title, o.name AS organisation, p.text,"
        " (SELECT json_group_array(json_array(d.name, v.value)) FROM progress_value v"
        "  JOIN indicator d ON d.id = v.indicator_id WHERE v.progress_id = p.id) AS vals"
        " FROM progress p JOIN intention i ON i.id = p.intention_id"
        " JOIN organisation o ON o.id = i.organisation_id ORDER BY p.at, p.id"
    ),
    # Sessions and who was invited, with their answer.
    "sessions": (
        "SELECT s.id, s.title, s.start_at, s.state, o.name AS organisation,"
        " c.display_name, v.person_id, v.rsvp, v.answered_at"
        " FROM session s LEFT JOIN invitation v ON v.session_id = s.id"
        " LEFT JOIN organisation o ON o.id = v.organisation_id"
        " LEFT JOIN contact c ON c.person_id = v.person_id"
        " ORDER BY s.start_at, s.id, o.name COLLATE NOCASE"
    ),
    # Broadcasts and where their messages stand.
    "broadcasts": (
        "SELECT b.id, b.created_at, b.state, json_extract(b.audience, '$.kind') AS audience,"
        " b.recipients, b.created_by, b.approved_by,"
        " count(CASE WHEN m.state = 'sent' THEN 1 END) AS sent,"
        " count(CASE WHEN m.state = 'blocked' THEN 1 END) AS blocked,"
        " count(CASE WHEN m.state = 'failed' THEN 1 END) AS failed,"
        " count(CASE WHEN m.state IN ('void', 'skipped') THEN 1 END) AS cancelled,"
        " count(CASE WHEN m.state = 'pending' THEN 1 END) AS pending"
        " FROM broadcast b LEFT JOIN outbox m ON m.batch = 'broadcast:' || b.id"
        " GROUP BY b.id ORDER BY b.id"
    ),
}
EXPORTS = tuple(_QUERIES)


async def rows(conn: aiosqlite.Connection, what: str) -> list[Row]:
    return await many(conn, _QUERIES[what])
