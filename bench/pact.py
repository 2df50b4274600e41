"""A generated pact with years of history, for the benches: built with the bot's own
migrations, then filled in bulk with plain SQL in the shape the bot itself writes
(intention events with their JSON detail, progress values, indicators' current value).

At scale 1: 2,000 organisations (one contact each, nl/fr/en), 10,000 intentions over
two years, each with one to three indicators, 100,000 progress updates spread over the
two years in time order (each moves its indicators towards their target), status changes
(committed, achieved, withdrawn), 50 sessions with their invitations and outbox rows, the
team's audit log, invitations to join and requests to, and `subscribers` digest followers
(the contacts first, then readers), following one to three sectors each. Everything is
drawn from a seeded random generator: the same arguments give the same pact.

`NOW` is a Monday 09:00 in Brussels, a digest moment: the week before it is "this week".
`week_only` keeps the pact (organisations, intentions, indicators, subscribers) and only
the activity of that last week: the same week without its history.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import random
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import to_db
from bot.storage.db import Database

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday 30/11/2026 09:00 in Brussels
WEEK = timedelta(days=7)
HISTORY = timedelta(days=730)
SECTORS = 8
LEVERS = ("rights", "agency", "redistribute", "value", "quality", "trust")
LOCALES = ("nl", "nl", "nl", "fr", "en")  # mostly Dutch, as in Flanders
CONTACT_IDS = 1_000_000
INVITEES = 250  # a session's invitees, at every scale (see bench/scale.py)
READER_IDS = 5_000_000
WORDS = [
    "taal", "buddy", "werk", "stage", "school", "jongeren", "nieuwkomers", "mentor", "zorg",
    "huisvesting", "sport", "cultuur", "buurt", "vrijwilligers", "netwerk", "opleiding",
    "gezin", "welzijn", "wijk", "samen",
]  # fmt: skip


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def _title(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize() + f" {n}"


def _fill(path: Path, scale: int, subscribers: int, week_only: bool, seed: int) -> None:
    rng = random.Random(seed)
    start = NOW - HISTORY
    week_start = NOW - WEEK
    keep = (lambda at: at >= week_start) if week_only else (lambda at: True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    organisations = 2_000 * scale
    with conn:
        people, orgs, contacts = [], [], []
        for n in range(organisations):
            person = CONTACT_IDS + n
            created = start - timedelta(days=30 * rng.random())  # signed up at the launch
            people.append((person, rng.choice(LOCALES), to_db(created)))
            name = f"Organisatie {n} {rng.choice(WORDS)}"
            orgs.append((n + 1, name, name.lower().replace(" ", ""), 1 + n % SECTORS, created))
            contacts.append((person, n + 1, f"Contact {n}", to_db(created)))
        conn.executemany("INSERT INTO person (id, locale, created_at) VALUES (?, ?, ?)", people)
        conn.executemany(
            "INSERT INTO organisation (id, name, name_key, sector_id, created_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, NULL)",
            [(i, name, key, sector, to_db(at)) for i, name, key, sector, at in orgs],
        )
        conn.executemany(
            "INSERT INTO contact (person_id, organisation_id, display_name, joined_at)"
            " VALUES (?, ?, ?, ?)",
            contacts,
        )

        # Intentions, their indicators, and what happens to them, in time order.
        intentions, indicators = [], []
        events: list[tuple[int, str, str, Mapping[str, object]]] = []
        of_intention: dict[int, list[tuple[int, float, float]]] = {}
        # (ids in the order they were recorded)
        created_at = sorted(_moment(rng, start, NOW) for _ in range(10_000 * scale))
        indicator_id = 0
        for n, created in enumerate(created_at):
            intention = n + 1
            organisation = 1 + rng.randrange(organisations)
            due = (created + timedelta(days=rng.randint(120, 900))).date()
            intentions.append(
                (
                    intention,
                    organisation,
                    _title(rng, intention),
                    "Beschrijving van het engagement.",
                    orgs[organisation - 1][3],
                    rng.choice(LEVERS),
                    due.isoformat(),
                    to_db(created),
                    to_db(created),
                    CONTACT_IDS + organisation - 1,
                )
            )
            mine = []
            for position in range(rng.randint(1, 3)):
                indicator_id += 1
                target = float(rng.choice((10, 20, 50, 100, 250)))
                indicators.append(
                    (indicator_id, intention, f"Indicator {position + 1}", "personen", target)
                )
                mine.append((indicator_id, 0.0, target))
            of_intention[intention] = mine
            if keep(created):
                events.append((intention, to_db(created), "created", {"title": "…"}))
        conn.executemany(
            "INSERT INTO intention (id, organisation_id, title, description, sector_id, lever,"
            " due_date, created_at, updated_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            intentions,
        )
        conn.executemany(
            "INSERT INTO indicator (id, intention_id, name, unit, baseline, target, position)"
            " VALUES (?, ?, ?, ?, 0, ?, 1)",
            indicators,
        )

        # Statuses: most are committed some time after they were recorded; some achieved,
        # a few withdrawn.
        statuses = []
        for n, created in enumerate(created_at):
            intention = n + 1
            status = "intention"
            at = created
            for step in ("committed", "achieved"):
                if rng.random() < (0.7 if step == "committed" else 0.3):
                    at += timedelta(days=120 * rng.random())
                    if at >= NOW:
                        break
                    if keep(at):
                        change = {"from": status, "to": step}
                        events.append((intention, to_db(at), "status", change))
                    status = step
                else:
                    break
            if status == "intention" and rng.random() < 0.05:
                at = _moment(rng, at, NOW)
                if keep(at):
                    change = {"from": status, "to": "withdrawn"}
                    events.append((intention, to_db(at), "status", change))
                status = "withdrawn"
            statuses.append((status, intention))
        conn.executemany("UPDATE intention SET status = ? WHERE id = ?", statuses)

        # Progress: 100,000 updates over the two years, in time order, each moving the
        # intention's indicators a step towards their target.
        moments = sorted(_moment(rng, start, NOW) for _ in range(100_000 * scale))
        current: dict[int, float] = {}
        progress, values = [], []
        progress_id = 0
        for at in moments:
            recorded = bisect.bisect(created_at, at)  # intentions recorded by then
            if not recorded:
                continue  # (the first hours of the pact)
            intention = 1 + rng.randrange(recorded)
            progress_id += 1
            moved: dict[str, float] = {}
            for indicator, _, target in of_intention[intention]:
                value = min(target, current.get(indicator, 0.0) + round(target * rng.random() / 8))
                current[indicator] = value
                moved[str(indicator)] = value
                if keep(at):
                    values.append((progress_id, indicator, value))
            if keep(at):
                progress.append(
                    (progress_id, intention, "Weer een stap vooruit.", to_db(at), CONTACT_IDS)
                )
                detail = {"progress_id": progress_id, "values": moved}
                events.append((intention, to_db(at), "progress", detail))
        conn.executemany(
            "INSERT INTO progress (id, intention_id, text, at, author_id) VALUES (?, ?, ?, ?, ?)",
            progress,
        )
        conn.executemany(
            "INSERT INTO progress_value (progress_id, indicator_id, value) VALUES (?, ?, ?)",
            values,
        )
        conn.executemany(
            "UPDATE indicator SET current = ? WHERE id = ?",
            [(value, indicator) for indicator, value in current.items()],
        )
        events.sort(key=lambda e: e[1])
        conn.executemany(
            "INSERT INTO intention_event (intention_id, at, author_id, kind, detail)"
            " VALUES (?, ?, NULL, ?, ?)",
            [(i, at, kind, json.dumps(detail)) for i, at, kind, detail in events],
        )

        # Sessions: 50 per scale over the two years and the weeks ahead, each inviting
        # `INVITEES` contacts of its sector (an invitation and its calendar file, reminders
        # 7 days, 1 day and 2 hours before, the question after): sent for sessions past,
        # pending for those ahead. So the outbox holds years of history.
        sessions = sorted(_moment(rng, start, NOW + WEEK * 6) for _ in range(50 * scale))
        by_sector: dict[int, list[int]] = {}
        for person, organisation, _, _ in contacts:
            by_sector.setdefault(orgs[organisation - 1][3], []).append(person)
        outbox, invitations = [], []
        for n, at in enumerate(sessions):
            session, sector = n + 1, 1 + n % SECTORS
            created = at - WEEK * 3
            conn.execute(
                "INSERT INTO session (id, title, start_at, duration_minutes, place, url, agenda,"
                " offsets, all_sectors, created_by, created_at, updated_at)"
                " VALUES (?, ?, ?, 90, 'Brussel', NULL, '1. Welkom', '[10080, 1440, 120]', 0,"
                " 1, ?, ?)",
                (session, f"Opvolgmoment {session}", to_db(at), to_db(created), to_db(created)),
            )
            conn.execute("INSERT INTO session_sector VALUES (?, ?)", (session, sector))
            subject = f"session:{session}"
            for person in rng.sample(by_sector[sector], min(INVITEES, len(by_sector[sector]))):
                organisation = person - CONTACT_IDS + 1
                answer = rng.choice((None, "yes", "maybe", "no")) if created < NOW else None
                invitations.append((session, person, organisation, to_db(created), answer))
                planned: list[tuple[str, datetime, int | None]] = [
                    ("invite", created, None),
                    ("ics", created, None),
                ]
                planned += [("reminder", at - timedelta(minutes=m), m) for m in (10080, 1440, 120)]
                planned.append(("followup", at + timedelta(minutes=90), None))
                for kind, due, offset in planned:
                    state = "sent" if due < NOW else "pending"
                    payload = {"session_id": session, "sequence": 0}
                    if offset:
                        payload["offset"] = offset
                    outbox.append(
                        (
                            person,
                            kind,
                            subject,
                            f"session:{session}:{kind}" + (f"-{offset}" if offset else ""),
                            json.dumps(payload),
                            to_db(due),
                            f"{kind}:{session}:{person}:0:{offset}",
                            state,
                            to_db(created),
                            to_db(due) if state == "sent" else None,
                        )
                    )
        conn.executemany(
            "INSERT INTO invitation (session_id, person_id, organisation_id, invited_at, rsvp)"
            " VALUES (?, ?, ?, ?, ?)",
            invitations,
        )
        conn.executemany(
            "INSERT INTO outbox (recipient_id, kind, subject, batch, payload, due_at,"
            " idempotency_key, state, created_at, sent_at, done_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, row[-1]) for row in outbox],
        )

        # What the team did (the audit log), invitations to join and requests to.
        conn.executemany(
            "INSERT INTO audit_log (at, actor_id, action, detail) VALUES (?, ?, ?, ?)",
            [
                (to_db(_moment(rng, start, NOW)), 1 + n % 5, "session.schedule", "{}")
                for n in range(5_000 * scale)
            ],
        )
        conn.executemany(
            "INSERT INTO invite (code, organisation_id, created_by, created_at, expires_at,"
            " used_by, used_at) VALUES (?, ?, ?, ?, ?, NULL, NULL)",
            [
                (f"code{n}", 1 + n % organisations, CONTACT_IDS + n % organisations,
                 to_db(start), to_db(start + WEEK))
                for n in range(organisations)
            ],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO join_request (organisation_id, person_id, display_name, created_at,"
            " state) VALUES (?, ?, 'Collega', ?, 'declined')",
            [
                (1 + n % organisations, READER_IDS + 900_000 + n, to_db(start))
                for n in range(organisations // 2)
            ],
        )

        # Followers: the contacts, then readers; each follows one to three sectors.
        followers = [CONTACT_IDS + n for n in range(min(organisations, subscribers))]
        readers = [READER_IDS + n for n in range(subscribers - len(followers))]
        conn.executemany(
            "INSERT INTO person (id, locale, created_at) VALUES (?, ?, ?)",
            [(p, rng.choice(LOCALES), to_db(start)) for p in readers],
        )
        followers += readers
        cursor = to_db(NOW - WEEK)
        conn.executemany(
            "INSERT INTO subscription (person_id, frequency, all_sectors, covered_until,"
            " created_at, updated_at) VALUES (?, 'weekly', 0, ?, ?, ?)",
            [(p, cursor, to_db(start), to_db(start)) for p in followers],
        )
        conn.executemany(
            "INSERT INTO subscription_sector (person_id, sector_id) VALUES (?, ?)",
            [
                (p, sector)
                for p in followers
                for sector in rng.sample(range(1, SECTORS + 1), rng.randint(1, 3))
            ],
        )
    conn.execute("ANALYZE")
    conn.close()


def build(
    path: Path, scale: int = 1, subscribers: int = 10_000, week_only: bool = False, seed: int = 7
) -> Path:
    """Create the pact's database at `path` (the bot's migrations, then the data)."""

    async def migrate() -> None:
        db = Database(path)
        await db.open()
        await db.close()

    asyncio.run(migrate())
    _fill(path, scale, subscribers, week_only, seed)
    return path
