"""/privacy, /mydata and /forget."""

from __future__ import annotations

import json

from telegram import Update

from bot.context import PactContext
from handlers.kit.common import end_flow, keyboard, no_longer_valid, refuse, send, show, user_id_of


async def explain(update: Update, context: PactContext) -> None:
    """What is stored, why, and how to get it or delete it."""
    t = context.i18n
    text = "\n\n".join(
        (
            t.gettext("<b>Your privacy</b>"),
            t.gettext(
                "What I store: your Telegram user id and language; what you type in a "
                "conversation you have not finished yet, so you can continue later; and what you "
                "enter yourself, such as your organisation, its intentions and progress, your "
                "answers to invitations and your endorsements, with the moment you gave each "
                "consent."
            ),
            t.gettext(
                "Why: to run the pact with you. Nothing is published without your consent, and "
                "nothing is shared with anyone outside the pact team."
            ),
            t.gettext(
                "/mydata sends you everything stored about you as a file. /forget deletes it; "
                "your organisation's records stay for its other contacts, without your name."
            ),
            t.ngettext(
                "Backups: a copy of everything is made every night and kept {n} day. After "
                "/forget, only a scrambled fingerprint of your Telegram id stays, as long as "
                "the oldest backup, so that restoring one never brings your data back.",
                "Backups: a copy of everything is made every night and kept {n} days. After "
                "/forget, only a scrambled fingerprint of your Telegram id stays, as long as "
                "the oldest backup, so that restoring one never brings your data back.",
                context.services.settings.backup_keep,
            ).format(n=t.number(context.services.settings.backup_keep)),
        )
    )
    await send(update, context, text)


async def my_data(update: Update, context: PactContext) -> None:
    """Sends a JSON file with everything stored about the person."""
    person_id = user_id_of(update)
    export = await context.services.privacy.export(person_id)
    payload = json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8")
    await context.bot.send_document(
        person_id,
        document=payload,
        filename="pactbot-mydata.json",
        caption=context.i18n.gettext("Everything Pactbot stores about you."),
    )


async def ask_forget(update: Update, context: PactContext) -> None:
    """Asks for confirmation before erasing anything."""
    t = context.i18n
    text = t.gettext(
        "This deletes everything stored about you. It cannot be undone. Delete everything?"
    )
    buttons = keyboard(
        [
            [(t.gettext("Yes, delete everything"), "privacy:forget:yes")],
            [(t.gettext("No, keep my data"), "privacy:forget:no")],
        ]
    )
    await send(update, context, text, buttons)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`privacy:forget:yes|no`: only ever acts on the person who pressed it."""
    if action != "forget" or value not in ("yes", "no"):
        await refuse(update, context, no_longer_valid())
        return
    t = context.i18n
    if value == "no":
        await show(update, context, t.gettext("Nothing was deleted."))
        return
    person_id = user_id_of(update)
    await context.services.forget_person(person_id)
    end_flow(context)
    context.application.drop_user_data(person_id)
    text = t.gettext("Everything stored about you has been deleted. Type /start to come back.")
    await show(update, context, text)
