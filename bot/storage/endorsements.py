"""SQL for campaigns (the opinion text put up for endorsement) and endorsements."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import aiosqlite

from bot.storage.db import Row, many, one
from bot.storage.privacy import PersonalData

PERSONAL_DATA = (
    PersonalData("endorsement", "person_id"),
    PersonalData("endorsement", "moderated_by", forget="anonymise"),
    PersonalData("endorsement_start", "person_id"),
    PersonalData("campaign", "created_by", forget="anonymise"),
)

# A campaign comes with its texts as a JSON object {locale: body}.
_CAMPAIGN = (
    "SELECT c.*, (SELECT json_group_object(locale, body) FROM campaign_text"
    " WHERE campaign_id = c.id) AS texts FROM campaign c"
)
# An endorsement comes with its campaign's title and its organisation's name and sector.
_ENDORSEMENT = (
    "SELECT e.*, c.title AS campaign_title, c.titles AS campaign_titles,"
    " c.deadline AS campaign_deadline,"
    " o.name AS organisation_name, o.sector_id AS sector_id"
    " FROM endorsement e JOIN campaign c ON c.id = e.campaign_id"
    " LEFT JOIN organisation o ON o.id = e.organisation_id"
)


# -- campaigns ----------------------------------------------------------------------------


async def insert_campaign(
    conn: aiosqlite.Connection,
    *,
    code: str,
    title: str,
    deadline: str,
    line_cap: int,
    char_cap: int,
    texts: Mapping[str, str],
    titles: Mapping[str, str],
    created_by: int,
    now: str,
) -> int:
    cursor = await conn.execute(
        "INSERT INTO campaign (code, title, titles, deadline, line_cap, char_cap, created_by,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (code, title, json.dumps(dict(titles)), deadline, line_cap, char_cap, created_by, now),
    )
    campaign_id = int(cursor.lastrowid or 0)
    await conn.executemany(
        "INSERT INTO campaign_text (campaign_id, locale, body) VALUES (?, ?, ?)",
        [(campaign_id, locale, body) for locale, body in texts.items()],
    )
    return campaign_id


async def campaign(conn: aiosqlite.Connection, campaign_id: int) -> Row | None:
    return await one(conn, f"{_CAMPAIGN} WHERE c.id = ?", (campaign_id,))


async def campaign_by_code(conn: aiosqlite.Connection, code: str) -> Row | None:
    return await one(conn, f"{_CAMPAIGN} WHERE c.code = ?", (code,))


async def campaigns(conn: aiosqlite.Connection, limit: int) -> list[Row]:
    """The latest campaigns first."""
    return await many(conn, f"{_CAMPAIGN} ORDER BY c.id DESC LIMIT ?", (limit,))


async def open_campaigns(conn: aiosqlite.Connection, now: str) -> list[Row]:
    """Campaigns open for endorsement now, the soonest deadline first."""
    return await many(
        conn,
        f"{_CAMPAIGN} WHERE c.state = 'open' AND c.deadline > ? ORDER BY c.deadline",
        (now,),
    )


async def set_campaign(
    conn: aiosqlite.Connection, campaign_id: int, fields: dict[str, Any]
) -> None:
    allowed = {"state", "deadline", "opened_at", "published_at", "published_note"}
    if not fields or set(fields) - allowed:
        raise ValueError(f"cannot set {set(fields) - allowed}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    await conn.execute(
        f"UPDATE campaign SET {assignments} WHERE id = ?",  # noqa: S608
        (*fields.values(), campaign_id),
    )


# -- endorsements -------------------------------------------------------------------------


async def endorsement(conn: aiosqlite.Connection, endorsement_id: int) -> Row | None:
    return await one(conn, f"{_ENDORSEMENT} WHERE e.id = ?", (endorsement_id,))


async def existing(
    conn: aiosqlite.Connection, campaign_id: int, person_id: int, organisation_id: int | None
) -> Row | None:
    """The endorsement this choice already made: the person's own, or the organisation's."""
    if organisation_id is None:
        sql = f"{_ENDORSEMENT} WHERE e.campaign_id = ? AND e.person_id = ? AND e.organisation_id IS NULL"  # noqa: E501
        return await one(conn, sql, (campaign_id, person_id))
    sql = f"{_ENDORSEMENT} WHERE e.campaign_id = ? AND e.organisation_id = ?"
    return await one(conn, sql, (campaign_id, organisation_id))


async def of_person(conn: aiosqlite.Connection, campaign_id: int, person_id: int) -> list[Row]:
    """What this person wrote for the campaign (personally, on behalf), withdrawn ones too."""
    sql = f"{_ENDORSEMENT} WHERE e.campaign_id = ? AND e.person_id = ? ORDER BY e.id"
    return await many(conn, sql, (campaign_id, person_id))


async def insert(conn: aiosqlite.Connection, values: dict[str, Any]) -> int:
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    cursor = await conn.execute(
        f"INSERT INTO endorsement ({columns}) VALUES ({marks})",  # noqa: S608
        tuple(values.values()),
    )
    return int(cursor.lastrowid or 0)


_EDITABLE = {
    "published_name",
    "paragraph",
    "consent_name",
    "consent_name_at",
    "consent_paragraph",
    "consent_paragraph_at",
    "consent_notify",
    "consent_notify_at",
    "state",
    "reason",
    "moderated_by",
    "moderated_at",
    "updated_at",
}


async def update(
    conn: aiosqlite.Connection, endorsement_id: int, fields: dict[str, Any], *, when_state: str
) -> bool:
    """Change an endorsement that is in `when_state` (or any, with "*"); whether it did."""
    if not fields or set(fields) - _EDITABLE:
        raise ValueError(f"cannot set {set(fields) - _EDITABLE}")
    assignments = ", ".join(f"{name} = ?" for name in fields)
    condition, params = ("", ()) if when_state == "*" else (" AND state = ?", (when_state,))
    cursor = await conn.execute(
        f"UPDATE endorsement SET {assignments} WHERE id = ?{condition}",  # noqa: S608
        (*fields.values(), endorsement_id, *params),
    )
    return cursor.rowcount == 1


async def set_author(conn: aiosqlite.Connection, endorsement_id: int, person_id: int) -> None:
    await conn.execute(
        "UPDATE endorsement SET person_id = ? WHERE id = ?", (person_id, endorsement_id)
    )


async def waiting(
    conn: aiosqlite.Connection, limit: int, after: tuple[str, int] | None = None
) -> list[Row]:
    """Paragraphs waiting for the pact team, the oldest first (after the one at `after`,
    its `(updated_at, id)`, when one is passed by)."""
    if after is None:
        sql = f"{_ENDORSEMENT} WHERE e.state = 'submitted' ORDER BY e.updated_at, e.id LIMIT ?"
        return await many(conn, sql, (limit,))
    sql = (
        f"{_ENDORSEMENT} WHERE e.state = 'submitted' AND (e.updated_at, e.id) > (?, ?)"
        " ORDER BY e.updated_at, e.id LIMIT ?"
    )
    return await many(conn, sql, (*after, limit))


async def count_waiting(conn: aiosqlite.Connection) -> int:
    row = await one(conn, "SELECT count(*) FROM endorsement WHERE state = 'submitted'")
    return int(row[0]) if row else 0


async def of_campaign(conn: aiosqlite.Connection, campaign_id: int) -> list[Row]:
    """Every endorsement of a campaign, for the exports and the published opinion."""
    sql = f"{_ENDORSEMENT} WHERE e.campaign_id = ? ORDER BY e.id"
    return await many(conn, sql, (campaign_id,))


async def figures(conn: aiosqlite.Connection, campaign_id: int) -> list[Row]:
    """Endorsements counted by state, on behalf or not, and sector (of the organisation)."""
    return await many(
        conn,
        "SELECT e.state, e.organisation_id IS NOT NULL AS on_behalf, o.sector_id,"
        " count(*) AS n FROM endorsement e LEFT JOIN organisation o ON o.id = e.organisation_id"
        " WHERE e.campaign_id = ? GROUP BY 1, 2, 3",
        (campaign_id,),
    )


async def to_notify(conn: aiosqlite.Connection, campaign_id: int) -> list[int]:
    """Who asked to be told when and how the opinion is published."""
    rows = await many(
        conn,
        "SELECT DISTINCT person_id FROM endorsement WHERE campaign_id = ?"
        " AND consent_notify = 1 AND state <> 'withdrawn'",
        (campaign_id,),
    )
    return [r[0] for r in rows]


# -- who started ----------------------------------------------------------------------------


async def record_start(
    conn: aiosqlite.Connection, campaign_id: int, person_id: int, now: str
) -> bool:
    """Someone started to endorse; whether it is the first time."""
    cursor = await conn.execute(
        "INSERT INTO endorsement_start (campaign_id, person_id, started_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (campaign_id, person_id, now),
    )
    return cursor.rowcount == 1


async def start(conn: aiosqlite.Connection, campaign_id: int, person_id: int) -> Row | None:
    return await one(
        conn,
        "SELECT * FROM endorsement_start WHERE campaign_id = ? AND person_id = ?",
        (campaign_id, person_id),
    )


async def stop_reminders(conn: aiosqlite.Connection, campaign_id: int, person_id: int) -> None:
    await conn.execute(
        "UPDATE endorsement_start SET reminders = 0 WHERE campaign_id = ? AND person_id = ?",
        (campaign_id, person_id),
    )
