"""/help: the commands this person can use, one line each."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from handlers.kit.common import send, user_id_of
from handlers.kit.feature import wiring


async def show_help(update: Update, context: PactContext) -> None:
    """Everyone sees their commands; pact team members also see the team's."""
    t = context.i18n
    commands = wiring(context).commands
    team = await context.services.team.is_member(user_id_of(update))
    lines = [t.gettext("<b>What I can do</b>")]
    lines += [
        f"/{c.name} — {t.gettext(c.description)}" for c in commands if c.audience == "everyone"
    ]
    if team:
        lines += ["", t.gettext("<b>Pact team</b>")]
        lines += [
            f"/{c.name} — {t.gettext(c.description)}" for c in commands if c.audience != "everyone"
        ]
    await send(update, context, "\n".join(lines))
