"""/help: the commands this person can use, one line each."""

from __future__ import annotations

from telegram import Update

from bot.commands import COMMANDS
from bot.context import PactContext
from handlers.common import send, user_id_of


async def show_help(update: Update, context: PactContext) -> None:
    """Everyone sees their commands; pact team members also see the team's."""
    t = context.i18n
    team = await context.services.team.is_member(user_id_of(update))
    lines = [t.gettext("<b>What I can do</b>")]
    lines += [
        f"/{c.name} — {t.gettext(c.description)}" for c in COMMANDS if c.audience == "everyone"
    ]
    if team:
        lines += ["", t.gettext("<b>Pact team</b>")]
        lines += [
            f"/{c.name} — {t.gettext(c.description)}" for c in COMMANDS if c.audience != "everyone"
        ]
    await send(update, context, "\n".join(lines))
