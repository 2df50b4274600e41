"""Broadcasts: the pact team writes to everyone or to a segment, in one text or one per
language (a person whose language has none gets the Dutch text), with an optional link
button or three. The text is sent as plain text: what the team typed is shown as typed (no HTML).

Sending queues one outbox row per reachable recipient in one transaction (key
`broadcast:<id>:<person>`), so each gets it once across restarts; above
`BROADCAST_APPROVAL_OVER` recipients it waits until a second team member approves.
Cancelling voids what was not sent yet."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.clock import Clock, to_db
from bot.config import Settings
from bot.delivery.outbox import BatchReport, Message, Outbox
from bot.i18n import N_
from bot.measure import units
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.team import Team
from bot.storage import audit, broadcasts, people
from bot.storage.db import Database, Row, Tx

KIND = "broadcast"
TEXT_LIMIT = 4096  # what Telegram takes in one message; the text is sent as typed
LABEL_LIMIT = 40
BUTTONS_MOST = 3
ANSWERS = ("all", "yes", "yes_maybe")
LANGUAGES = ("nl", "fr", "en")  # the order of a button's labels


@dataclass(frozen=True, slots=True)
class LinkButton:
    """A link under the broadcast: its label in each language (Dutch for a language
    without one) and the address it opens."""

    labels: dict[str, str]
    url: str

    def label(self, locale: str) -> str:
        return self.labels.get(locale) or self.labels["nl"]

    def stored(self) -> list[Any]:
        """As kept in the draft and the table: [Dutch label, address, {other labels}]."""
        others = {k: v for k, v in self.labels.items() if k != "nl"}
        return [self.labels["nl"], self.url, *([others] if others else [])]

    @classmethod
    def of(cls, stored: Sequence[Any]) -> LinkButton:
        labels = {"nl": str(stored[0]), **(stored[2] if len(stored) > 2 else {})}
        return cls(labels, str(stored[1]))


@dataclass(frozen=True, slots=True)
class Broadcast:
    id: int
    texts: dict[str, str]
    buttons: tuple[LinkButton, ...]
    audience: dict[str, Any]
    recipients: int
    state: str  # waiting, sending, done, cancelled
    created_by: int | None
    approved_by: int | None
    status_chat: int | None
    status_message: int | None

    def text(self, locale: str) -> str:
        return self.texts.get(locale) or self.texts["nl"]


def batch_of(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise Invalid(N_("The message is empty. Write the text the recipients will read."))
    if units(cleaned) > TEXT_LIMIT:  # as Telegram counts: an emoji is two
        raise Invalid(
            N_("That is longer than one Telegram message (4,096 characters). Shorten it.")
        )
    return cleaned


def check_buttons(text: str) -> list[list[Any]]:
    """One button a line, "Label | https://…": its label and the address it opens (three
    at most). Labels per language come before the address, Dutch first:
    "Lees meer | En savoir plus | Read more | www.example.be"."""
    found = []
    for line in [line for line in text.splitlines() if line.strip()]:
        *labels, address = [" ".join(part.split()) for part in line.split("|")]
        if not labels or not all(labels) or not address or len(labels) > len(LANGUAGES):
            raise Invalid(
                N_(
                    "Write the button as: label | address, like: Read more | www.example.be "
                    "(or a label per language: Lees meer | En savoir plus | Read more | "
                    "www.example.be)"
                )
            )
        if any(units(label) > LABEL_LIMIT for label in labels):
            raise Invalid(N_("Keep the button's label under 40 characters."))
        button = LinkButton(dict(zip(LANGUAGES, labels, strict=False)), validation.website(address))
        found.append(button.stored())
    if not found:
        raise Invalid(N_("Write the button as: label | address, like: Read more | www.example.be"))
    if len(found) > BUTTONS_MOST:
        raise Invalid(N_("Three buttons at the most: one a line."))
    return found


def check_audience(spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec.get("kind")
    if kind not in broadcasts.AUDIENCE_KINDS:
        raise NotAllowed(N_("This button is no longer valid."))
    if kind == "sectors" and not spec.get("sectors"):
        raise NotAllowed(N_("Tick at least one sector."))
    if kind == "session" and spec.get("answers", "all") not in ANSWERS:
        raise NotAllowed(N_("This button is no longer valid."))
    return spec


class Broadcasts:
    def __init__(
        self, db: Database, clock: Clock, settings: Settings, team: Team, outbox: Outbox
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self._team = team
        self._outbox = outbox

    async def count(self, actor_id: int, spec: dict[str, Any]) -> dict[str, int]:
        """The people an audience reaches now, per language (those who blocked the bot
        left out)."""
        await self._team.require_member(actor_id)
        return await broadcasts.count(self._db.reader, check_audience(spec))

    def needs_approval(self, recipients: int) -> bool:
        limit = self._settings.broadcast_approval_over
        return limit is not None and recipients > limit

    async def send(
        self,
        actor_id: int,
        texts: dict[str, str],
        buttons: list[list[str]] | None,
        spec: dict[str, Any],
    ) -> Broadcast:
        """Create it and, unless it needs a second member's approval, queue it."""
        await self._team.require_member(actor_id)
        check_audience(spec)
        texts = {k: check_text(v) for k, v in texts.items() if v}
        if "nl" not in texts:
            raise Invalid(N_("The message is empty. Write the text the recipients will read."))
        now = to_db(self._clock.now())

        def work(tx: Tx) -> int:
            people = broadcasts.recipients(tx, spec)
            if not people:
                raise NotAllowed(N_("Nobody is in this audience (or all of them blocked the bot)."))
            waiting = self.needs_approval(len(people))
            broadcast_id = broadcasts.insert(
                tx, texts, buttons, spec, "waiting" if waiting else "sending", actor_id, now
            )
            broadcasts.set_recipients(tx, broadcast_id, len(people))
            if not waiting:
                self._queue(tx, broadcast_id, people)
            else:
                self._ask_approval(tx, broadcast_id, actor_id)
            audit.record_in(
                tx,
                actor_id,
                "broadcast.send" if not waiting else "broadcast.ask_approval",
                {"broadcast_id": broadcast_id, "recipients": len(people)},
                now,
            )
            return broadcast_id

        return await self.get(await self._db.unit(work))

    async def approve(self, actor_id: int, broadcast_id: int) -> Broadcast:
        """A second team member approves: it is queued, once, however many press."""
        await self._team.require_member(actor_id)
        now = to_db(self._clock.now())

        def work(tx: Tx) -> None:
            row = broadcasts.get_in(tx, broadcast_id)
            if row is None:
                raise NotAllowed(N_("That broadcast does not exist."))
            if row["created_by"] == actor_id:
                raise NotAllowed(N_("A second team member approves it, not the one who wrote it."))
            if not broadcasts.move(
                tx, broadcast_id, "waiting", "sending", approved_by=actor_id, approved_at=now
            ):
                raise NotAllowed(N_("That broadcast was approved or cancelled already."))
            people = broadcasts.recipients(tx, json.loads(row["audience"]))
            broadcasts.set_recipients(tx, broadcast_id, len(people))
            self._queue(tx, broadcast_id, people)
            audit.record_in(tx, actor_id, "broadcast.approve", {"broadcast_id": broadcast_id}, now)

        await self._db.unit(work)
        return await self.get(broadcast_id)

    async def cancel(self, actor_id: int, broadcast_id: int) -> Broadcast:
        """Stop what was not sent yet (or a broadcast still waiting for approval)."""
        await self._team.require_member(actor_id)
        now = to_db(self._clock.now())

        def work(tx: Tx) -> None:
            row = broadcasts.get_in(tx, broadcast_id)
            if row is None:
                raise NotAllowed(N_("That broadcast does not exist."))
            state = row["state"]
            if state not in ("waiting", "sending") or not broadcasts.move(
                tx, broadcast_id, state, "cancelled", finished_at=now
            ):
                raise NotAllowed(N_("That broadcast was sent or cancelled already."))
            self._outbox.void_in(tx, batch_of(broadcast_id), (KIND, "broadcast_approval"))
            audit.record_in(tx, actor_id, "broadcast.cancel", {"broadcast_id": broadcast_id}, now)

        await self._db.unit(work)
        # Not one message more: sends that waited for their turn stop at it, and the ones
        # already under way are waited for, so the report shown now is final.
        self._outbox.stop(batch_of(broadcast_id))
        await self._outbox.settled(batch_of(broadcast_id))
        return await self.get(broadcast_id)

    async def finish_if_done(self, broadcast_id: int, report: BatchReport) -> bool:
        """A broadcast whose `report` has nothing pending is done (once)."""
        if report.pending:
            return False
        now = to_db(self._clock.now())
        return await self._db.unit(
            lambda tx: broadcasts.move(tx, broadcast_id, "sending", "done", finished_at=now)
        )

    def _queue(self, tx: Tx, broadcast_id: int, people: list[int]) -> None:
        now = self._clock.now()
        self._outbox.enqueue_in(
            tx,
            [
                Message(
                    person,
                    KIND,
                    now,
                    f"broadcast:{broadcast_id}:{person}",
                    {"broadcast_id": broadcast_id},
                    subject=batch_of(broadcast_id),
                    batch=batch_of(broadcast_id),
                )
                for person in people
            ],
        )

    def _ask_approval(self, tx: Tx, broadcast_id: int, actor_id: int) -> None:
        """Every other team member is asked (a notice, not a bulk message)."""
        members = people.team_member_ids_in(tx)
        members |= set(self._settings.admin_ids)
        now = self._clock.now()
        self._outbox.enqueue_in(
            tx,
            [
                Message(
                    member,
                    "broadcast_approval",
                    now,
                    f"broadcast-approval:{broadcast_id}:{member}",
                    {"broadcast_id": broadcast_id},
                    subject=batch_of(broadcast_id),
                )
                for member in sorted(members - {actor_id})
            ],
        )

    async def get(self, broadcast_id: int) -> Broadcast:
        row = await broadcasts.get(self._db.reader, broadcast_id)
        if row is None:
            raise NotAllowed(N_("That broadcast does not exist."))
        return _broadcast(row)

    async def sending(self) -> list[Broadcast]:
        return [_broadcast(r) for r in await broadcasts.sending(self._db.reader)]

    async def latest(self, actor_id: int, limit: int = 10) -> list[Broadcast]:
        await self._team.require_member(actor_id)
        return [_broadcast(r) for r in await broadcasts.latest(self._db.reader, limit)]

    async def report(self, broadcast_id: int) -> BatchReport:
        return await self._outbox.report(batch_of(broadcast_id))

    async def unreached(self, actor_id: int, broadcast_id: int) -> list[Row]:
        await self._team.require_member(actor_id)
        await self.get(broadcast_id)
        rows = await broadcasts.unreached(self._db.reader, batch_of(broadcast_id))
        now = to_db(self._clock.now())
        async with self._db.transaction() as tx:
            await audit.record(
                tx, actor_id, "export.broadcast_unreached", {"broadcast_id": broadcast_id}, now
            )
        return rows

    async def keep_status_message(self, broadcast_id: int, chat: int, message: int) -> None:
        async with self._db.transaction() as tx:
            await broadcasts.set_status_message(tx, broadcast_id, chat, message)


def _broadcast(row: Row) -> Broadcast:
    buttons = json.loads(row["button"]) if row["button"] else []
    return Broadcast(
        id=row["id"],
        texts=json.loads(row["texts"]),
        buttons=tuple(LinkButton.of(b) for b in buttons),
        audience=json.loads(row["audience"]),
        recipients=row["recipients"],
        state=row["state"],
        created_by=row["created_by"],
        approved_by=row["approved_by"],
        status_chat=row["status_chat"],
        status_message=row["status_message"],
    )
