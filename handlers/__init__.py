"""Every handler, in order. Order matters: within a group the first match wins.

group 0, in this order:
  1. the guided conversations (one handler for all flows), so a typed answer reaches
     the question it answers;
  2. commands outside any conversation;
  3. button presses, routed by the prefix of their data;
  4. the catch-alls: /cancel with nothing to cancel, unknown commands, stray text, stale
     buttons.
Only private chats are served; the digest channel is only written to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import (
    broadcast,
    broadcast_messages,
    callbacks,
    campaigns,
    desk,
    digest_desk,
    digest_messages,
    endorse,
    endorsement_messages,
    errors,
    fallback,
    follow,
    followup,
    help,
    language,
    membership,
    mine,
    moderation,
    organisations,
    privacy,
    schedule,
    sectors,
    session_changes,
    session_messages,
    sessions,
    start,
    team,
    team_views,
)
from handlers.flow import Flows
from handlers.intention_flow import INTENTION

if TYPE_CHECKING:
    from bot.app import PactApplication

PRIVATE = filters.ChatType.PRIVATE


def register(app: PactApplication) -> None:
    flows = (
        organisations.REGISTER,
        INTENTION,
        mine.PROGRESS,
        mine.EDIT,
        mine.INDICATOR,
        sectors.SECTOR,
        schedule.NEW_SESSION,
        session_changes.MOVE,
        session_changes.EDIT_SESSION,
        followup.NEXT_STEP,
        endorse.ENDORSE,
        campaigns.CAMPAIGN,
        campaigns.PUBLISH,
        moderation.REJECT,
        broadcast.BROADCAST,
    )

    callbacks.ROUTES.update(
        {
            "lang": language.on_button,
            "privacy": privacy.on_button,
            "team": team.on_button,
            "org": organisations.on_button,
            "mine": mine.on_button,
            "ti": team_views.on_intentions_button,
            "to": team_views.on_orgs_button,
            "rsvp": sessions.on_rsvp,
            "ses": sessions.on_session_button,
            "endv": endorse.on_button,
            "cmpv": campaigns.on_button,
            "mod": moderation.on_button,
            "fol": follow.on_button,
            "dig": digest_desk.on_button,
            "bcv": broadcast.on_button,
            "adm": desk.on_button,
        }
    )
    # An owner forwards a person's message: add them to the team (with a confirmation).
    owners = filters.User(user_id=app.services.settings.admin_ids, allow_empty=False)
    if app.services.settings.admin_ids:
        app.add_handler(MessageHandler(PRIVATE & filters.FORWARDED & owners, team.on_forward))
    # Before anything else in the group: an answer reaches the question it answers.
    app.add_handler(Flows(app, flows, taken=callbacks.ROUTES))

    commands = {
        "start": start.start,
        "help": help.show_help,
        "language": language.choose,
        "privacy": privacy.explain,
        "mydata": privacy.my_data,
        "forget": privacy.ask_forget,
        "team": team.team,
        "invite": organisations.invite,
        "mine": mine.mine,
        "intentions": team_views.intentions,
        "orgs": team_views.orgs,
        "stats": team_views.stats,
        "sectors": sectors.sectors,
        "sessions": sessions.sessions,
        "endorse": endorse.endorse,
        "campaigns": campaigns.campaigns,
        "moderate": moderation.moderate,
        "follow": follow.follow,
        "unfollow": follow.unfollow,
        "digest": digest_desk.digest,
        "admin": desk.admin,
    }
    if clash := {flow.command for flow in flows} & set(commands):
        raise ValueError(f"commands both a flow's and a handler's: {clash}")
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=PRIVATE))

    start.DEEP_LINKS["join"] = organisations.join_link
    start.DEEP_LINKS["endorse"] = endorse.endorse_link
    # What the bot sends on its own: each kind with its renderer and rules (bot/delivery).
    app.services.outbox.kinds.register(
        *session_messages.kinds(app.services),
        *organisations.kinds(app.services),
        *endorsement_messages.kinds(app.services),
        *digest_messages.kinds(app.services),
        *broadcast_messages.kinds(app.services),
    )
    app.add_handler(ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(CallbackQueryHandler(callbacks.route))

    app.add_handler(CommandHandler("cancel", fallback.nothing_to_cancel, filters=PRIVATE))
    app.add_handler(MessageHandler(PRIVATE & filters.COMMAND, fallback.unknown_command))
    app.add_handler(
        MessageHandler(PRIVATE & filters.UpdateType.MESSAGE & ~filters.COMMAND, fallback.stray_text)
    )
    app.add_error_handler(errors.on_error)
