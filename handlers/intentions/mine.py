"""/mine: the organisation's intentions, their cards, progress, status, edits, indicators."""

from __future__ import annotations

import datetime as dt

from telegram import Update

from bot.botapi import Markup
from bot.context import PactContext
from bot.i18n import N_
from bot.measure import cut
from bot.services import validation
from bot.services.errors import Invalid, NotAllowed
from bot.services.intentions import (
    MAX_INDICATORS,
    Intention,
    check_description,
    check_progress_text,
    check_title,
)
from handlers.intentions.new import (
    ask_baseline,
    ask_due,
    ask_indicator_name,
    ask_target,
    ask_unit,
    indicator_from,
    on_baseline,
    on_due_button,
    on_due_text,
    on_indicator_name,
    on_unit,
)
from handlers.kit.common import (
    callback_number,
    esc,
    keyboard,
    no_longer_valid,
    page_shown,
    parse_id,
    parse_page,
    show,
    user_id_of,
)
from handlers.kit.flow import DONE, STAY, Draft, Flow, Question, Step
from handlers.kit.render import (
    history_keyboard,
    history_page,
    intention_card,
    intention_line,
    status_name,
)


async def mine(update: Update, context: PactContext) -> None:
    """The organisation's intentions with status, due date and progress, ten a page; each
    opens a card."""
    await _list(update, context, 0)


LIST_PAGE = 10


async def _list(update: Update, context: PactContext, page: int) -> None:
    t = context.i18n
    organisation, intentions = await context.services.intentions.mine(user_id_of(update))
    if not intentions:
        text = t.gettext("{organisation} has no intentions yet. Record one with /intention.")
        await show(update, context, text.format(organisation=f"<b>{esc(organisation.name)}</b>"))
        return
    pages = -(-len(intentions) // LIST_PAGE)
    page = min(max(page, 0), pages - 1)
    first = page * LIST_PAGE
    shown = list(enumerate(intentions[first : first + LIST_PAGE], first + 1))
    lines = [f"<b>{esc(organisation.name)}</b>"]
    lines += [f"{n}. {intention_line(t, i)}" for n, i in shown]
    rows = [[(f"{n}. {cut(i.title, 40)}", f"mine:open:{i.id}")] for n, i in shown]
    if pages > 1:
        pager = [(f"{page + 1}/{pages}", f"mine:list:{page}")]
        if page > 0:
            pager.insert(0, ("«", f"mine:list:{page - 1}"))
        if page + 1 < pages:
            pager.append(("»", f"mine:list:{page + 1}"))
        rows.append(pager)
    await show(update, context, "\n\n".join(lines), keyboard(rows))


async def _card(update: Update, context: PactContext, intention: Intention, note: str = "") -> None:
    """The intention's card; `note` (e.g. "Progress saved.") heads it."""
    services = context.services
    t = context.i18n
    organisation = await services.organisations.require_contact(user_id_of(update))
    text = intention_card(t, intention, organisation, await services.sectors.all())
    if note:
        text = f"✅ {note}\n\n{text}"
    await show(update, context, text, _card_buttons(context, intention))


def _card_buttons(context: PactContext, intention: Intention) -> Markup:
    t = context.i18n
    rows: list[list[tuple[str, str]]] = []
    if intention.history:
        rows.append([(t.gettext("📜 History"), f"mine:history:{intention.id}-0")])
    if intention.status != "withdrawn":
        rows.append([(t.gettext("📈 Log progress"), f"prog:start:{intention.id}")])
        if intention.next_status:
            label = t.gettext("Mark as {status}").format(
                status=status_name(t, intention.next_status)
            )
            rows.append([(label, f"mine:status:{intention.id}-{intention.next_status}")])
        edit_row = [(t.gettext("✏️ Edit"), f"edit:start:{intention.id}")]
        if len(intention.indicators) < MAX_INDICATORS:
            edit_row.append((t.gettext("➕ Indicator"), f"ind:start:{intention.id}"))
        rows.append(edit_row)
        rows.append([(t.gettext("Withdraw"), f"mine:withdraw:{intention.id}")])
    rows.append([(t.gettext("« All intentions"), "mine:list:0")])
    return keyboard(rows)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`mine:list:<page>`, `mine:open:<id>`, `mine:status:<id>-<status>`,
    `mine:withdraw:<id>`, `mine:withdrawn:<id>`, `mine:history:<id>-<page>`; the service
    checks the intention is this person's."""
    t = context.i18n
    intentions = context.services.intentions
    person_id = user_id_of(update)
    if action == "list":
        await _list(update, context, parse_page(value))
        return
    number, _, status = value.partition("-")
    intention_id = parse_id(number)
    if action == "history":
        page = parse_page(status)
        intention, entries, total = await intentions.history(person_id, intention_id, page)
        page_shown(page, entries)
        await show(
            update,
            context,
            history_page(t, intention, entries, page, total),
            history_keyboard(
                t, "mine", f"{intention_id}-", "", page, total, f"mine:open:{intention_id}"
            ),
        )
    elif action == "open":
        await _card(update, context, await intentions.for_contact(person_id, intention_id))
    elif action == "status" and status and status != "withdrawn":
        await _card(update, context, await intentions.set_status(person_id, intention_id, status))
    elif action == "withdraw":
        intention = await intentions.for_contact(person_id, intention_id)
        question = t.gettext(
            "Withdraw {title}? It stays visible as withdrawn and takes no more progress."
        ).format(title=f"<b>{esc(intention.title)}</b>")
        buttons = keyboard(
            [
                [(t.gettext("Yes, withdraw"), f"mine:withdrawn:{intention_id}")],
                [(t.gettext("No, keep it"), f"mine:open:{intention_id}")],
            ]
        )
        await show(update, context, question, buttons)
    elif action == "withdrawn":
        await _card(
            update, context, await intentions.set_status(person_id, intention_id, "withdrawn")
        )
    else:
        raise no_longer_valid()


# -- logging progress -------------------------------------------------------------------


async def _begin_card_flow(update: Update, context: PactContext, draft: Draft) -> Intention:
    """Flows started from a card: the intention must be this person's."""
    intention = await context.services.intentions.for_contact(
        user_id_of(update), callback_number(update)
    )
    draft["intention_id"] = intention.id
    draft["title"] = intention.title
    return intention


async def _begin_progress(update: Update, context: PactContext, draft: Draft) -> str | None:
    intention = await _begin_card_flow(update, context, draft)
    if intention.status == "withdrawn":
        raise NotAllowed(N_("This intention was withdrawn; it takes no more progress."))
    draft["indicators"] = [[i.id, i.name, i.unit] for i in intention.indicators]
    draft["values"] = {}
    draft["index"] = 0
    return None


async def _ask_progress_text(context: PactContext, draft: Draft) -> Question:
    text = context.i18n.gettext(
        "What happened for {title}? Write a short update (at most 500 characters)."
    ).format(title=f"<b>{esc(draft['title'])}</b>")
    return text, []


async def _on_progress_text(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["text"] = check_progress_text(text)
    draft["index"], draft["values"] = 0, {}
    return None if draft["indicators"] else DONE


async def _ask_value(context: PactContext, draft: Draft) -> Question:
    _id, name, unit = draft["indicators"][draft["index"]]
    text = context.i18n.gettext(
        "New value for {name} (in {unit})? Send a number, or press Skip if it did not change."
    ).format(name=f"<b>{esc(name)}</b>", unit=esc(unit))
    return text, []


async def _on_value(context: PactContext, draft: Draft, text: str) -> str | None:
    indicator_id = draft["indicators"][draft["index"]][0]
    draft["values"][str(indicator_id)] = validation.number(text, context.i18n.locale)
    return _next_value(draft)


def _next_value(draft: Draft) -> str:
    draft["index"] += 1
    return STAY if draft["index"] < len(draft["indicators"]) else DONE


async def _on_value_skip(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "next":
        raise no_longer_valid()
    return _next_value(draft)


async def _ask_value_with_skip(context: PactContext, draft: Draft) -> Question:
    text, _ = await _ask_value(context, draft)
    return text, [[(context.i18n.gettext("Skip"), "prog:next:")]]


async def _finish_progress(update: Update, context: PactContext, draft: Draft) -> None:
    values = {int(k): float(v) for k, v in draft["values"].items()}
    intention = await context.services.intentions.log_progress(
        user_id_of(update), draft["intention_id"], draft["text"], values
    )
    await _card(update, context, intention, context.i18n.gettext("Progress saved."))


PROGRESS = Flow(
    name="prog",
    entry_pattern=r"^prog:start:\d+$",
    begin=_begin_progress,
    finish=_finish_progress,
    steps=(
        Step("text", _ask_progress_text, on_text=_on_progress_text),
        Step("value", _ask_value_with_skip, on_text=_on_value, on_button=_on_value_skip),
    ),
)


# -- editing ------------------------------------------------------------------------------


async def _begin_for_intention(update: Update, context: PactContext, draft: Draft) -> str | None:
    await _begin_card_flow(update, context, draft)
    return None


async def _begin_indicator(update: Update, context: PactContext, draft: Draft) -> str | None:
    intention = await _begin_card_flow(update, context, draft)
    if len(intention.indicators) >= MAX_INDICATORS:
        raise Invalid(N_("An intention has at most {max} indicators."), max=MAX_INDICATORS)
    return None


async def _ask_field(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    return t.gettext("What do you want to change?"), [
        [(t.gettext("Title"), "edit:field:title")],
        [(t.gettext("Description"), "edit:field:description")],
        [(t.gettext("Due date"), "edit:field:due_date")],
    ]


async def _on_field(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "field" or value not in ("title", "description", "due_date"):
        raise no_longer_valid()
    draft["field"] = value
    return None


async def _ask_new_value(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    if draft["field"] == "due_date":
        return await ask_due(context, draft, "edit")
    if draft["field"] == "title":
        return t.gettext("Send the new title (at most 120 characters)."), []
    return t.gettext("Send the new description (at most 1,000 characters)."), []


async def _on_new_text(context: PactContext, draft: Draft, text: str) -> str | None:
    if draft["field"] == "due_date":
        draft["value"] = on_due_text(context, text).isoformat()
    else:
        check = check_title if draft["field"] == "title" else check_description
        draft["value"] = check(text)
    return DONE


async def _on_new_due(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if draft["field"] != "due_date":
        raise no_longer_valid()
    draft["value"] = on_due_button(context, action, value).isoformat()
    return DONE


async def _finish_edit(update: Update, context: PactContext, draft: Draft) -> None:
    field, value = draft["field"], draft["value"]
    intention = await context.services.intentions.edit(
        user_id_of(update),
        draft["intention_id"],
        field,
        dt.date.fromisoformat(value) if field == "due_date" else value,
    )
    await _card(update, context, intention, context.i18n.gettext("Saved."))


EDIT = Flow(
    name="edit",
    entry_pattern=r"^edit:start:\d+$",
    begin=_begin_for_intention,
    finish=_finish_edit,
    steps=(
        Step("field", _ask_field, on_button=_on_field),
        Step("value", _ask_new_value, on_text=_on_new_text, on_button=_on_new_due),
    ),
)


# -- adding an indicator ----------------------------------------------------------------------


async def _on_target(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["target"] = indicator_from(draft, validation.number(text, context.i18n.locale)).target
    return DONE


async def _finish_indicator(update: Update, context: PactContext, draft: Draft) -> None:
    intention = await context.services.intentions.add_indicator(
        user_id_of(update), draft["intention_id"], indicator_from(draft, draft["target"])
    )
    await _card(update, context, intention, context.i18n.gettext("Indicator added."))


INDICATOR = Flow(
    name="ind",
    entry_pattern=r"^ind:start:\d+$",
    begin=_begin_indicator,
    finish=_finish_indicator,
    steps=(
        Step("ind_name", ask_indicator_name, on_text=on_indicator_name),
        Step("ind_unit", ask_unit, on_text=on_unit),
        Step("ind_baseline", ask_baseline, on_text=on_baseline),
        Step("ind_target", ask_target, on_text=_on_target),
    ),
)
