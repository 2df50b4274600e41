"""/broadcast: the pact team writes to everyone or to a segment. The Dutch text, then French
and English (or skip: those readers get the Dutch), optional link buttons, the audience;
then the exact count, the time it takes, a preview per language and a test to oneself,
and Send. While it goes, one status message the bot edits every few seconds, with Cancel;
at the end the report and who was not reached, as CSV.

Buttons: the flow's own `bc:…`; after it, `bcv:cancel|cancelok|approve|csv:<id>`."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import BadRequest

from bot import SUPPORTED_LOCALES
from bot.context import PactContext
from bot.delivery.kinds import Document
from bot.i18n import N_, translator
from bot.measure import cut
from bot.services.broadcasts import Broadcast, LinkButton, check_buttons, check_text
from bot.services.errors import NotAllowed
from handlers.broadcasts.messages import (
    AUDIENCE_NAMES,
    LANGUAGE_NAMES,
    audience_text,
    button_lines,
    message,
    status_buttons,
    status_text,
)
from handlers.kit.common import (
    answer,
    esc,
    keyboard,
    no_longer_valid,
    parse_id,
    sector_boxes,
    send,
    show,
    toggle_sector,
    user_id_of,
)
from handlers.kit.exports import csv_bytes
from handlers.kit.flow import DONE, STAY, Draft, Flow, Question, Step, ask, goto, keep
from handlers.kit.render import sending_time, within_budget

_LOGGER = logging.getLogger(__name__)
SESSIONS_SHOWN = 8


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    await context.services.team.require_member(user_id_of(update))
    draft.update(sectors=[])
    return None


def _draft_broadcast(draft: Draft) -> Broadcast:
    return Broadcast(
        id=0,
        texts={k: draft[k] for k in SUPPORTED_LOCALES if draft.get(k)},
        buttons=tuple(LinkButton.of(b) for b in draft.get("button") or []),
        audience=_spec(draft),
        recipients=0,
        state="sending",
        created_by=None,
        approved_by=None,
        status_chat=None,
        status_message=None,
    )


def _spec(draft: Draft) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": draft.get("audience", "")}
    if spec["kind"] == "sectors":
        spec["sectors"] = sorted(draft["sectors"])
    elif spec["kind"] == "session":
        spec.update(session_id=draft.get("session_id"), answers=draft.get("answers", "all"))
    elif spec["kind"] == "not_endorsed":
        spec["campaign_id"] = draft.get("campaign_id")
    return spec


async def _ask_audience(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    rows = [
        [(t.gettext(AUDIENCE_NAMES[kind]), f"bc:audience:{kind}")]
        for kind in ("everyone", "contacts", "sectors", "followers", "session")
    ]
    if await context.services.endorsements.open_campaigns():
        rows.append([(t.gettext(AUDIENCE_NAMES["not_endorsed"]), "bc:audience:not_endorsed")])
    return t.gettext("Who gets it?"), rows


async def _on_audience(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "audience" or value not in AUDIENCE_NAMES:
        raise no_longer_valid()
    draft["audience"] = value
    if value == "sectors":
        return "sectors"
    if value == "session":
        return "session"
    if value == "not_endorsed":
        campaigns = await context.services.endorsements.open_campaigns()
        if not campaigns:
            raise NotAllowed(N_("No campaign is open for endorsement now."))
        draft["campaign_id"] = campaigns[0].id
    return "review"


async def _ask_sectors(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    rows = sector_boxes(t, await context.services.sectors.all(), draft["sectors"], "bc")
    rows.append([(t.gettext("Done"), "bc:sector:done")])
    return t.gettext("Contacts of which sectors? Tick one or more, then Done."), rows


async def _on_sectors(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "sector":
        raise no_longer_valid()
    if value == "done":
        if not draft["sectors"]:
            raise NotAllowed(N_("Tick at least one sector."))
        return "review"
    await toggle_sector(context, draft["sectors"], value)
    return STAY


async def _ask_session(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    sessions = await context.services.sessions.recent(context.person, SESSIONS_SHOWN)
    rows = [
        [(f"{t.date(s.start, 'short')} · {cut(s.title, 40)}", f"bc:session:{s.id}")]
        for s in sessions
    ]
    if not rows:
        return t.gettext("There are no sessions yet. Go back and choose another audience."), []
    return t.gettext("The invitees of which session?"), rows


async def _on_session(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "session":
        raise no_longer_valid()
    session = await context.services.sessions.for_team(context.person, parse_id(value))
    draft["session_id"] = session.id
    return None


async def _ask_answers(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    return t.gettext("Which of its invitees?"), [
        [(t.gettext("All invitees"), "bc:answers:all")],
        [(t.gettext("Those who said yes"), "bc:answers:yes")],
        [(t.gettext("Yes and maybe"), "bc:answers:yes_maybe")],
    ]


async def _on_answers(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "answers" or value not in ("all", "yes", "yes_maybe"):
        raise no_longer_valid()
    draft["answers"] = value
    return "review"


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    services = context.services
    counts = await services.broadcasts.count(context.person, _spec(draft))
    total = sum(counts.values())
    sectors = {s.id: s.name(t.locale) for s in await services.sectors.all()}
    lines = [
        t.gettext("<b>Check and send</b>"),
        t.gettext("To: {audience}").format(
            audience=audience_text(t, _draft_broadcast(draft), sectors)
        ),
        t.ngettext(
            "{n} recipient (those who blocked the bot left out): {time} at {rate} a second.",
            "{n} recipients (those who blocked the bot left out): {time} at {rate} a second.",
            total,
        ).format(
            n=t.number(total),
            time=sending_time(t, total, services.settings.broadcast_rate),
            rate=t.number(services.settings.broadcast_rate),
        ),
    ]
    for locale in SUPPORTED_LOCALES:
        own = bool(draft.get(locale))
        lines.append(
            t.gettext("{language}: {n}, {which}").format(
                language=t.gettext(LANGUAGE_NAMES[locale]),
                n=t.number(counts.get(locale, 0)),
                which=t.gettext("own text") if own else t.gettext("the Dutch text"),
            )
        )
    lines += button_lines(t, _draft_broadcast(draft))
    if services.broadcasts.needs_approval(total):
        lines.append(t.gettext("Above the limit: a second team member approves it first."))
    lines += ["", esc(cut(draft["nl"], 300))]
    rows = [
        [(t.gettext("👁 Preview in each language"), "bc:preview:")],
        [(t.gettext("🧪 Send a test to me"), "bc:test:")],
        [
            (t.gettext("Change the text"), "bc:edit:nl"),
            (t.gettext("Change who gets it"), "bc:edit:audience"),
        ],
    ]
    if total:
        rows.insert(
            0,
            [
                (
                    t.ngettext("✅ Send to {n} person", "✅ Send to {n} people", total).format(
                        n=t.number(total)
                    ),
                    "bc:ok:",
                )
            ],
        )
    else:
        lines.append(t.gettext("Nobody is in this audience: choose another one."))
    return "\n".join(lines), rows


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    t = context.i18n
    if action == "ok":
        counts = await context.services.broadcasts.count(context.person, _spec(draft))
        if not sum(counts.values()):
            raise NotAllowed(N_("Nobody is in this audience (or all of them blocked the bot)."))
        return DONE
    if action == "edit" and value in ("nl", "fr", "en", "button"):
        return goto(value)
    if action == "edit" and value == "audience":
        draft["sectors"] = []
        return "audience"
    broadcast = _draft_broadcast(draft)
    if action == "test":
        await context.bot.deliver(context.person, message(broadcast, t.locale))
        return STAY
    if action == "preview":
        for locale in SUPPORTED_LOCALES:
            reader = translator(locale, t.tz)
            head = t.gettext("<b>Preview</b> — {language} readers get:").format(
                language=t.gettext(LANGUAGE_NAMES[locale])
            )
            await context.bot.send_text(context.person, head)
            await context.bot.deliver(context.person, message(broadcast, reader.locale))
        return STAY
    raise no_longer_valid()


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    t = context.i18n
    services = context.services
    texts = {k: draft[k] for k in SUPPORTED_LOCALES if draft.get(k)}
    broadcast = await services.broadcasts.send(
        user_id_of(update), texts, draft.get("button"), _spec(draft)
    )
    if broadcast.state == "waiting":
        await send(
            update,
            context,
            t.gettext(
                "It waits for a second team member's approval; they have been asked. "
                "You will see it here once it goes."
            ),
        )
    report = await services.broadcasts.report(broadcast.id)
    text = status_text(t, broadcast, report)
    message_id = await send(update, context, text, status_buttons(t, broadcast))
    _shown(context)[broadcast.id] = text
    await services.broadcasts.keep_status_message(broadcast.id, user_id_of(update), message_id)


BROADCAST = Flow(
    name="bc",
    command="broadcast",
    entry_pattern=r"^bc:start:(menu)?$",  # from the desk's menu, or the list of broadcasts
    begin=_begin,
    finish=_finish,
    steps=(
        Step(
            "nl",
            ask(
                N_(
                    "Write the message in Dutch: everyone whose language has no text of its "
                    "own gets it. It is sent as you type it (no formatting), up to 4,096 "
                    "characters."
                )
            ),
            on_text=keep("nl", check_text),
        ),
        Step(
            "fr",
            ask(N_("The French text? Or Skip: French readers get the Dutch text.")),
            on_text=keep("fr", check_text),
            skippable=True,
        ),
        Step(
            "en",
            ask(N_("The English text? Or Skip: English readers get the Dutch text.")),
            on_text=keep("en", check_text),
            skippable=True,
        ),
        Step(
            "button",
            ask(
                N_(
                    "Buttons under the message that open a link? Write: label | address, "
                    "like: Read more | www.example.be, one a line (three at most). A label "
                    "per language goes before the address, Dutch first: Lees meer | En savoir "
                    "plus | Read more | www.example.be. Or Skip."
                )
            ),
            on_text=keep("button", check_buttons),
            skippable=True,
        ),
        Step("audience", _ask_audience, on_button=_on_audience),
        Step("sectors", _ask_sectors, on_button=_on_sectors),
        Step("session", _ask_session, on_button=_on_session),
        Step("answers", _ask_answers, on_button=_on_answers),
        Step("review", _ask_review, on_button=_on_review, back=False),
    ),
)


# -- after the flow: the status message, approval, cancel, the CSV --------------------------


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`bcv:cancel|cancelok|approve|csv:<id>`, from the status message or an approval
    request; every press re-checks that the presser is on the team."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    await services.team.require_member(person_id)
    broadcast_id = parse_id(value)
    if action == "cancel":
        found = await services.broadcasts.get(broadcast_id)
        if found.state not in ("sending", "waiting"):
            raise NotAllowed(N_("That broadcast was sent or cancelled already."))
        await answer(update, context)
        question = t.gettext("Stop broadcast {id}? Those who did not get it yet will not.").format(
            id=broadcast_id
        )
        await send(
            update,
            context,
            question,
            keyboard(
                [
                    [(t.gettext("⏹ Yes, stop it"), f"bcv:cancelok:{broadcast_id}")],
                    [(t.gettext("No, let it go on"), f"bcv:keep:{broadcast_id}")],
                ]
            ),
        )
    elif action == "keep":
        await show(update, context, t.gettext("Nothing was changed."))
    elif action == "cancelok":
        found = await services.broadcasts.cancel(person_id, broadcast_id)
        report = await services.broadcasts.report(broadcast_id)  # final: nothing goes after
        await show(update, context, status_text(t, found, report), status_buttons(t, found))
        await _final_status(update, context, found)
    elif action == "approve":
        found = await services.broadcasts.approve(person_id, broadcast_id)
        await answer(update, context, t.gettext("Approved: it goes now."))
        text = t.gettext(
            "<b>Broadcast {id}</b> · approved by you. It is being sent: its status shows on the "
            "message of who wrote it, and in /admin → Broadcasts sent."
        ).format(id=found.id)
        await show(update, context, text)
    elif action == "csv":
        rows = await services.broadcasts.unreached(person_id, broadcast_id)
        reasons = {
            "blocked": t.gettext("blocked the bot"),
            "failed": t.gettext("Telegram refused it"),
            "void": t.gettext("not sent: cancelled"),
            "skipped": t.gettext("not sent: cancelled"),
        }
        content = csv_bytes(
            t,
            [t.gettext("Telegram user id"), t.gettext("Why"), t.gettext("Telegram's answer")],
            [[r["recipient_id"], reasons[r["state"]], r["last_error"] or ""] for r in rows],
        )
        await answer(update, context)
        await context.bot.deliver(
            person_id,
            Document(
                content,
                f"broadcast-{broadcast_id}-not-reached.csv",
                t.gettext("Who broadcast {id} did not reach").format(id=broadcast_id),
            ),
        )
    else:
        raise no_longer_valid()


async def _final_status(update: Update, context: PactContext, broadcast: Broadcast) -> None:
    """The status message of a stopped broadcast shows where it ended, without live
    buttons (the job only edits broadcasts that are still going)."""
    if broadcast.status_chat is None or broadcast.status_message is None:
        return
    pressed = update.callback_query.message if update.callback_query else None
    if pressed is not None and (pressed.chat.id, pressed.message_id) == (
        broadcast.status_chat,
        broadcast.status_message,
    ):
        return  # the press was on the status message itself: shown already
    t = await context.translator_of(broadcast.status_chat)
    report = await context.services.broadcasts.report(broadcast.id)
    try:
        await context.bot.edit_text(
            broadcast.status_chat,
            broadcast.status_message,
            status_text(t, broadcast, report),
            status_buttons(t, broadcast),
        )
    except BadRequest as error:  # deleted by the team member
        _LOGGER.info("broadcast %s: status not edited: %s", broadcast.id, error.message)
    _shown(context).pop(broadcast.id, None)


async def refresh_status(context: PactContext) -> None:
    """Every few seconds (a JobQueue job): each broadcast under way has its status message
    edited with where it stands; one with nothing left to send is done."""
    services = context.services
    shown = _shown(context)
    for broadcast in await services.broadcasts.sending():
        report = await services.broadcasts.report(broadcast.id)
        if await services.broadcasts.finish_if_done(broadcast.id, report):
            broadcast = await services.broadcasts.get(broadcast.id)
        if broadcast.status_chat is None or broadcast.status_message is None:
            continue
        t = await context.translator_of(broadcast.status_chat)
        text = status_text(t, broadcast, report)
        if shown.get(broadcast.id) == text:
            continue  # Telegram refuses an edit that changes nothing
        try:
            await context.bot.edit_text(
                broadcast.status_chat, broadcast.status_message, text, status_buttons(t, broadcast)
            )
        except BadRequest as error:  # deleted by the team member, or shown already
            _LOGGER.info("broadcast %s: status not edited: %s", broadcast.id, error.message)
        shown[broadcast.id] = text
        if broadcast.state != "sending":
            shown.pop(broadcast.id, None)


def _shown(context: PactContext) -> dict[int, str]:
    """What each status message shows now (in memory: after a restart, one edit more)."""
    found: dict[int, str] = context.bot_data.setdefault("broadcast_status", {})
    return found


async def sent(update: Update, context: PactContext) -> None:
    """The latest broadcasts, each with where it stands."""
    t = context.i18n
    services = context.services
    lines = [t.gettext("<b>Broadcasts</b>")]
    found = await services.broadcasts.latest(user_id_of(update))
    for item in found:
        report = await services.broadcasts.report(item.id)
        lines += ["", status_text(t, item, report), f"<i>{esc(cut(item.text(t.locale), 80))}</i>"]
    if not found:
        lines.append(t.gettext("Nothing yet."))
    rows = [
        [(t.gettext("📄 Who was not reached (CSV)") + f" · {b.id}", f"bcv:csv:{b.id}")]
        for b in found
        if b.state in ("done", "cancelled")
    ][:5]
    rows.append([(t.gettext("📣 New broadcast"), "bc:start:"), (t.gettext("« Back"), "adm:menu:")])
    await show(update, context, within_budget(t, lines[:1], lines[1:])[0], keyboard(rows))
