"""A broadcast as each recipient reads it (their language's text, or the Dutch one, shown as
the team typed it, with its link buttons), the request to approve one, and the live status
the team watches while it goes."""

from __future__ import annotations

from bot.botapi import Markup
from bot.delivery.kinds import Kind, Skip, Text
from bot.delivery.outbox import BatchReport, Due
from bot.i18n import N_, Translator
from bot.services import Services
from bot.services.broadcasts import Broadcast
from handlers.kit.common import esc, keyboard


def message(broadcast: Broadcast, locale: str) -> Text:
    """What a recipient of `locale` gets: plain text (escaped), the link buttons under it."""
    markup: Markup | None = None
    if broadcast.buttons:
        rows = [[{"text": label, "url": url}] for label, url in broadcast.buttons]
        markup = {"inline_keyboard": rows}
    return Text(esc(broadcast.text(locale)), markup)


def audience_text(t: Translator, broadcast: Broadcast, sector_names: dict[int, str]) -> str:
    spec = broadcast.audience
    kind = spec["kind"]
    if kind == "sectors":
        names = ", ".join(esc(sector_names.get(int(s), "?")) for s in spec.get("sectors", []))
        return t.gettext("contacts of: {sectors}").format(sectors=names)
    return t.gettext(AUDIENCE_NAMES[kind])


AUDIENCE_NAMES = {
    "everyone": N_("Everyone who uses the bot"),
    "contacts": N_("All organisation contacts"),
    "sectors": N_("Contacts of chosen sectors"),
    "followers": N_("Digest followers"),
    "session": N_("Invitees of a session"),
    "not_endorsed": N_("Organisations that have not endorsed the open campaign"),
}


def status_text(t: Translator, broadcast: Broadcast, report: BatchReport) -> str:
    head = {
        "sending": t.gettext("<b>Broadcast {id}</b> · sending"),
        "done": t.gettext("<b>Broadcast {id}</b> · sent"),
        "cancelled": t.gettext("<b>Broadcast {id}</b> · cancelled"),
        "waiting": t.gettext("<b>Broadcast {id}</b> · waiting for approval"),
    }[broadcast.state].format(id=broadcast.id)
    counts = t.gettext(
        "{sent} sent · {blocked} blocked the bot · {failed} failed · {pending} to go"
    ).format(
        sent=t.number(report.sent),
        blocked=t.number(report.blocked),
        failed=t.number(report.failed),
        pending=t.number(report.pending),
    )
    return f"{head}\n{counts}"


def status_buttons(t: Translator, broadcast: Broadcast) -> Markup:
    if broadcast.state in ("sending", "waiting"):
        return keyboard([[(t.gettext("⏹ Cancel the rest"), f"bcv:cancel:{broadcast.id}")]])
    return keyboard([[(t.gettext("📄 Who was not reached (CSV)"), f"bcv:csv:{broadcast.id}")]])


def kinds(services: Services) -> list[Kind]:
    async def broadcast(due: Due, t: Translator) -> Text:
        found = await services.broadcasts.get(int(due.payload["broadcast_id"]))
        if found.state != "sending":
            raise Skip("the broadcast was cancelled")
        return message(found, t.locale)

    async def approval(due: Due, t: Translator) -> Text:
        found = await services.broadcasts.get(int(due.payload["broadcast_id"]))
        if found.state != "waiting":
            raise Skip("approved or cancelled already")
        text = t.gettext(
            "A broadcast to {n} people waits for a second team member's approval. It reads:"
        ).format(n=t.number(found.recipients))
        buttons = keyboard(
            [
                [(t.gettext("✅ Approve and send"), f"bcv:approve:{found.id}")],
                [(t.gettext("⏹ Cancel it"), f"bcv:cancel:{found.id}")],
            ]
        )
        return Text(f"{text}\n\n{esc(found.text(t.locale))}", buttons)

    return [Kind("broadcast", broadcast), Kind("broadcast_approval", approval, bulk=False)]
