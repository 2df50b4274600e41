"""/admin: the pact team's desk, one menu for everything the team does. Each button opens
the view its command opens (the commands stay), the exports (CSV) and the audit log.

Buttons: `adm:menu:`, `adm:go:<view>`, `adm:exports:`, `adm:export:<what>`,
`adm:log:<page>.<kind or ->.<person or 0>`; every press re-checks the team."""

from __future__ import annotations

import json
from typing import Any

from telegram import Update

from bot.config import Settings
from bot.context import PactContext
from bot.delivery.kinds import Document
from bot.i18n import N_, Translator
from bot.services.desk import AUDIT_KINDS, Entry
from bot.vocabulary import LEVER, STATUS
from handlers.kit.common import (
    answer,
    esc,
    keyboard,
    no_longer_valid,
    page_shown,
    parse_id,
    parse_page,
    show,
    user_id_of,
)
from handlers.kit.exports import cell, csv_bytes
from handlers.kit.feature import DeskView, wiring

# The menu's views in this order, two a row; each is a feature's `DeskView` (a view no
# feature declares is left out, one not listed here comes last).
MENU = ("sessions", "intentions", "orgs", "stats", "sectors", "campaigns", "moderate", "digest")
MENU_LAST = ("team", "status")
EXPORT_NAMES = {
    "organisations": N_("Organisations and contacts"),
    "intentions": N_("Intentions with indicators and latest values"),
    "progress": N_("Progress history"),
    "sessions": N_("Sessions and attendance"),
    "broadcasts": N_("Broadcasts and their reports"),
}
KIND_NAMES = {
    "session": N_("Sessions"),
    "campaign": N_("Campaigns"),
    "endorsement": N_("Moderation"),
    "broadcast": N_("Broadcasts"),
    "digest": N_("Digest"),
    "sector": N_("Sectors"),
    "team": N_("Team"),
    "export": N_("Exports"),
}


async def admin(update: Update, context: PactContext) -> None:
    await context.services.team.require_member(user_id_of(update))
    await show(
        update, context, *_menu(context.i18n, wiring(context).desk, context.services.settings)
    )


def _menu(
    t: Translator, views: dict[str, DeskView], settings: Settings
) -> tuple[str, dict[str, object]]:
    if settings.web_port is None:
        public_state = t.gettext("The public page is off (WEB_PORT is not set).")
    else:
        public_state = t.gettext("The public page is on: {url}").format(
            url=esc(settings.public_url or f"port {settings.web_port}")
        )
    listed = [*MENU, *(k for k in views if k not in (*MENU, *MENU_LAST)), *MENU_LAST]
    names = [k for k in listed if k in views and views[k].below]
    buttons = [(t.gettext(views[k].label), f"adm:go:{k}") for k in names]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    # `:menu`: the flow it starts leaves the button on the menu (a menu stays whole).
    broadcasts = [(t.gettext("📣 New broadcast"), "bc:start:menu")] if "broadcasts" in views else []
    if "broadcasts" in views:
        broadcasts.append((t.gettext(views["broadcasts"].label), "adm:broadcasts:"))
    rows += [
        *([broadcasts] if broadcasts else []),
        [(t.gettext("📤 Exports"), "adm:exports:"), (t.gettext("🧾 Audit log"), "adm:log:0.-.0")],
    ]
    text = t.gettext("<b>Pact team desk</b>\nWhat do you want to do?")
    return f"{text}\n\n{public_state}", keyboard(rows)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    t = context.i18n
    person_id = user_id_of(update)
    await context.services.team.require_member(person_id)
    views = wiring(context).desk
    if action == "menu":
        await show(update, context, *_menu(t, views, context.services.settings))
    elif action in ("go", "broadcasts"):
        view = views.get(value if action == "go" else action)
        if view is None:
            raise no_longer_valid()
        await answer(update, context)
        context.args = []
        context.answer_below = view.below  # below: the menu stays for the next choice
        await view.open(update, context)
    elif action == "exports":
        rows = [[(t.gettext(name), f"adm:export:{what}")] for what, name in EXPORT_NAMES.items()]
        rows.append([(t.gettext("« Back"), "adm:menu:")])
        text = t.gettext("<b>Exports</b>\nCSV files that open in a spreadsheet as they are.")
        await show(update, context, text, keyboard(rows))
    elif action == "export":
        if value not in EXPORT_NAMES:
            raise no_longer_valid()
        found = await context.services.desk.export(person_id, value)
        await answer(update, context)
        header, lines = await _csv(context, t, value, found)
        stamp = f"{context.services.clock.now():%Y-%m-%d}"
        await context.bot.deliver(
            person_id,
            Document(
                csv_bytes(t, header, lines),
                f"{value}-{stamp}.csv",
                t.gettext(EXPORT_NAMES[value]),
            ),
        )
    elif action == "log":
        await _log(update, context, value)
    else:
        raise no_longer_valid()


async def _csv(
    context: PactContext, t: Translator, what: str, rows: list[dict[str, Any]]
) -> tuple[list[str], list[list[object]]]:
    names = {s.id: s.name(t.locale) for s in await context.services.sectors.all()}

    def lever(code: str) -> str:
        return t.gettext(LEVER[code].name) if code in LEVER else code

    def status(code: str) -> str:
        return t.gettext(STATUS[code].name) if code in STATUS else code

    if what == "organisations":
        header = [t.gettext(h) for h in (
            N_("Organisation id"), N_("Organisation"), N_("Sector"), N_("Website"),
            N_("Registered"), N_("Contact"), N_("Contact's Telegram id"), N_("Joined"),
            N_("Intentions"),
        )]  # fmt: skip
        return header, [
            [r["id"], r["name"], names.get(r["sector_id"], ""), r["website"], r["created_at"],
             r["display_name"], r["person_id"], r["joined_at"], r["intentions"]]
            for r in rows
        ]  # fmt: skip
    if what == "intentions":
        header = [t.gettext(h) for h in (
            N_("Intention id"), N_("Organisation"), N_("Title"), N_("Sector"), N_("Lever"),
            N_("Status"), N_("Due date"), N_("Recorded"), N_("Indicator"), N_("Unit"),
            N_("Baseline"), N_("Target"), N_("Latest value"),
        )]  # fmt: skip
        return header, [
            [r["id"], r["organisation"], r["title"], names.get(r["sector_id"], ""),
             lever(r["lever"]), status(r["status"]), r["due_date"], r["created_at"],
             r["indicator"], r["unit"], r["baseline"], r["target"], r["current"]]
            for r in rows
        ]  # fmt: skip
    if what == "progress":
        header = [t.gettext(h) for h in (
            N_("Update id"), N_("When"), N_("Intention id"), N_("Intention"),
            N_("Organisation"), N_("Update"), N_("Values"),
        )]  # fmt: skip
        return header, [
            [r["id"], r["at"], r["intention_id"], r["title"], r["organisation"], r["text"],
             _values(t, r["vals"])]
            for r in rows
        ]  # fmt: skip
    if what == "sessions":
        header = [t.gettext(h) for h in (
            N_("Session id"), N_("Session"), N_("Start"), N_("State"), N_("Organisation"),
            N_("Contact"), N_("Contact's Telegram id"), N_("Answer"), N_("Answered"),
        )]  # fmt: skip
        return header, [
            [r["id"], r["title"], r["start_at"], r["state"], r["organisation"],
             r["display_name"], r["person_id"], r["rsvp"], r["answered_at"]]
            for r in rows
        ]  # fmt: skip
    header = [t.gettext(h) for h in (
        N_("Broadcast id"), N_("Created"), N_("State"), N_("Audience"), N_("Recipients"),
        N_("Written by"), N_("Approved by"), N_("Sent"), N_("Blocked the bot"), N_("Failed"),
        N_("Cancelled"), N_("Waiting"),
    )]  # fmt: skip
    return header, [
        [r["id"], r["created_at"], r["state"], r["audience"], r["recipients"], r["created_by"],
         r["approved_by"], r["sent"], r["blocked"], r["failed"], r["cancelled"], r["pending"]]
        for r in rows
    ]  # fmt: skip


def _values(t: Translator, stored: str | None) -> str:
    """The values a progress update logged: "Jobs found = 4; Hours = 2,5"."""
    pairs = json.loads(stored or "[]")
    return "; ".join(f"{name} = {cell(float(value), t)}" for name, value in pairs)


async def _log(update: Update, context: PactContext, value: str) -> None:
    t = context.i18n
    page_text, kind_text, person_text = [*value.split("."), "", "", ""][:3]
    page = parse_page(page_text)
    kind = None if kind_text in ("", "-") else kind_text
    person = parse_id(person_text) if person_text not in ("", "0") else None
    entries, more = await context.services.desk.log(user_id_of(update), page, kind, person)
    page_shown(page, entries)
    lines = [t.gettext("<b>Audit log</b>")]
    only = ([t.gettext(KIND_NAMES[kind])] if kind else []) + ([str(person)] if person else [])
    if only:
        lines.append(t.gettext("Only: {what}").format(what=", ".join(only)))
    lines += [_entry(t, e) for e in entries] or [t.gettext("Nothing yet.")]
    state = f"{kind or '-'}.{person or 0}"
    pager = []
    if page > 0:
        pager.append((t.gettext("« Newer"), f"adm:log:{page - 1}.{state}"))
    if more:
        pager.append((t.gettext("Older »"), f"adm:log:{page + 1}.{state}"))
    kinds = [
        (("✓ " if k == kind else "") + t.gettext(KIND_NAMES[k]), f"adm:log:0.{k}.{person or 0}")
        for k in AUDIT_KINDS
    ]
    rows = [pager] if pager else []
    rows += [kinds[i : i + 4] for i in range(0, len(kinds), 4)]
    people = sorted(await context.services.team.member_ids())
    rows.append(
        [(("✓ " if p == person else "") + str(p), f"adm:log:0.{kind or '-'}.{p}") for p in people][
            :4
        ]
    )
    rows.append([(t.gettext("All"), "adm:log:0.-.0"), (t.gettext("« Back"), "adm:menu:")])
    await show(update, context, "\n".join(lines), keyboard(rows))


def _entry(t: Translator, entry: Entry) -> str:
    detail = ", ".join(
        f"{esc(str(k))} {esc(json.dumps(v, ensure_ascii=False))}" for k, v in entry.detail.items()
    )
    who = str(entry.actor_id) if entry.actor_id is not None else t.gettext("(forgotten)")
    return f"• {t.datetime(entry.at, 'short')} · {who} · <b>{esc(entry.action)}</b>" + (
        f" · {detail[:120]}" if detail else ""
    )
