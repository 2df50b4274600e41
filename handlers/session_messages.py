"""What the dispatcher sends about sessions, rendered when it is sent, in the recipient's
language: invitations, calendar files, reminders, changes, and the question afterwards."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.botapi import Markup, PactBot
from bot.delivery.dispatcher import Skip
from bot.delivery.ics import session_ics
from bot.delivery.outbox import Due
from bot.i18n import Translator
from bot.services.sessions import Session
from handlers.common import esc, keyboard
from handlers.render import session_details

if TYPE_CHECKING:
    from bot.app import PactApplication


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


def renderers(app: PactApplication) -> None:
    """Register one renderer per outbox kind about sessions."""
    services = app.services

    async def holding(message: Due) -> Session:
        session = await services.sessions.still_holds(
            message.kind, message.recipient_id, message.payload
        )
        if session is None:
            raise Skip("the session changed, was cancelled, or has started")
        return session

    async def announce(bot: PactBot, message: Due, t: Translator) -> None:
        session = await holding(message)
        heads = {
            "invite": t.gettext("You are invited to a follow-up session of the pact:"),
            "moved": t.gettext("This session has moved to a new time:"),
            "changed": t.gettext("This session has changed:"),
        }
        rsvp = await services.sessions.rsvp_of(message.recipient_id, session.id)
        text = "\n\n".join(
            (heads[message.kind], session_details(t, session), t.gettext("Will you come?"))
        )
        await bot.send_text(message.recipient_id, text, rsvp_keyboard(t, session.id, rsvp))

    async def calendar_file(bot: PactBot, message: Due, t: Translator) -> None:
        session = await holding(message)
        settings = services.settings
        content = session_ics(
            uid=f"session-{session.id}@pactbot",
            sequence=session.sequence,
            title=session.title,
            start=session.start,
            duration=session.duration,
            tz=settings.timezone,
            place=session.place,
            url=session.url,
            description=session.agenda,
            stamp=services.clock.now(),
        )
        await bot.send_document(
            message.recipient_id,
            document=content,
            filename=f"session-{session.id}.ics",
            caption=t.gettext("Add it to your calendar: open this file."),
        )

    async def reminder(bot: PactBot, message: Due, t: Translator) -> None:
        session = await holding(message)
        rsvp = await services.sessions.rsvp_of(message.recipient_id, session.id)
        text = "\n\n".join((t.gettext("Reminder:"), session_details(t, session)))
        await bot.send_text(message.recipient_id, text, rsvp_keyboard(t, session.id, rsvp))

    async def cancelled(bot: PactBot, message: Due, t: Translator) -> None:
        session = await holding(message)
        text = t.gettext("The session {title} is cancelled.").format(
            title=f"<b>{esc(session.title)}</b>"
        )
        await bot.send_text(message.recipient_id, text)

    async def followup(bot: PactBot, message: Due, t: Translator) -> None:
        session = await holding(message)
        text = t.gettext(
            "Thank you for coming to {title}. What will your organisation do next? "
            "Your answer can become a progress update on one of its intentions."
        ).format(title=f"<b>{esc(session.title)}</b>")
        buttons = keyboard([[(t.gettext("✍️ Answer"), f"next:start:{session.id}")]])
        await bot.send_text(message.recipient_id, text, buttons)

    app.dispatcher.renderers.update(
        {
            "invite": announce,
            "moved": announce,
            "changed": announce,
            "ics": calendar_file,
            "reminder": reminder,
            "cancelled": cancelled,
            "followup": followup,
        }
    )
