"""Telegram tells the bot when a person blocks or unblocks it."""

from __future__ import annotations

from telegram import ChatMember, Update

from bot.context import PactContext


async def my_chat_member(update: Update, context: PactContext) -> None:
    """Blocked: stop sending to them. Unblocked (and started again): reachable again."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    person_id = change.chat.id
    status = change.new_chat_member.status
    if status in (ChatMember.BANNED, ChatMember.LEFT):
        await context.services.people.mark_unreachable(person_id)
    elif status == ChatMember.MEMBER:
        await context.services.people.mark_reachable(person_id)
