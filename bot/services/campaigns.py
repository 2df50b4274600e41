"""Campaigns, as the pact team runs them: the opinion text put up for endorsement with a
deadline (draft → open → closed at the deadline → published), moderation of the
paragraphs, the figures, the exports, and telling those who asked when it is published.
Every decision goes to the audit log."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.clock import Clock, to_db
from bot.delivery.outbox import Message, Outbox
from bot.i18n import N_
from bot.services import validation
from bot.services.endorsements import Campaign, Endorsement, campaign_of, endorsement_of
from bot.services.errors import Invalid, NotAllowed
from bot.services.team import Team
from bot.storage import audit, endorsements
from bot.storage.db import Database, Row

TITLE_MAX = 120
TEXT_MIN = 20
TEXT_MAX = 60_000  # a long opinion text, shown in several messages
NOTE_MAX = 300
REASON_MAX = 300
LINE_CAP, CHAR_CAP = 10, 900  # the call's own: one paragraph of at most 10 lines
LINE_CAPS = (1, 40)
CHAR_CAPS = (100, 3000)
LOCALES = ("nl", "fr", "en")
REASONS = ("off_topic", "offensive", "unclear", "names_others")  # plus a written one


@dataclass(frozen=True, slots=True)
class CampaignDraft:
    title: str
    texts: Mapping[str, str]  # Dutch, and optionally French and English
    deadline: dt.datetime
    line_cap: int = LINE_CAP
    char_cap: int = CHAR_CAP
    titles: Mapping[str, str] = field(default_factory=dict)  # French and English, optional


@dataclass(frozen=True, slots=True)
class Figures:
    personal: int
    on_behalf: int
    waiting: int
    approved: int
    rejected: int
    per_sector: dict[int, int]  # endorsements on behalf of organisations, by their sector

    @property
    def total(self) -> int:
        return self.personal + self.on_behalf


def check_title(value: str) -> str:
    return validation.text(value, max_length=TITLE_MAX, single_line=True, min_length=3)


def check_text(value: str) -> str:
    return validation.text(value, max_length=TEXT_MAX, min_length=TEXT_MIN)


def check_note(value: str) -> str:
    return validation.text(value, max_length=NOTE_MAX, min_length=3)


def check_reason(value: str) -> str:
    return validation.text(value, max_length=REASON_MAX, min_length=3)


def check_caps(line_cap: int, char_cap: int) -> tuple[int, int]:
    if not LINE_CAPS[0] <= line_cap <= LINE_CAPS[1] or not CHAR_CAPS[0] <= char_cap <= CHAR_CAPS[1]:
        raise Invalid(
            N_(
                "A paragraph may have between {min_lines} and {max_lines} lines and between "
                "{min_chars} and {max_chars} characters."
            ),
            min_lines=LINE_CAPS[0],
            max_lines=LINE_CAPS[1],
            min_chars=CHAR_CAPS[0],
            max_chars=CHAR_CAPS[1],
        )
    return line_cap, char_cap


class Campaigns:
    def __init__(self, db: Database, clock: Clock, team: Team, outbox: Outbox) -> None:
        self._db = db
        self._clock = clock
        self._team = team
        self._outbox = outbox

    async def all(self, actor_id: int) -> list[Campaign]:
        await self._team.require_member(actor_id)
        return [campaign_of(r) for r in await endorsements.campaigns(self._db.reader, 30)]

    async def get(self, actor_id: int, campaign_id: int) -> Campaign:
        await self._team.require_member(actor_id)
        row = await endorsements.campaign(self._db.reader, campaign_id)
        if row is None:
            raise NotAllowed(N_("That campaign does not exist (any more)."))
        return campaign_of(row)

    async def create(self, actor_id: int, draft: CampaignDraft) -> Campaign:
        """A draft campaign: nobody sees it until it is opened."""
        await self._team.require_member(actor_id)
        now = self._clock.now()
        texts = {locale: check_text(text) for locale, text in draft.texts.items() if text}
        if "nl" not in texts or set(texts) - set(LOCALES):
            raise Invalid(N_("The opinion text is needed in Dutch; French and English may follow."))
        deadline = self._check_deadline(draft.deadline)
        line_cap, char_cap = check_caps(draft.line_cap, draft.char_cap)
        title = check_title(draft.title)
        titles = {k: check_title(v) for k, v in draft.titles.items() if v and k in ("fr", "en")}
        async with self._db.transaction() as tx:
            campaign_id = await endorsements.insert_campaign(
                tx,
                code=secrets.token_urlsafe(6),
                title=title,
                deadline=to_db(deadline),
                line_cap=line_cap,
                char_cap=char_cap,
                texts=texts,
                titles=titles,
                created_by=actor_id,
                now=to_db(now),
            )
            await audit.record(
                tx, actor_id, "campaign.create", {"campaign_id": campaign_id}, to_db(now)
            )
            row = await endorsements.campaign(tx, campaign_id)
        assert row is not None
        return campaign_of(row)

    def _check_deadline(self, deadline: dt.datetime) -> dt.datetime:
        now = self._clock.now()
        if deadline <= now:
            raise Invalid(
                N_("The deadline, {deadline}, has passed. Change it to a later moment."),
                deadline=deadline,
            )
        return validation.moment_in_range(deadline, now)

    async def open(self, actor_id: int, campaign_id: int) -> Campaign:
        """Open a draft: from now on anyone can endorse it, until the deadline."""
        campaign = await self.get(actor_id, campaign_id)
        if campaign.state != "draft":
            raise Invalid(N_("That campaign is open already."))
        self._check_deadline(campaign.deadline)
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            await endorsements.set_campaign(tx, campaign_id, {"state": "open", "opened_at": now})
            await audit.record(tx, actor_id, "campaign.open", {"campaign_id": campaign_id}, now)
        return await self.get(actor_id, campaign_id)

    async def publish(self, actor_id: int, campaign_id: int, note: str) -> tuple[Campaign, int]:
        """Mark a closed campaign published, saying where and how; everyone who asked to be
        told hears it, in their language. How many will be told."""
        campaign = await self.get(actor_id, campaign_id)
        status = campaign.status(self._clock.now())
        if status == "published":
            raise Invalid(N_("That campaign is published already."))
        if status != "closed":
            raise Invalid(
                N_("A campaign is published after its deadline, {deadline}."),
                deadline=campaign.deadline,
            )
        note = check_note(note)
        now = self._clock.now()
        async with self._db.transaction() as tx:
            await endorsements.set_campaign(
                tx,
                campaign_id,
                {"state": "published", "published_at": to_db(now), "published_note": note},
            )
            people = await endorsements.to_notify(tx, campaign_id)
            await self._outbox.enqueue(
                tx,
                [
                    Message(
                        person,
                        "endorsement-published",
                        now,
                        f"endorsement-published:{campaign_id}:{person}",
                        {"campaign_id": campaign_id},
                        subject=f"campaign:{campaign_id}",
                        batch=f"campaign:{campaign_id}:published",
                    )
                    for person in people
                ],
            )
            await audit.record(
                tx, actor_id, "campaign.publish", {"campaign_id": campaign_id}, to_db(now)
            )
        return await self.get(actor_id, campaign_id), len(people)

    # -- moderation -----------------------------------------------------------------------

    async def waiting(
        self, actor_id: int, passed: int | None = None
    ) -> tuple[Endorsement | None, int]:
        """The oldest paragraph waiting for a decision, and how many wait. `passed`: one the
        team member leaves for later: the next one after it (or from the start again)."""
        await self._team.require_member(actor_id)
        rows: list[Row] = []
        if passed is not None:
            row = await endorsements.endorsement(self._db.reader, passed)
            if row is not None:
                rows = await endorsements.waiting(self._db.reader, 1, (row["updated_at"], passed))
        rows = rows or await endorsements.waiting(self._db.reader, 1)
        count = await endorsements.count_waiting(self._db.reader)
        return (endorsement_of(rows[0]) if rows else None), count

    async def submitted(self, actor_id: int, endorsement_id: int) -> Endorsement:
        """A paragraph that waits for a decision: checked before the team is asked why."""
        await self._team.require_member(actor_id)
        row = await endorsements.endorsement(self._db.reader, endorsement_id)
        if row is None:
            raise NotAllowed(N_("That endorsement does not exist (any more)."))
        if row["state"] != "submitted":
            raise Invalid(N_("This paragraph was decided already, or changed meanwhile."))
        return endorsement_of(row)

    async def decide(
        self, actor_id: int, endorsement_id: int, approve: bool, reason: str | None = None
    ) -> Endorsement:
        """Approve, or reject with a reason the author is told, in their language; once:
        a second team member deciding the same paragraph is told it was decided."""
        await self._team.require_member(actor_id)
        if not approve:
            reason = check_reason(reason or "")
        now = self._clock.now()
        async with self._db.transaction() as tx:
            decided = await endorsements.update(
                tx,
                endorsement_id,
                {
                    "state": "approved" if approve else "rejected",
                    "reason": None if approve else reason,
                    "moderated_by": actor_id,
                    "moderated_at": to_db(now),
                },
                when_state="submitted",
            )
            row = await endorsements.endorsement(tx, endorsement_id)
            if row is None:
                raise NotAllowed(N_("That endorsement does not exist (any more)."))
            if not decided:
                raise Invalid(N_("This paragraph was decided already, or changed meanwhile."))
            await self._outbox.enqueue(
                tx,
                [
                    Message(
                        row["person_id"],
                        "endorsement-decision",
                        now,
                        f"endorsement-decision:{endorsement_id}:{to_db(now)}",
                        {"endorsement_id": endorsement_id, "moderated_at": to_db(now)},
                        subject=f"endorsement:{endorsement_id}",
                    )
                ],
            )
            action = "endorsement.approve" if approve else "endorsement.reject"
            await audit.record(tx, actor_id, action, {"endorsement_id": endorsement_id}, to_db(now))
        return endorsement_of(row)

    # -- figures and exports --------------------------------------------------------------

    async def figures(self, actor_id: int, campaign_id: int) -> Figures:
        await self.get(actor_id, campaign_id)
        counts: Counter[str] = Counter()
        per_sector: Counter[int] = Counter()
        for row in await endorsements.figures(self._db.reader, campaign_id):
            if row["state"] == "withdrawn":
                continue
            counts["on_behalf" if row["on_behalf"] else "personal"] += row["n"]
            counts[row["state"]] += row["n"]
            if row["on_behalf"] and row["sector_id"] is not None:
                per_sector[row["sector_id"]] += row["n"]
        return Figures(
            personal=counts["personal"],
            on_behalf=counts["on_behalf"],
            waiting=counts["submitted"],
            approved=counts["approved"],
            rejected=counts["rejected"],
            per_sector=dict(per_sector),
        )

    async def exported(self, actor_id: int, campaign_id: int, what: str) -> None:
        """An export was downloaded: the audit log says who took which, when."""
        await self._team.require_member(actor_id)
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            detail = {"campaign_id": campaign_id, "export": what}
            await audit.record(tx, actor_id, "campaign.export", detail, now)

    async def endorsements(self, actor_id: int, campaign_id: int) -> list[Endorsement]:
        """Every endorsement of the campaign, withdrawn ones too (the internal export)."""
        await self.get(actor_id, campaign_id)
        return [
            endorsement_of(r) for r in await endorsements.of_campaign(self._db.reader, campaign_id)
        ]

    async def published(self, actor_id: int, campaign_id: int) -> list[Endorsement]:
        """What may be published: approved endorsements, each only with what its author
        allowed (the public export and the published opinion honour the consents)."""
        found = await self.endorsements(actor_id, campaign_id)
        return [e for e in found if e.state == "approved"]
