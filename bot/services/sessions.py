"""Follow-up sessions per sector: scheduling, invitations, answers, reminders, changes.

Every message about a session is an outbox row queued in the same transaction as the
change it announces. Reminder keys carry the start they were made for, so a move makes
the old ones void twice over: they are marked void, and a reminder whose start no longer
matches is skipped when it comes up.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock, from_db, to_db
from bot.delivery.outbox import BatchReport, Message, Outbox
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.team import Team
from bot.storage import audit, sessions
from bot.storage.db import Database, Row

DEFAULT_OFFSETS = (7 * 1440, 1440, 120)
TITLE_MAX = 120
AGENDA_MAX = 1000
PLACE_MAX = 200
RSVP = ("yes", "maybe", "no")
# Everything queued about a session, voided when it moves or is cancelled.
SESSION_KINDS = ("invite", "ics", "reminder", "followup", "moved", "changed")


@dataclass(frozen=True, slots=True)
class Session:
    id: int
    title: str
    start: dt.datetime
    duration: dt.timedelta
    place: str | None
    url: str | None
    agenda: str
    offsets: list[int]
    sector_ids: list[int] | None  # None: every sector
    sequence: int
    state: str

    @property
    def end(self) -> dt.datetime:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class SessionDraft:
    title: str
    sector_ids: Sequence[int] | None
    start: dt.datetime
    duration_minutes: int
    place: str | None
    url: str | None
    agenda: str
    offsets: Sequence[int] = DEFAULT_OFFSETS


@dataclass(frozen=True, slots=True)
class Upcoming:
    session: Session
    invited: int
    yes: int
    maybe: int
    no: int


@dataclass(frozen=True, slots=True)
class Attendee:
    organisation: str
    name: str
    rsvp: str | None
    answered_at: dt.datetime | None


def _session(row: Row) -> Session:
    sector_ids = [int(s) for s in json.loads(row["sector_ids"] or "[]")]
    return Session(
        id=row["id"],
        title=row["title"],
        start=from_db(row["start_at"]),
        duration=dt.timedelta(minutes=row["duration_minutes"]),
        place=row["place"],
        url=row["url"],
        agenda=row["agenda"],
        offsets=json.loads(row["offsets"]),
        sector_ids=None if row["all_sectors"] else sector_ids,
        sequence=row["sequence"],
        state=row["state"],
    )


def _subject(session_id: int) -> str:
    return f"session:{session_id}"


def batch_of(session_id: int, kind: str, sequence: int) -> str:
    """The bulk send of one kind of message about one version of a session."""
    return f"session:{session_id}:{kind}:{sequence}"


def reminder_time(start: dt.datetime, offset_minutes: int, tz: dt.tzinfo) -> dt.datetime:
    """Whole days before keep the local time of day across a daylight-saving change
    (a 10:00 session is reminded at 10:00); hours and minutes are exact durations."""
    if offset_minutes % 1440 == 0:
        local = start.astimezone(tz)
        return (local - dt.timedelta(days=offset_minutes // 1440)).astimezone(dt.UTC)
    return start - dt.timedelta(minutes=offset_minutes)


def check_title(value: str) -> str:
    return validation.text(value, max_length=TITLE_MAX, single_line=True, min_length=3)


def check_place(value: str) -> str:
    return validation.text(value, max_length=PLACE_MAX, single_line=True, min_length=2)


def check_agenda(value: str) -> str:
    return validation.text(value, max_length=AGENDA_MAX, min_length=3)


class Sessions:
    def __init__(self, db: Database, clock: Clock, team: Team, outbox: Outbox, tz: dt.tzinfo):
        self._db = db
        self._clock = clock
        self._team = team
        self._outbox = outbox
        self._tz = tz

    async def get(self, session_id: int) -> Session | None:
        row = await sessions.get(self._db.reader, session_id)
        return _session(row) if row else None

    async def _require(self, session_id: int) -> Session:
        session = await self.get(session_id)
        if session is None:
            raise NotAllowed(N_("That session does not exist (any more)."))
        return session

    async def schedule(self, actor_id: int, draft: SessionDraft) -> tuple[Session, int]:
        """Store the session and queue, for every contact in its sectors (once each), the
        invitation, its calendar file, the reminders and the question afterwards."""
        await self._team.require_member(actor_id)
        now = self._clock.now()
        if draft.start <= now:
            raise Invalid(
                N_("That moment is in the past. Choose a later one, like {example}."),
                example=validation.example_moment(self._tz, now),
            )
        validation.moment_in_range(draft.start, now)
        if not draft.place and not draft.url:
            raise Invalid(N_("Give a place, an online link, or both."))
        async with self._db.transaction() as tx:
            session_id = await sessions.insert(
                tx,
                title=check_title(draft.title),
                start_at=to_db(draft.start),
                duration_minutes=draft.duration_minutes,
                place=draft.place,
                url=draft.url,
                agenda=check_agenda(draft.agenda),
                offsets=list(draft.offsets),
                sector_ids=None if draft.sector_ids is None else sorted(set(draft.sector_ids)),
                created_by=actor_id,
                now=to_db(now),
            )
            row = await sessions.get(tx, session_id)
            assert row is not None
            session = _session(row)
            found = await sessions.contacts_in_sectors(tx, session.sector_ids)
            invitees = sorted({(r["person_id"], r["organisation_id"]) for r in found})
            await sessions.invite(tx, session_id, invitees, to_db(now))
            people = [person for person, _ in invitees]
            messages = [
                *self._announce("invite", session, people, now),
                *self._plan(session, people, now),
            ]
            await self._outbox.enqueue(tx, messages)
            await audit.record(
                tx, actor_id, "session.schedule", {"session_id": session_id}, to_db(now)
            )
        return session, len(people)

    def _announce(
        self,
        kind: str,
        session: Session,
        people: Sequence[int],
        now: dt.datetime,
        **extra: object,
    ) -> list[Message]:
        """A message of `kind` now to each person, with the calendar file after it (for a
        cancellation, the file that takes the session out of their calendar)."""
        subject = _subject(session.id)
        sequence = session.sequence
        messages: list[Message] = []
        for person in people:
            payload = {"session_id": session.id, "sequence": sequence, **extra}
            messages += [
                Message(
                    person,
                    kind,
                    now,
                    f"{kind}:{session.id}:{person}:{sequence}",
                    payload,
                    subject=subject,
                    batch=batch_of(session.id, kind, sequence),
                ),
                Message(
                    person,
                    "ics",
                    now,
                    f"ics:{session.id}:{person}:{sequence}",
                    {"session_id": session.id, "sequence": sequence},
                    subject=subject,
                    batch=batch_of(session.id, "ics", sequence),
                ),
            ]
        return messages

    def _plan(self, session: Session, people: Sequence[int], now: dt.datetime) -> list[Message]:
        """Reminders still ahead, and the question after the session. Keys carry the
        session's sequence, so a session moved away and back is planned afresh."""
        start = to_db(session.start)
        subject = _subject(session.id)
        sequence = session.sequence
        messages: list[Message] = []
        for person in people:
            for offset in session.offsets:
                due = reminder_time(session.start, offset, self._tz)
                if due <= now:
                    continue  # that reminder's moment has gone already
                messages.append(
                    Message(
                        person,
                        "reminder",
                        due,
                        f"reminder:{session.id}:{person}:{sequence}:{offset}",
                        {"session_id": session.id, "start": start, "offset": offset},
                        subject=subject,
                        batch=batch_of(session.id, f"reminder-{offset}", sequence),
                        # Two reminders due at once (after downtime): only the later goes.
                        collapse=f"reminder:{session.id}:{person}",
                    )
                )
            messages.append(
                Message(
                    person,
                    "followup",
                    session.end,
                    f"followup:{session.id}:{person}:{sequence}",
                    {"session_id": session.id, "start": start},
                    subject=subject,
                    batch=batch_of(session.id, "followup", sequence),
                )
            )
        return messages

    async def _invitees(self, tx: aiosqlite.Connection, session_id: int) -> list[int]:
        return [r["person_id"] for r in await sessions.invitations(tx, session_id)]

    async def move(self, actor_id: int, session_id: int, start: dt.datetime) -> Session:
        """A new start: invitees hear it with a new calendar file; old reminders are void."""
        await self._team.require_member(actor_id)
        session = await self._require_scheduled(session_id)
        now = self._clock.now()
        if start <= now:
            raise Invalid(
                N_("That moment is in the past. Choose a later one, like {example}."),
                example=validation.example_moment(self._tz, now),
            )
        validation.moment_in_range(start, now)
        async with self._db.transaction() as tx:
            await sessions.set_fields(tx, session_id, {"start_at": to_db(start)}, to_db(now))
            await self._outbox.void(tx, _subject(session_id), SESSION_KINDS)
            moved = await self._reload(tx, session_id)
            people = await self._invitees(tx, session_id)
            announced = self._announce("moved", moved, people, now, previous=to_db(session.start))
            await self._outbox.enqueue(tx, [*announced, *self._plan(moved, people, now)])
            detail = {"session_id": session_id, "from": to_db(session.start), "to": to_db(start)}
            await audit.record(tx, actor_id, "session.move", detail, to_db(now))
        return moved

    async def edit(self, actor_id: int, session_id: int, field: str, value: str | int) -> Session:
        """Title, place, link, agenda or duration; invitees hear what changed."""
        await self._team.require_member(actor_id)
        await self._require_scheduled(session_id)
        if field not in ("title", "place", "url", "agenda", "duration_minutes"):
            raise NotAllowed(N_("This button is no longer valid."))
        now = self._clock.now()
        async with self._db.transaction() as tx:
            await sessions.set_fields(tx, session_id, {field: value}, to_db(now))
            changed = await self._reload(tx, session_id)
            if not changed.place and not changed.url:
                raise Invalid(N_("Give a place, an online link, or both."))
            people = await self._invitees(tx, session_id)
            messages = self._announce("changed", changed, people, now)
            if field == "duration_minutes":
                await self._outbox.void(tx, _subject(session_id), ("followup",))
                messages += [m for m in self._plan(changed, people, now) if m.kind == "followup"]
            await self._outbox.enqueue(tx, messages)
            await audit.record(
                tx, actor_id, "session.edit", {"session_id": session_id, "field": field}, to_db(now)
            )
        return changed

    async def cancel(self, actor_id: int, session_id: int) -> Session:
        await self._team.require_member(actor_id)
        await self._require_scheduled(session_id)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            await sessions.set_fields(tx, session_id, {"state": "cancelled"}, to_db(now))
            await self._outbox.void(tx, _subject(session_id), SESSION_KINDS)
            cancelled = await self._reload(tx, session_id)
            people = await self._invitees(tx, session_id)
            await self._outbox.enqueue(tx, self._announce("cancelled", cancelled, people, now))
            await audit.record(
                tx, actor_id, "session.cancel", {"session_id": session_id}, to_db(now)
            )
        return cancelled

    async def _reload(self, tx: aiosqlite.Connection, session_id: int) -> Session:
        row = await sessions.get(tx, session_id)
        assert row is not None
        return _session(row)

    async def _require_scheduled(self, session_id: int) -> Session:
        session = await self._require(session_id)
        if session.state != "scheduled":
            raise Invalid(N_("That session was cancelled."))
        return session

    async def answer(self, person_id: int, session_id: int, rsvp: str) -> Session:
        """An invitee's yes, maybe or no, changeable until the start."""
        if rsvp not in RSVP:
            raise NotAllowed(N_("This button is no longer valid."))
        session = await self.get(session_id)
        invitation = await sessions.invitation(self._db.reader, session_id, person_id)
        if session is None or invitation is None:
            raise NotAllowed(N_("You are not invited to that session."))
        if session.state != "scheduled":
            raise Invalid(N_("That session was cancelled."))
        if session.start <= self._clock.now():
            raise Invalid(N_("That session has started; answers are closed."))
        async with self._db.transaction() as tx:
            await sessions.answer(tx, session_id, person_id, rsvp, to_db(self._clock.now()))
        return session

    async def rsvp_of(self, person_id: int, session_id: int) -> str | None:
        row = await sessions.invitation(self._db.reader, session_id, person_id)
        return None if row is None else row["rsvp"]

    async def upcoming(self, actor_id: int) -> list[Upcoming]:
        await self._team.require_member(actor_id)
        rows = await sessions.upcoming(self._db.reader, to_db(self._clock.now()))
        return [Upcoming(_session(r), r["invited"], r["yes"], r["maybe"], r["no"]) for r in rows]

    async def upcoming_for(self, person_id: int) -> list[tuple[Session, str | None]]:
        rows = await sessions.upcoming_for(self._db.reader, person_id, to_db(self._clock.now()))
        return [(_session(r), r["rsvp"]) for r in rows]

    async def recent(self, actor_id: int, limit: int) -> list[Session]:
        """The latest sessions (by start, the last first), for the team to choose from."""
        await self._team.require_member(actor_id)
        return [_session(r) for r in await sessions.latest(self._db.reader, limit)]

    async def for_team(self, actor_id: int, session_id: int) -> Session:
        await self._team.require_member(actor_id)
        return await self._require(session_id)

    async def invitation_report(self, actor_id: int, session_id: int) -> BatchReport:
        """How the invitations went: delivered, waiting, blocked, failed."""
        await self.for_team(actor_id, session_id)
        return await self._outbox.report(batch_of(session_id, "invite", 0))

    async def attendance(self, actor_id: int, session_id: int) -> tuple[Session, list[Attendee]]:
        session = await self.for_team(actor_id, session_id)
        rows = await sessions.invitations(self._db.reader, session_id)
        return session, [
            Attendee(
                r["organisation_name"] or "",
                r["display_name"] or "",
                r["rsvp"],
                from_db(r["answered_at"]) if r["answered_at"] else None,
            )
            for r in rows
        ]

    # -- what the dispatcher asks before sending --------------------------------------------

    async def still_holds(
        self, kind: str, person_id: int, payload: dict[str, object]
    ) -> Session | None:
        """The session if this message still makes sense now, else None (skip it)."""
        session = await self.get(int(str(payload.get("session_id"))))
        if session is None:
            return None
        now = self._clock.now()
        if session.state == "cancelled":
            # The notice and the file that takes it out of calendars, for the cancellation.
            current = payload.get("sequence") == session.sequence
            return session if kind in ("cancelled", "ics") and current else None
        if kind == "cancelled":
            return None
        if kind in ("invite", "moved", "changed", "ics"):
            # A calendar file or announcement of an older version is replaced by a newer one.
            return (
                session
                if payload.get("sequence") == session.sequence and now < session.start
                else None
            )
        if payload.get("start") != to_db(session.start):
            return None  # made for a start that has been moved
        rsvp = await self.rsvp_of(person_id, session.id)
        if kind == "reminder":
            return session if now < session.start and rsvp != "no" else None
        if kind == "followup":
            return session if rsvp == "yes" else None
        return None
