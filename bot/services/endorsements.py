"""Endorsements of the pact's opinion text, as a person makes them: personally or on
behalf of their organisation, a name to publish, one paragraph within the campaign's caps,
and three consents kept with the moment each was given. Someone who starts and does not
confirm is reminded before the deadline (through the outbox), until they confirm or say
stop. The pact team's side (campaigns, moderation, exports) is `bot.services.campaigns`."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from bot.clock import Clock, from_db, to_db
from bot.delivery.outbox import Message, Outbox
from bot.i18n import N_
from bot.measure import cut, units
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.organisations import Organisation, Organisations
from bot.storage import endorsements
from bot.storage.db import Database, Row

NAME_MAX = 80
PARAGRAPH_MIN = 10
ECHO_MAX = 3000  # of a paragraph refused as too long, what is sent back to copy
REMINDER_HOURS = (72, 24, 2)  # before the deadline, to those who started and did not confirm


@dataclass(frozen=True, slots=True)
class Campaign:
    id: int
    code: str
    title: str
    texts: dict[str, str]
    deadline: dt.datetime
    line_cap: int
    char_cap: int
    state: str  # as stored: draft, open, published
    published_note: str | None
    titles: dict[str, str] = field(default_factory=dict)  # French and English, if given

    def title_in(self, locale: str) -> str:
        """The title a reader of `locale` sees: theirs, else the Dutch one."""
        return self.titles.get(locale) or self.title

    def status(self, now: dt.datetime) -> str:
        """draft, open, closed (open past its deadline) or published."""
        if self.state == "open" and now >= self.deadline:
            return "closed"
        return self.state

    def text(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts.get("nl") or ""


@dataclass(frozen=True, slots=True)
class Endorsement:
    id: int
    campaign_id: int
    campaign_title: str
    deadline: dt.datetime
    person_id: int
    organisation_id: int | None
    organisation_name: str | None
    sector_id: int | None
    published_name: str
    paragraph: str
    consent_name: bool
    consent_paragraph: bool
    consent_notify: bool
    consented_at: dict[str, dt.datetime]
    state: str  # submitted, approved, rejected, withdrawn
    reason: str | None
    campaign_titles: dict[str, str] = field(default_factory=dict)

    @property
    def on_behalf(self) -> bool:
        return self.organisation_id is not None

    def campaign_title_in(self, locale: str) -> str:
        return self.campaign_titles.get(locale) or self.campaign_title


@dataclass(frozen=True, slots=True)
class EndorsementDraft:
    organisation_id: int | None  # None: personally
    published_name: str
    paragraph: str
    consent_name: bool
    consent_paragraph: bool
    consent_notify: bool


def campaign_of(row: Row) -> Campaign:
    return Campaign(
        id=row["id"],
        code=row["code"],
        title=row["title"],
        texts=json.loads(row["texts"] or "{}"),
        deadline=from_db(row["deadline"]),
        line_cap=row["line_cap"],
        char_cap=row["char_cap"],
        state=row["state"],
        published_note=row["published_note"],
        titles=json.loads(row["titles"] or "{}"),
    )


def endorsement_of(row: Row) -> Endorsement:
    return Endorsement(
        id=row["id"],
        campaign_id=row["campaign_id"],
        campaign_title=row["campaign_title"],
        campaign_titles=json.loads(row["campaign_titles"] or "{}"),
        deadline=from_db(row["campaign_deadline"]),
        person_id=row["person_id"],
        organisation_id=row["organisation_id"],
        organisation_name=row["organisation_name"],
        sector_id=row["sector_id"],
        published_name=row["published_name"],
        paragraph=row["paragraph"],
        consent_name=bool(row["consent_name"]),
        consent_paragraph=bool(row["consent_paragraph"]),
        consent_notify=bool(row["consent_notify"]),
        consented_at={
            key: from_db(row[f"consent_{key}_at"]) for key in ("name", "paragraph", "notify")
        },
        state=row["state"],
        reason=row["reason"],
    )


def check_name(value: str) -> str:
    return validation.text(value, max_length=NAME_MAX, single_line=True, min_length=2)


def check_paragraph(value: str, line_cap: int, char_cap: int) -> str:
    """One paragraph within the campaign's caps. Too long is refused with the counts and
    the text itself, to copy and shorten: nothing typed is lost."""
    text = value.strip()
    lines = len(text.splitlines())
    echo = cut(text, ECHO_MAX)  # with the refusal above it, one message of at most 4,096
    if lines > line_cap:
        raise Invalid(
            N_(
                "Your paragraph has {lines} lines; at most {max} fit. Here it is, to copy and "
                "shorten:\n<pre>{text}</pre>"
            ),
            lines=lines,
            max=line_cap,
            text=echo,
        )
    length = units(text)  # as Telegram counts: an emoji is two
    if length > char_cap:
        raise Invalid(
            N_(
                "Your paragraph has {length} characters; at most {max} fit. Here it is, to copy "
                "and shorten:\n<pre>{text}</pre>"
            ),
            length=length,
            max=char_cap,
            text=echo,
        )
    if length < PARAGRAPH_MIN:
        raise Invalid(
            N_("Write a paragraph of at least {min} characters: why do you endorse the text?"),
            min=PARAGRAPH_MIN,
        )
    return text


class Endorsements:
    def __init__(
        self, db: Database, clock: Clock, organisations: Organisations, outbox: Outbox
    ) -> None:
        self._db = db
        self._clock = clock
        self._organisations = organisations
        self._outbox = outbox

    # -- campaigns as a person sees them ---------------------------------------------------

    async def open_campaigns(self) -> list[Campaign]:
        rows = await endorsements.open_campaigns(self._db.reader, to_db(self._clock.now()))
        return [campaign_of(r) for r in rows]

    async def campaign(self, campaign_id: int) -> Campaign:
        """A campaign anyone may look at (open, closed or published; not a draft)."""
        row = await endorsements.campaign(self._db.reader, campaign_id)
        if row is None or row["state"] == "draft":
            raise NotAllowed(N_("That campaign does not exist (any more)."))
        return campaign_of(row)

    async def by_code(self, code: str) -> Campaign:
        row = await endorsements.campaign_by_code(self._db.reader, code[:40])
        if row is None or row["state"] == "draft":
            raise Invalid(N_("This link is not valid (any more)."))
        return campaign_of(row)

    async def _open(self, campaign_id: int) -> Campaign:
        campaign = await self.campaign(campaign_id)
        status = campaign.status(self._clock.now())
        if status != "open":
            raise Invalid(
                N_("Endorsing {title} closed on {deadline}."),
                title=campaign.title,
                deadline=campaign.deadline,
            )
        return campaign

    # -- what this person has -----------------------------------------------------------------

    async def on_behalf_choices(self, person_id: int) -> Organisation | None:
        """The organisation this person may endorse for (they are its contact), if any."""
        return await self._organisations.of_contact(person_id)

    async def of_person(self, person_id: int, campaign_id: int) -> list[Endorsement]:
        """What the person wrote for the campaign, and their organisation's endorsement if a
        colleague wrote it."""
        rows = await endorsements.of_person(self._db.reader, campaign_id, person_id)
        found = [endorsement_of(r) for r in rows if r["state"] != "withdrawn"]
        organisation = await self._organisations.of_contact(person_id)
        if organisation is not None and not any(e.organisation_id for e in found):
            row = await endorsements.existing(
                self._db.reader, campaign_id, person_id, organisation.id
            )
            if row is not None and row["state"] != "withdrawn":
                found.append(endorsement_of(row))
        return found

    async def existing(
        self, person_id: int, campaign_id: int, organisation_id: int | None
    ) -> Endorsement | None:
        """The endorsement this choice made already (withdrawn ones do not count)."""
        row = await endorsements.existing(self._db.reader, campaign_id, person_id, organisation_id)
        if row is None or row["state"] == "withdrawn":
            return None
        return endorsement_of(row)

    async def get(self, person_id: int, endorsement_id: int) -> Endorsement:
        """An endorsement its author (or a colleague, for their organisation's) may see."""
        row = await endorsements.endorsement(self._db.reader, endorsement_id)
        organisation = await self._organisations.of_contact(person_id)
        mine = row is not None and (
            row["person_id"] == person_id
            or (organisation is not None and row["organisation_id"] == organisation.id)
        )
        if row is None or not mine:
            raise NotAllowed(N_("That endorsement is not yours."))
        return endorsement_of(row)

    async def as_decided(self, endorsement_id: int, moderated_at: str) -> Endorsement | None:
        """The endorsement, if it still stands as the pact team decided at `moderated_at`
        (for the message telling its author); else None."""
        row = await endorsements.endorsement(self._db.reader, endorsement_id)
        if row is None or row["moderated_at"] != moderated_at:
            return None
        return endorsement_of(row)

    # -- starting, submitting, withdrawing --------------------------------------------------

    async def start(self, person_id: int, campaign_id: int) -> Campaign:
        """Someone starts to endorse: the first time, reminders are queued before the
        deadline, and go only while they have not confirmed."""
        campaign = await self._open(campaign_id)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            if await endorsements.record_start(tx, campaign.id, person_id, to_db(now)):
                await self._outbox.enqueue(tx, self._reminders(campaign, person_id, now))
        return campaign

    def _reminders(self, campaign: Campaign, person_id: int, now: dt.datetime) -> list[Message]:
        messages = []
        for hours in REMINDER_HOURS:
            due = campaign.deadline - dt.timedelta(hours=hours)
            if due <= now:
                continue
            messages.append(
                Message(
                    person_id,
                    "endorsement-reminder",
                    due,
                    f"endorsement-reminder:{campaign.id}:{person_id}:{hours}",
                    {"campaign_id": campaign.id, "hours": hours},
                    subject=f"endorsement-start:{campaign.id}:{person_id}",
                    batch=f"campaign:{campaign.id}:reminder-{hours}",
                    collapse=f"endorsement-reminder:{campaign.id}:{person_id}",
                )
            )
        return messages

    async def still_unfinished(self, person_id: int, campaign_id: int) -> Campaign | None:
        """The campaign, if this person started, has not confirmed, wants reminders, and
        can still endorse; else None (the reminder is skipped)."""
        row = await endorsements.campaign(self._db.reader, campaign_id)
        started = await endorsements.start(self._db.reader, campaign_id, person_id)
        if row is None or started is None or not started["reminders"]:
            return None
        campaign = campaign_of(row)
        if campaign.status(self._clock.now()) != "open":
            return None
        rows = await endorsements.of_person(self._db.reader, campaign_id, person_id)
        if rows:  # confirmed once (changed or withdrawn since, too): no "not confirmed yet"
            return None
        return campaign

    async def stop_reminders(self, person_id: int, campaign_id: int) -> None:
        async with self._db.transaction() as tx:
            await endorsements.stop_reminders(tx, campaign_id, person_id)
            await self._outbox.void(
                tx, f"endorsement-start:{campaign_id}:{person_id}", ("endorsement-reminder",)
            )

    async def submit(
        self, person_id: int, campaign_id: int, draft: EndorsementDraft
    ) -> Endorsement:
        """Confirm a new endorsement, or an edit of one's own: it waits for the pact team's
        review again. Consents keep the moment each was given or taken back."""
        campaign = await self._open(campaign_id)
        organisation = await self._organisations.of_contact(person_id)
        if draft.organisation_id is not None and (
            organisation is None or organisation.id != draft.organisation_id
        ):
            raise NotAllowed(N_("You can only endorse on behalf of your own organisation."))
        name = check_name(draft.published_name)
        paragraph = check_paragraph(draft.paragraph, campaign.line_cap, campaign.char_cap)
        now = to_db(self._clock.now())
        consents = {
            "name": draft.consent_name,
            "paragraph": draft.consent_paragraph,
            "notify": draft.consent_notify,
        }
        async with self._db.transaction() as tx:
            row = await endorsements.existing(tx, campaign.id, person_id, draft.organisation_id)
            if row is not None and row["state"] != "withdrawn" and row["person_id"] != person_id:
                raise Invalid(
                    N_("{name} endorsed already on behalf of your organisation."),
                    name=row["published_name"],
                )
            fields: dict[str, object] = {
                "published_name": name,
                "paragraph": paragraph,
                # A paragraph its author keeps unpublished waits for nobody: the team reads
                # only what would be published.
                "state": "submitted" if draft.consent_paragraph else "approved",
                "reason": None,
                "moderated_by": None,
                "moderated_at": None,
                "updated_at": now,
            }
            for key, given in consents.items():
                if row is None or bool(row[f"consent_{key}"]) != given:
                    fields[f"consent_{key}"] = int(given)
                    fields[f"consent_{key}_at"] = now
            if row is None:
                endorsement_id = await endorsements.insert(
                    tx,
                    {
                        **fields,
                        "campaign_id": campaign.id,
                        "person_id": person_id,
                        "organisation_id": draft.organisation_id,
                        "created_at": now,
                    },
                )
            else:
                endorsement_id = row["id"]
                if row["person_id"] != person_id:  # a colleague's, withdrawn: theirs now
                    await endorsements.set_author(tx, endorsement_id, person_id)
                await endorsements.update(tx, endorsement_id, fields, when_state="*")
            await endorsements.record_start(tx, campaign.id, person_id, now)
            # Confirmed: the reminders to finish have nothing left to say.
            await self._outbox.void(
                tx, f"endorsement-start:{campaign.id}:{person_id}", ("endorsement-reminder",)
            )
            saved = await endorsements.endorsement(tx, endorsement_id)
        assert saved is not None
        return endorsement_of(saved)

    async def withdraw(self, person_id: int, endorsement_id: int) -> Endorsement:
        found = await self.get(person_id, endorsement_id)
        if found.person_id != person_id:
            raise NotAllowed(
                N_("Only {name}, who wrote it, can withdraw it."), name=found.published_name
            )
        await self._open(found.campaign_id)
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            await endorsements.update(
                tx, endorsement_id, {"state": "withdrawn", "updated_at": now}, when_state="*"
            )
            saved = await endorsements.endorsement(tx, endorsement_id)
        assert saved is not None
        return endorsement_of(saved)
