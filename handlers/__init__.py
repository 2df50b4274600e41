"""The composition root: every capability once, then the catch-alls. Adding a capability
is one folder under handlers/ (its `FEATURE`) and one line in `FEATURES`.

Order matters: within a group the first match wins. Group 0, in this order:
  1. the features' handlers of another shape (an owner's forwarded message);
  2. the guided conversations of every feature (one handler for all flows), so a typed
     answer reaches the question it answers;
  3. the features' commands outside any conversation;
  4. button presses, routed by the area their data start with;
  5. the catch-alls: unknown commands, stray text, stale buttons.
Only private chats are served; the digest channel is only written to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler
from telegram.ext import filters as f

from handlers import (
    broadcasts,
    desk,
    digests,
    endorsements,
    intentions,
    operations,
    organisations,
    privacy,
    sessions,
    start,
)
from handlers.kit import callbacks, errors, fallback, membership, menus
from handlers.kit.feature import Feature, Wiring
from handlers.kit.flow import Flows

if TYPE_CHECKING:
    from bot.app import PactApplication

# Every capability, in the order of the command menu and /help.
FEATURES: tuple[Feature, ...] = (
    start.FEATURE,
    organisations.FEATURE,
    intentions.FEATURE,
    sessions.FEATURE,
    endorsements.FEATURE,
    digests.FEATURE,
    privacy.FEATURE,
    broadcasts.FEATURE,
    desk.FEATURE,
    operations.FEATURE,
)
PRIVATE = f.ChatType.PRIVATE


def register(app: PactApplication, features: tuple[Feature, ...] = FEATURES) -> None:
    """Wire `features` into `app`; a command, button area, deep link, desk view or job
    claimed twice raises ValueError before anything is added."""
    wired = Wiring(features)
    app.wiring = wired
    for feature in features:
        if feature.handlers is not None:
            app.add_handlers(list(feature.handlers(app)))
    app.add_handler(Flows(app, wired.flows, taken=wired.routes))
    for command in wired.commands:
        if command.callback is not None:
            app.add_handler(CommandHandler(command.name, command.callback, filters=PRIVATE))
    # What the bot sends on its own: each kind with its renderer and rules (bot/delivery).
    app.services.outbox.kinds.register(
        *(kind for feature in features if feature.kinds for kind in feature.kinds(app.services))
    )
    app.add_handler(ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(CallbackQueryHandler(callbacks.route))
    app.add_handler(MessageHandler(PRIVATE & f.COMMAND, fallback.unknown_command))
    app.add_handler(
        MessageHandler(PRIVATE & f.UpdateType.MESSAGE & ~f.COMMAND, fallback.stray_text)
    )
    app.add_error_handler(errors.on_error)
    app.on_start.append(menus.publish_commands)
    app.on_start.append(_schedule_jobs)


async def _schedule_jobs(app: PactApplication) -> None:
    """The features' repeating jobs, once the database is open."""
    wired = app.wiring
    assert isinstance(wired, Wiring)
    if app.job_queue is None:
        return
    for feature in wired.features:
        for job in feature.jobs:
            if job.once:
                app.job_queue.run_once(job.callback, job.first, name=job.name)
            else:
                app.job_queue.run_repeating(
                    job.callback, interval=job.every, first=job.first, name=job.name
                )
