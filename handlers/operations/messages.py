"""The owners' alert, in their language: what failed, when, and how often since the last."""

from __future__ import annotations

from bot.clock import from_db
from bot.delivery.kinds import Kind, Text
from bot.delivery.outbox import Due
from bot.i18n import N_, Translator
from bot.services import Services
from handlers.kit.common import esc
from handlers.kit.render import moment

WHAT = {
    "database": N_("The database is damaged: the bot stopped"),
    "backup": N_("The backup failed"),
    "backlog": N_("Messages wait longer than an hour to be sent"),
    "error": N_("An unexpected error"),
}


def alert_text(t: Translator, payload: dict[str, object]) -> str:
    kind = str(payload["kind"])
    what = t.gettext(WHAT.get(kind.split(":", 1)[0], WHAT["error"]))
    lines = [
        f"⚠️ <b>{what}</b>",
        t.gettext("When: {when}").format(when=moment(t, from_db(str(payload["at"])))),
        f"<code>{esc(payload['detail'])}</code>",
    ]
    count = int(str(payload["count"]))
    if payload.get("since"):
        lines.append(
            t.ngettext(
                "{n} time since the last alert of this kind, {since}.",
                "{n} times since the last alert of this kind, {since}.",
                count,
            ).format(n=t.number(count), since=moment(t, from_db(str(payload["since"]))))
        )
    lines.append(t.gettext("/admin → Status shows how the bot is doing."))
    return "\n".join(lines)


def kinds(services: Services) -> list[Kind]:
    async def alert(message: Due, t: Translator) -> Text:
        return Text(alert_text(t, message.payload))

    return [Kind("alert", alert, bulk=False)]
