"""Follow-up sessions per sector: /newsession schedules (`schedule`), /sessions lists and
answers (`sessions`), moves and edits (`changes`), what to do next (`followup`), and the
invitations and reminders the bot sends (`messages`)."""

from bot.i18n import N_
from handlers.kit.feature import Command, DeskView, Feature
from handlers.sessions import changes, followup, messages, schedule, sessions

FEATURE = Feature(
    name="sessions",
    commands=(
        Command("sessions", N_("Upcoming follow-up sessions and your answers"), sessions.sessions),
        Command("newsession", N_("Schedule a follow-up session"), audience="team"),
    ),
    flows=(schedule.NEW_SESSION, changes.MOVE, changes.EDIT_SESSION, followup.NEXT_STEP),
    buttons={"rsvp": sessions.on_rsvp, "ses": sessions.on_session_button},
    kinds=messages.kinds,
    desk=(DeskView("sessions", N_("📅 Sessions"), sessions.sessions),),
)
