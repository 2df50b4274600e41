"""What the dispatcher sends about sessions, rendered when it is sent, in the recipient's
language: invitations, calendar files, reminders, changes, cancellations, and the question
afterwards. Each kind's renderer checks with the service that the message still holds."""

from __future__ import annotations

from bot.botapi import Markup
from bot.clock import from_db
from bot.delivery.ics import session_ics
from bot.delivery.kinds import Document, Kind, Skip, Text
from bot.delivery.outbox import Due
from bot.i18n import Translator
from bot.services import Services
from bot.services.sessions import Session
from handlers.kit.common import esc, keyboard
from handlers.kit.render import how_soon, moment, session_details


def rsvp_keyboard(t: Translator, session_id: int, current: str | None) -> Markup:
    labels = {"yes": t.gettext("Yes"), "maybe": t.gettext("Maybe"), "no": t.gettext("No")}
    return keyboard(
        [
            [
                (("✓ " if answer == current else "") + label, f"rsvp:{answer}:{session_id}")
                for answer, label in labels.items()
            ]
        ]
    )


def kinds(services: Services) -> list[Kind]:
    """One kind per message about sessions; all of them go to many people at once."""

    async def holding(message: Due) -> Session:
        assert message.person_id is not None
        session = await services.sessions.still_holds(
            message.kind, message.person_id, message.payload
        )
        if session is None:
            raise Skip("the session changed, was cancelled, or has started")
        return session

    async def with_rsvp(message: Due, t: Translator, head: str, session: Session) -> Text:
        assert message.person_id is not None
        rsvp = await services.sessions.rsvp_of(message.person_id, session.id)
        text = "\n\n".join((head, session_details(t, session), t.gettext("Will you come?")))
        return Text(text, rsvp_keyboard(t, session.id, rsvp))

    async def invite(message: Due, t: Translator) -> Text:
        session = await holding(message)
        head = t.gettext("You are invited to a follow-up session of the pact:")
        return await with_rsvp(message, t, head, session)

    async def moved(message: Due, t: Translator) -> Text:
        session = await holding(message)
        previous = message.payload.get("previous")
        if isinstance(previous, str):
            head = t.gettext("This session has moved from {before} to {after}:").format(
                before=moment(t, from_db(previous)), after=moment(t, session.start)
            )
        else:  # queued before moves said where from
            head = t.gettext("This session has moved to a new time:")
        return await with_rsvp(message, t, head, session)

    async def changed(message: Due, t: Translator) -> Text:
        session = await holding(message)
        return await with_rsvp(message, t, t.gettext("This session has changed:"), session)

    files: dict[tuple[int, int], bytes] = {}  # the file of each version, made once

    async def calendar_file(message: Due, t: Translator) -> Document:
        session = await holding(message)
        cancelled = session.state == "cancelled"
        content = files.get((session.id, session.sequence))
        if content is None:
            if len(files) >= 64:
                files.pop(next(iter(files)))
            content = files[session.id, session.sequence] = session_ics(
                uid=f"session-{session.id}@pactbot",
                sequence=session.sequence,
                title=session.title,
                start=session.start,
                duration=session.duration,
                tz=t.tz,
                place=session.place,
                url=session.url,
                description=session.agenda,
                stamp=services.clock.now(),
                cancelled=cancelled,
            )
        caption = (
            t.gettext("Open this file to take the session out of your calendar.")
            if cancelled
            else t.gettext("Add it to your calendar: open this file.")
        )
        return Document(content, f"session-{session.id}.ics", caption)

    async def reminder(message: Due, t: Translator) -> Text:
        session = await holding(message)
        head = t.gettext("Reminder: the session starts {when}.").format(
            when=how_soon(t, session.start, services.clock.now())
        )
        assert message.person_id is not None
        rsvp = await services.sessions.rsvp_of(message.person_id, session.id)
        text = "\n\n".join((head, session_details(t, session)))
        return Text(text, rsvp_keyboard(t, session.id, rsvp))

    async def cancelled(message: Due, t: Translator) -> Text:
        session = await holding(message)
        text = t.gettext("The session {title} on {when} is cancelled.").format(
            title=f"<b>{esc(session.title)}</b>", when=moment(t, session.start)
        )
        return Text(text)

    async def followup(message: Due, t: Translator) -> Text:
        session = await holding(message)
        text = t.gettext(
            "Thank you for coming to {title}. What will your organisation do next? "
            "Your answer can become a progress update on one of its intentions."
        ).format(title=f"<b>{esc(session.title)}</b>")
        buttons = keyboard([[(t.gettext("✍️ Answer"), f"next:start:{session.id}")]])
        return Text(text, buttons)

    return [
        Kind("invite", invite),
        Kind("moved", moved),
        Kind("changed", changed),
        Kind("ics", calendar_file),
        Kind("reminder", reminder),
        Kind("cancelled", cancelled),
        Kind("followup", followup),
    ]
