"""/team: who is on the pact team; owners add and remove members."""

from __future__ import annotations

from telegram import MessageOriginUser, Update

from bot.context import PactContext
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from handlers.kit.common import esc, keyboard, no_longer_valid, parse_id, send, show, user_id_of
from handlers.kit.menus import publish_team_commands, withdraw_team_commands
from handlers.kit.render import within_budget


async def team(update: Update, context: PactContext) -> None:
    """Members see the team; owners also use `/team add ID` and `/team remove ID`."""
    actor_id = user_id_of(update)
    services = context.services
    t = context.i18n
    await services.team.require_member(actor_id)
    args = context.args or []
    if not args:
        await _show_team(update, context)
        return
    if len(args) != 2 or args[0] not in ("add", "remove"):
        raise Invalid(N_("Use /team add ID or /team remove ID, where ID is a Telegram user id."))
    person_id = validation.telegram_id(args[1])
    if args[0] == "add":
        if await services.team.add(actor_id, person_id):
            await publish_team_commands(context, person_id, await context.translator_of(person_id))
            await send(
                update, context, t.gettext("{id} is now on the pact team.").format(id=person_id)
            )
        else:
            await send(
                update,
                context,
                t.gettext("{id} is on the pact team already.").format(id=person_id),
            )
        return
    await send(update, context, *_ask_remove(context, actor_id, person_id))


def _ask_remove(
    context: PactContext, actor_id: int, person_id: int
) -> tuple[str, dict[str, object]]:
    """Only an owner removes, after this question."""
    t = context.i18n
    if not context.services.team.is_owner(actor_id):
        raise NotAllowed(N_("Only a pact team owner can change the team."))
    question = t.gettext("Remove {id} from the pact team?").format(id=person_id)
    buttons = keyboard(
        [
            [(t.gettext("Yes, remove"), f"team:remove:{person_id}")],
            [(t.gettext("No"), "team:keep:0")],
        ]
    )
    return question, buttons


async def on_forward(update: Update, context: PactContext) -> None:
    """An owner forwards a message of someone: add that person to the team?"""
    t = context.i18n
    message = update.effective_message
    origin = message.forward_origin if message is not None else None
    if not isinstance(origin, MessageOriginUser):
        await send(
            update,
            context,
            t.gettext(
                "Telegram does not say who wrote that message (their privacy settings hide "
                "it). Ask them for their user id and use /team add ID."
            ),
        )
        return
    person = origin.sender_user
    if person.is_bot:
        raise Invalid(N_("That is a bot, not a person."))
    name = esc(person.full_name)
    question = t.gettext("Add {name} ({id}) to the pact team?").format(name=name, id=person.id)
    buttons = keyboard(
        [
            [(t.gettext("Yes, add"), f"team:add:{person.id}")],
            [(t.gettext("No"), "team:keep:0")],
        ]
    )
    await send(update, context, question, buttons)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`team:add|remove|ask:<id>` re-check that the presser is an owner."""
    t = context.i18n
    if action == "keep":
        await show(update, context, t.gettext("Nothing was changed."))
        return
    if action == "add":
        person_id = parse_id(value)
        if await context.services.team.add(user_id_of(update), person_id):
            await publish_team_commands(context, person_id, await context.translator_of(person_id))
            text = t.gettext("{id} is now on the pact team.").format(id=person_id)
        else:
            text = t.gettext("{id} is on the pact team already.").format(id=person_id)
        await show(update, context, text)
        return
    if action == "ask":
        await show(update, context, *_ask_remove(context, user_id_of(update), parse_id(value)))
        return
    if action != "remove":
        raise no_longer_valid()
    person_id = parse_id(value)
    if await context.services.team.remove(user_id_of(update), person_id):
        await withdraw_team_commands(context, person_id)
        await show(
            update,
            context,
            t.gettext("{id} is no longer on the pact team.").format(id=person_id),
        )
    else:
        await show(
            update, context, t.gettext("{id} was not on the pact team.").format(id=person_id)
        )


async def _show_team(update: Update, context: PactContext) -> None:
    t = context.i18n
    team = context.services.team
    members = sorted(await team.member_ids())
    head = [t.gettext("<b>Pact team</b>")]
    if team.is_owner(user_id_of(update)):
        head.append(
            t.gettext("Use /team add ID or /team remove ID, where ID is a Telegram user id.")
        )
    owner = team.is_owner(user_id_of(update))
    if owner:
        head.append(
            t.gettext("To add someone, forward me a message they wrote, or use /team add ID.")
        )
    items = [
        f"• <code>{member_id}</code> ("
        + (t.gettext("owner") if team.is_owner(member_id) else t.gettext("member"))
        + ")"
        for member_id in members
    ]
    removable = [m for m in members if owner and not team.is_owner(m)][:20]
    buttons = keyboard(
        [[(t.gettext("➖ Remove {id}").format(id=m), f"team:ask:{m}")] for m in removable]
    )
    await send(update, context, within_budget(t, head, items)[0], buttons if removable else None)
