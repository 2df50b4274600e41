"""Organisations and their contacts: registering, inviting colleagues, joining."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, from_db, to_db
from bot.delivery.outbox import Message, Outbox
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.sectors import Sectors
from bot.services.team import Team
from bot.storage import audit, organisations
from bot.storage.db import Database, Row

INVITE_VALID_FOR = timedelta(days=7)
NAME_MAX = 120
DESCRIPTION_MAX = 200
PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int
    name: str
    sector_id: int
    website: str | None
    description: str | None
    public: bool | None = None  # its intentions on the public page: None not asked yet
    public_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OrganisationDraft:
    name: str
    sector_id: int
    website: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Invite:
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class JoinRequest:
    id: int
    organisation: Organisation
    person_id: int
    display_name: str
    contact_ids: list[int]
    state: str = "open"  # open, accepted, declined


def _organisation(row: Row) -> Organisation:
    public = row["public"]
    return Organisation(
        row["id"],
        row["name"],
        row["sector_id"],
        row["website"],
        row["description"],
        None if public is None else bool(public),
        from_db(row["public_at"]) if public is not None and row["public_at"] else None,
    )


def check_name(value: str) -> str:
    return validation.text(value, max_length=NAME_MAX, single_line=True, min_length=2)


def check_description(value: str) -> str:
    return validation.text(value, max_length=DESCRIPTION_MAX, single_line=True)


class Organisations:
    def __init__(
        self, db: Database, clock: Clock, sectors: Sectors, team: Team, outbox: Outbox
    ) -> None:
        self._db = db
        self._clock = clock
        self._sectors = sectors
        self._team = team
        self._outbox = outbox
        # Whose contact each person is: asked on almost every update of a contact.
        self._of_contact: dict[int, Organisation | None] = {}

    async def of_contact(self, person_id: int) -> Organisation | None:
        if person_id not in self._of_contact:
            row = await organisations.of_contact(self._db.reader, person_id)
            self._of_contact[person_id] = _organisation(row) if row else None
        return self._of_contact[person_id]

    async def set_public(self, person_id: int, public: bool) -> Organisation:
        """A contact says whether their organisation's intentions go on the pact's public
        page and into its open data (and can change it later)."""
        current = await self.of_contact(person_id)
        if current is None:
            raise NotAllowed(N_("You are not a contact of an organisation yet."))
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            await organisations.set_public(tx, current.id, public, now)
            await audit.record(
                tx,
                person_id,
                "organisation.public",
                {"organisation_id": current.id, "public": public},
                now,
            )
        self.forget_cached()  # every contact of it sees the change
        found = await self.of_contact(person_id)
        assert found is not None
        return found

    def forget_cached(self, person_id: int | None = None) -> None:
        if person_id is None:
            self._of_contact.clear()
        else:
            self._of_contact.pop(person_id, None)

    async def require_contact(self, person_id: int) -> Organisation:
        organisation = await self.of_contact(person_id)
        if organisation is None:
            raise NotAllowed(
                N_("You are not a contact of an organisation yet. Register one with /register.")
            )
        return organisation

    async def same_name(self, name: str) -> Organisation | None:
        """An organisation whose name matches ignoring case, accents and spacing."""
        row = await organisations.with_name_key(self._db.reader, validation.name_key(name))
        return _organisation(row) if row else None

    async def register(
        self, person_id: int, display_name: str, draft: OrganisationDraft
    ) -> Organisation:
        if await self.of_contact(person_id) is not None:
            raise Invalid(N_("You are already a contact of an organisation."))
        name = check_name(draft.name)
        await self._sectors.get(draft.sector_id)
        website = validation.website(draft.website) if draft.website else None
        description = check_description(draft.description) if draft.description else None
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            organisation_id = await organisations.insert(
                tx,
                name=name,
                name_key=validation.name_key(name),
                sector_id=draft.sector_id,
                website=website,
                description=description,
                created_by=person_id,
                now=now,
            )
            await organisations.add_contact(tx, organisation_id, person_id, display_name, now)
        self.forget_cached(person_id)
        return Organisation(organisation_id, name, draft.sector_id, website, description)

    async def contacts(self, organisation_id: int) -> list[tuple[int, str]]:
        rows = await organisations.contacts(self._db.reader, organisation_id)
        return [(r["person_id"], r["display_name"]) for r in rows]

    async def make_invite(self, person_id: int) -> Invite:
        """A one-time code for a colleague; only a contact can make one."""
        organisation = await self.require_contact(person_id)
        now = self._clock.now()
        code = secrets.token_urlsafe(12)
        expires = now + INVITE_VALID_FOR
        async with self._db.transaction() as tx:
            await organisations.insert_invite(
                tx, code, organisation.id, person_id, to_db(now), to_db(expires)
            )
        return Invite(code, expires)

    async def check_invite(self, code: str, person_id: int) -> Organisation:
        """The organisation an invite is for, or why it cannot be used."""
        row = await organisations.get_invite(self._db.reader, code)
        if row is None:
            raise Invalid(N_("This invite link is not valid. Ask your colleague for a new one."))
        if row["used_at"] is not None:
            raise Invalid(
                N_("This invite link was used already. Ask your colleague for a new one.")
            )
        if from_db(row["expires_at"]) <= self._clock.now():
            raise Invalid(N_("This invite link has expired. Ask your colleague for a new one."))
        current = await self.of_contact(person_id)
        if current is not None:
            raise Invalid(
                N_("You are already a contact of {organisation}."), organisation=current.name
            )
        target = await organisations.get(self._db.reader, row["organisation_id"])
        if target is None:
            raise Invalid(N_("This invite link is not valid. Ask your colleague for a new one."))
        return _organisation(target)

    async def join(self, code: str, person_id: int, display_name: str) -> Organisation:
        organisation = await self.check_invite(code, person_id)
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            if not await organisations.use_invite(tx, code, person_id, now):
                raise Invalid(
                    N_("This invite link was used already. Ask your colleague for a new one.")
                )
            await organisations.add_contact(tx, organisation.id, person_id, display_name, now)
        self.forget_cached(person_id)
        return organisation

    async def request_to_join(
        self, organisation_id: int, person_id: int, display_name: str
    ) -> JoinRequest:
        """Ask the organisation's contacts to let the person in: each gets the request
        through the outbox, so a restart or Telegram's "wait" loses none."""
        if await self.of_contact(person_id) is not None:
            raise Invalid(N_("You are already a contact of an organisation."))
        row = await organisations.get(self._db.reader, organisation_id)
        if row is None:
            raise NotAllowed(N_("That organisation does not exist (any more)."))
        now = self._clock.now()
        async with self._db.transaction() as tx:
            request_id = await organisations.insert_join_request(
                tx, organisation_id, person_id, display_name, to_db(now)
            )
            contact_ids = [
                r["person_id"] for r in await organisations.contacts(tx, organisation_id)
            ]
            await self._outbox.enqueue(
                tx,
                [
                    Message(
                        contact_id,
                        "join-request",
                        now,
                        f"join-request:{request_id}:{contact_id}",
                        {"request_id": request_id},
                        subject=f"join-request:{request_id}",
                    )
                    for contact_id in contact_ids
                ],
            )
        return JoinRequest(request_id, _organisation(row), person_id, display_name, contact_ids)

    async def join_request(self, request_id: int) -> JoinRequest | None:
        """A request as it stands now (for the messages about it), or None if it is gone."""
        row = await organisations.get_join_request(self._db.reader, request_id)
        if row is None or row["person_id"] is None:
            return None
        target = await organisations.get(self._db.reader, row["organisation_id"])
        if target is None:
            return None
        return JoinRequest(
            request_id,
            _organisation(target),
            row["person_id"],
            row["display_name"],
            [],
            row["state"],
        )

    async def answer_join_request(
        self, request_id: int, actor_id: int, accept: bool
    ) -> JoinRequest:
        """A contact of the organisation lets the person in, or not; once. The person is
        told through the outbox, and the other contacts' copies of the request go void."""
        row = await organisations.get_join_request(self._db.reader, request_id)
        actor_org = await self.of_contact(actor_id)
        if row is None or actor_org is None or actor_org.id != row["organisation_id"]:
            raise NotAllowed(N_("This button is no longer valid."))
        now = self._clock.now()
        state = "accepted" if accept else "declined"
        async with self._db.transaction() as tx:
            if not await organisations.close_join_request(tx, request_id, state):
                raise Invalid(N_("Another contact answered this request already."))
            if accept:
                if await organisations.of_contact(tx, row["person_id"]) is not None:
                    raise Invalid(N_("That person is a contact of an organisation already."))
                await organisations.add_contact(
                    tx, actor_org.id, row["person_id"], row["display_name"], to_db(now)
                )
            subject = f"join-request:{request_id}"
            await self._outbox.void(tx, subject, ("join-request",))
            await self._outbox.enqueue(
                tx,
                [
                    Message(
                        row["person_id"],
                        "join-answer",
                        now,
                        f"join-answer:{request_id}",
                        {"request_id": request_id, "accepted": accept},
                        subject=subject,
                    )
                ],
            )
        self.forget_cached(row["person_id"])
        return JoinRequest(request_id, actor_org, row["person_id"], row["display_name"], [], state)

    async def page(
        self, actor_id: int, sector_id: int | None, page: int
    ) -> tuple[list[tuple[Organisation, int]], int]:
        """The team's list: organisations with their number of intentions, and the total."""
        await self._team.require_member(actor_id)
        rows, total = await organisations.page(
            self._db.reader, sector_id, PAGE_SIZE, max(page, 0) * PAGE_SIZE
        )
        return [(_organisation(r), int(r["intentions"])) for r in rows], total

    async def get_for_team(self, actor_id: int, organisation_id: int) -> Organisation:
        await self._team.require_member(actor_id)
        row = await organisations.get(self._db.reader, organisation_id)
        if row is None:
            raise NotAllowed(N_("That organisation does not exist (any more)."))
        return _organisation(row)
