"""/admin → Status: how the bot is doing, "Back up now", and for owners the newest backup
as a file. Buttons: `ops:status:`, `ops:backup:`, `ops:download:`."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.context import PactContext
from bot.delivery.kinds import Document
from bot.i18n import Translator
from bot.services.operations import Status
from handlers.kit.common import answer, esc, keyboard, no_longer_valid, show, user_id_of
from handlers.kit.render import moment

TELEGRAM_FILE_MOST = 50 * 1024 * 1024  # what a bot may send as a document


def _size(t: Translator, size: int) -> str:
    if size < 1_000_000:
        return t.gettext("{n} kB").format(n=t.number(max(1, round(size / 1000))))
    return t.gettext("{n} MB").format(n=t.number(round(size / 1_000_000, 1)))


def status_text(t: Translator, found: Status) -> str:
    never = t.gettext("not yet")
    lines = [
        t.gettext("<b>Status</b> · Pactbot {version}").format(version=esc(found.version)),
        t.gettext("Running since {when}, by {mode}.").format(
            when=moment(t, found.started_at),
            mode=t.gettext("webhook") if found.mode == "webhook" else t.gettext("long polling"),
        ),
        t.gettext("Last update received: {when}").format(
            when=moment(t, found.last_update_at) if found.last_update_at else never
        ),
        t.gettext("Messages last sent out: {when}").format(
            when=moment(t, found.last_dispatch_at) if found.last_dispatch_at else never
        ),
        "",
        t.gettext("<b>Waiting to be sent</b>"),
    ]
    lines += [
        t.gettext("{kind}: {n}, the oldest due {when}").format(
            kind=esc(kind), n=t.number(n), when=moment(t, oldest)
        )
        for kind, n, oldest in found.backlog
    ] or [t.gettext("Nothing.")]
    settled = found.settled
    lines += [
        "",
        t.gettext("<b>Last 24 hours</b>"),
        t.gettext("{sent} sent, {failed} failed, {blocked} not sent (blocked the bot)").format(
            sent=t.number(settled.get("sent", 0)),
            failed=t.number(settled.get("failed", 0)),
            blocked=t.number(settled.get("blocked", 0)),
        ),
        t.gettext("Errors: {errors}").format(
            errors=", ".join(f"{esc(k)} × {t.number(n)}" for k, n in found.errors.most_common(5))
            or t.gettext("none")
        ),
        "",
        t.gettext("Database: {size}").format(size=_size(t, found.database_size)),
    ]
    backup = found.newest_backup
    lines.append(
        t.gettext("Last backup: {when} ({size})").format(
            when=moment(t, backup.taken_at), size=_size(t, backup.size)
        )
        if backup
        else t.gettext("Last backup: none yet")
    )
    if found.backup_failure is not None:
        at, why = found.backup_failure
        lines.append(
            t.gettext("⚠️ The last backup failed at {when}: {why}").format(
                when=moment(t, at), why=esc(why[:200])
            )
        )
    return "\n".join(lines)


async def status(update: Update, context: PactContext) -> None:
    t = context.i18n
    found = await context.services.operations.status(user_id_of(update))
    rows = [[(t.gettext("💾 Back up now"), "ops:backup:")]]
    if context.services.team.is_owner(user_id_of(update)):
        rows.append([(t.gettext("📥 The newest backup (owners)"), "ops:download:")])
    rows.append([(t.gettext("🔄 Refresh"), "ops:status:"), (t.gettext("« Back"), "adm:menu:")])
    await show(update, context, status_text(t, found), keyboard(rows))


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    t = context.i18n
    person_id = user_id_of(update)
    operations = context.services.operations
    if action == "status":
        await status(update, context)
    elif action == "backup":
        await context.services.team.require_member(person_id)
        await answer(update, context, t.gettext("Backing up…"))
        taken = await operations.back_up_now(person_id)
        await context.bot.send_text(
            person_id,
            t.gettext("Backup made: {name} ({size}).").format(
                name=esc(taken.path.name), size=_size(t, taken.size)
            ),
        )
        await status(update, context)
    elif action == "download":
        found = await operations.newest_for_download(person_id)
        await answer(update, context)
        if found.size > TELEGRAM_FILE_MOST:
            await context.bot.send_text(
                person_id,
                t.gettext(
                    "The newest backup is {size}: more than Telegram lets a bot send. Copy "
                    "it from the server: {path}"
                ).format(size=_size(t, found.size), path=esc(str(found.path))),
            )
            return
        await context.bot.deliver(
            person_id,
            Document(
                await asyncio.to_thread(found.path.read_bytes),  # off the event loop
                found.path.name,
                t.gettext(
                    "The newest backup. It holds everyone's data: keep it safe, and delete it "
                    "when you no longer need it."
                ),
            ),
        )
    else:
        raise no_longer_valid()
