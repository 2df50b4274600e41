"""What the public page reads: the pact-wide figures kept by triggers, and of the
organisations that agreed (`public = 1`) their intentions picked by index a page at a
time, with their indicators and progress. Nothing about any person."""

from __future__ import annotations

import aiosqlite

from bot.storage.db import Row, many, one

# Each organisation is looked up by its key, row by row, as the intentions (or events) go
# newest first: a join would let SQLite build a filter over every agreed organisation
# first, a cost that grows with the pact.
_AGREED = "(SELECT public FROM organisation WHERE id = i.organisation_id) = 1"
_OWNER = "(SELECT organisation_id FROM intention WHERE id = e.intention_id)"
_INTENTION = (
    "SELECT i.id, i.title, i.description, i.sector_id, i.lever, i.status, i.due_date,"
    " i.organisation_id,"
    " (SELECT name FROM organisation WHERE id = i.organisation_id) AS organisation,"
    " (SELECT website FROM organisation WHERE id = i.organisation_id) AS website"
    " FROM intention i"
)


async def figures(conn: aiosqlite.Connection) -> tuple[list[Row], list[Row], list[Row]]:
    """Organisations per sector; intentions per sector, lever and status; indicator
    progress per sector and lever (sums kept by triggers: the same cost at any size)."""
    organisations = await many(conn, "SELECT sector_id, n FROM figure_organisations")
    intentions = await many(conn, "SELECT sector_id, lever, status, n FROM figure_intentions")
    progress = await many(conn, "SELECT sector_id, lever, n, total FROM figure_progress")
    return organisations, intentions, progress


async def recent(conn: aiosqlite.Connection, since: str, limit: int) -> list[Row]:
    """The latest changes to agreed organisations' intentions (a range of the time index)."""
    return await many(
        conn,
        # The newest events first, down the time index, stopping at the limit (not every
        # event of the month, then sorted).
        "SELECT e.kind, e.at, e.detail, e.intention_id AS id,"  # noqa: S608 - constants only
        " (SELECT title FROM intention WHERE id = e.intention_id) AS title,"
        f" (SELECT name FROM organisation WHERE id = {_OWNER}) AS organisation"
        " FROM intention_event e"
        " WHERE e.at >= ? AND e.kind IN ('created', 'status', 'progress')"
        f" AND (SELECT public FROM organisation WHERE id = {_OWNER}) = 1"
        " ORDER BY e.at DESC LIMIT ?",
        (since, limit),
    )


async def page(
    conn: aiosqlite.Connection,
    sector: int | None,
    lever: str | None,
    status: str | None,
    offset: int,
    limit: int,
) -> list[Row]:
    """A page of agreed organisations' intentions, newest first, filtered."""
    where = [_AGREED]
    params: list[object] = []
    # `+`: no index for these; the newest ids first, filtered as they come, whatever the
    # size of a sector (an index would sort all of its intentions first).
    for column, value in (("+i.sector_id", sector), ("+i.lever", lever), ("+i.status", status)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    sql = f"{_INTENTION} WHERE {' AND '.join(where)} ORDER BY i.id DESC LIMIT ? OFFSET ?"
    return await many(conn, sql, (*params, limit, offset))


async def intention(conn: aiosqlite.Connection, intention_id: int) -> Row | None:
    sql = _INTENTION + " WHERE i.id = ? AND " + _AGREED
    return await one(conn, sql, (intention_id,))


async def indicators(conn: aiosqlite.Connection, intention_ids: list[int]) -> list[Row]:
    marks = ",".join("?" * len(intention_ids))
    sql = (
        "SELECT id, intention_id, name, unit, baseline, target, current FROM indicator"  # noqa: S608
        f" WHERE intention_id IN ({marks}) ORDER BY intention_id, position, id"
    )
    return await many(conn, sql, intention_ids)


async def history(conn: aiosqlite.Connection, intention_id: int, limit: int) -> list[Row]:
    return await many(
        conn,
        "SELECT at, text FROM progress WHERE intention_id = ? ORDER BY at DESC LIMIT ?",
        (intention_id, limit),
    )
