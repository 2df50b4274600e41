"""/intention: record a new engagement intention, step by step, with indicators."""

from __future__ import annotations

import datetime as dt

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_
from bot.services import validation
from bot.services.errors import Invalid
from bot.services.intentions import (
    MAX_INDICATORS,
    IndicatorDraft,
    IntentionDraft,
    check_description,
    check_indicator,
    check_indicator_name,
    check_title,
    check_unit,
)
from bot.vocabulary import (
    CHARACTERISTIC,
    CHARACTERISTICS,
    LEVER,
    LEVERS,
    PRECONDITION,
    PRECONDITIONS,
    Term,
)
from handlers.kit.common import esc, no_longer_valid, parse_id, send, user_id_of
from handlers.kit.flow import (
    DONE,
    STAY,
    Draft,
    Flow,
    Question,
    Step,
    ask,
    goto,
    keep,
)
from handlers.kit.render import lever_name, public_page_question, sector_name

# -- shared with the "add an indicator" flow -------------------------------------------

ask_indicator_name = ask(
    N_("What do you measure? Name the indicator, for example: trainees who found a job.")
)
on_indicator_name = keep("ind_name", check_indicator_name)
ask_unit = ask(N_("In which unit? For example: people, sessions, %."))
on_unit = keep("ind_unit", check_unit)
ask_baseline = ask(N_("What is the value today (the baseline)? Send a number."))
ask_target = ask(N_("Which value do you aim for (the target)? Send a number."))


async def on_baseline(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["ind_baseline"] = validation.number(text, context.i18n.locale)
    return None


def indicator_from(draft: Draft, target: float) -> IndicatorDraft:
    return check_indicator(
        IndicatorDraft(draft["ind_name"], draft["ind_unit"], draft["ind_baseline"], target)
    )


# -- the /intention flow ---------------------------------------------------------------


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    organisation = await context.services.organisations.require_contact(user_id_of(update))
    draft.update(sector_id=organisation.sector_id, preconditions=[], characteristics=[])
    draft["indicators"] = []
    return None


async def _ask_sector(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    sectors = await context.services.sectors.all()
    rows = [
        [(("✓ " if s.id == draft["sector_id"] else "") + s.name(t.locale), f"int:sector:{s.id}")]
        for s in sectors
    ]
    text = t.gettext("In which sector? Your organisation's is ticked.")
    return text, rows


async def _on_sector(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "sector":
        raise no_longer_valid()
    draft["sector_id"] = (await context.services.sectors.get(parse_id(value))).id
    return None


async def _ask_lever(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    lines = [t.gettext("Which lever of the pact does it work on?"), ""]
    lines += [
        t.gettext("{label}: {value}").format(
            label=f"<b>{t.gettext(lv.name)}</b>", value=t.gettext(lv.explanation)
        )
        for lv in LEVERS
    ]
    rows = [[(t.gettext(lv.name), f"int:lever:{lv.code}")] for lv in LEVERS]
    return "\n".join(lines), rows


async def _on_lever(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "lever" or value not in LEVER:
        raise no_longer_valid()
    draft["lever"] = value
    return None


def _toggle_rows(
    context: PactContext, draft: Draft, key: str, terms: tuple[Term, ...]
) -> list[list[tuple[str, str]]]:
    t = context.i18n
    chosen = draft[key]
    rows = [
        [(("☑ " if term.code in chosen else "☐ ") + t.gettext(term.name), f"int:{key}:{term.code}")]
        for term in terms
    ]
    rows.append([(t.gettext("Done"), f"int:{key}:")])
    return rows


def _toggle(draft: Draft, key: str, terms: tuple[Term, ...], action: str, value: str) -> str | None:
    if action != key or (value and value not in {term.code for term in terms}):
        raise no_longer_valid()
    if not value:
        return None  # Done
    chosen: list[str] = draft[key]
    if value in chosen:
        chosen.remove(value)
    else:
        chosen.append(value)
    return STAY


def _toggle_step(key: str, terms: tuple[Term, ...], question: str) -> Step:
    """Tick any of `terms` (kept in the draft under `key`), then Done."""

    async def ask_terms(context: PactContext, draft: Draft) -> Question:
        return context.i18n.gettext(question), _toggle_rows(context, draft, key, terms)

    async def on_button(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
        return _toggle(draft, key, terms, action, value)

    return Step(key, ask_terms, on_button=on_button, next="review")


def due_choices(today: dt.date) -> list[tuple[str, dt.date]]:
    """Quick choices: in 3, 6 and 12 months, and the end of the year."""

    def months_later(months: int) -> dt.date:
        year, month = divmod(today.month - 1 + months, 12)
        day = min(today.day, 28)
        return dt.date(today.year + year, month + 1, day)

    end_of_year = dt.date(today.year, 12, 31)
    return [
        (N_("In 3 months"), months_later(3)),
        (N_("In 6 months"), months_later(6)),
        (N_("In a year"), months_later(12)),
        (N_("End of this year"), end_of_year),
    ]


async def ask_due(context: PactContext, draft: Draft, prefix: str) -> Question:
    t = context.i18n
    today = context.services.intentions.today()
    example = t.date(dt.date(today.year, 12, 31), "short")
    text = t.gettext("By when? Pick a date below or type one, like {example}.").format(
        example=example
    )
    rows = [
        [(f"{t.gettext(label)} ({t.date(day, 'short')})", f"{prefix}:due:{day.isoformat()}")]
        for label, day in due_choices(today)
    ]
    return text, rows


def on_due_text(context: PactContext, text: str) -> dt.date:
    t = context.i18n
    return validation.due_date(text, t.locale, context.services.intentions.today())


def on_due_button(context: PactContext, action: str, value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if action != "due" or day is None:
        raise no_longer_valid()
    if day < context.services.intentions.today():
        raise no_longer_valid()
    return day


async def _ask_due(context: PactContext, draft: Draft) -> Question:
    return await ask_due(context, draft, "int")


async def _on_due_text(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["due_date"] = on_due_text(context, text).isoformat()
    return None


async def _on_due_button(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    draft["due_date"] = on_due_button(context, action, value).isoformat()
    return None


async def _ask_first_indicator(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = "\n\n".join(
        (
            t.gettext("A goal that cannot be measured cannot be reached."),
            t.gettext(
                "What do you measure? Name the indicator, for example: trainees who found a job."
            ),
        )
    )
    return text, [[(t.gettext("Continue without an indicator"), "int:indicator:none")]]


async def _on_no_indicator(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "indicator" or value != "none":
        raise no_longer_valid()
    for key in ("ind_name", "ind_unit", "ind_baseline"):
        draft.pop(key, None)
    return "review"


async def _on_indicator_name(context: PactContext, draft: Draft, text: str) -> str | None:
    await on_indicator_name(context, draft, text)
    return "ind_unit"


async def _on_unit(context: PactContext, draft: Draft, text: str) -> str | None:
    await on_unit(context, draft, text)
    return "ind_baseline"


async def _on_baseline(context: PactContext, draft: Draft, text: str) -> str | None:
    await on_baseline(context, draft, text)
    return "ind_target"


async def _on_target(context: PactContext, draft: Draft, text: str) -> str | None:
    indicator = indicator_from(draft, validation.number(text, context.i18n.locale))
    draft["indicators"].append(
        {
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": indicator.baseline,
            "target": indicator.target,
        }
    )
    for key in ("ind_name", "ind_unit", "ind_baseline"):
        draft.pop(key, None)
    return "review"


def _names(context: PactContext, codes: list[str], terms: dict[str, Term]) -> str:
    t = context.i18n
    return ", ".join(t.gettext(terms[c].name) for c in codes if c in terms) or t.gettext("none")


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    sectors = await context.services.sectors.all()
    lines = [
        t.gettext("<b>Check and confirm</b>"),
        f"<b>{esc(draft['title'])}</b>",
        esc(draft["description"]),
        "",
        t.gettext("Sector: {sector}").format(
            sector=esc(sector_name(t, sectors, draft["sector_id"]))
        ),
        t.gettext("Lever: {lever}").format(lever=lever_name(t, draft["lever"])),
        t.gettext("Due: {date}").format(date=t.date(dt.date.fromisoformat(draft["due_date"]))),
        t.gettext("Preconditions: {names}").format(
            names=_names(context, draft["preconditions"], PRECONDITION)
        ),
        t.gettext("Characteristics: {names}").format(
            names=_names(context, draft["characteristics"], CHARACTERISTIC)
        ),
    ]
    count = len(draft["indicators"])
    if count:
        lines.append(t.ngettext("{n} indicator:", "{n} indicators:", count).format(n=count))
    else:
        lines.append(t.gettext("No indicator yet: add one to measure the progress."))
    for ind in draft["indicators"]:
        lines.append(
            t.gettext("• {name}: from {baseline} to {target} {unit}").format(
                name=esc(ind["name"]),
                baseline=t.number(ind["baseline"]),
                target=t.number(ind["target"]),
                unit=esc(ind["unit"]),
            )
        )
    rows = [[(t.gettext("✅ Save"), "int:ok:")]]
    if count < MAX_INDICATORS:
        label = t.gettext("➕ Another indicator") if count else t.gettext("➕ An indicator")
        rows.append([(label, "int:edit:indicator")])
    rows += [
        [
            (t.gettext("Preconditions"), "int:edit:preconditions"),
            (t.gettext("Characteristics"), "int:edit:characteristics"),
        ],
        [
            (t.gettext("Change title"), "int:edit:title"),
            (t.gettext("Change description"), "int:edit:description"),
        ],
        [
            (t.gettext("Change sector"), "int:edit:sector"),
            (t.gettext("Change due date"), "int:edit:due"),
        ],
    ]
    return "\n".join(lines), rows


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action == "ok":
        return DONE
    if action == "edit" and value == "indicator":
        if len(draft["indicators"]) >= MAX_INDICATORS:
            raise Invalid(N_("An intention has at most {max} indicators."), max=MAX_INDICATORS)
        return "ind_name"
    if action == "edit" and value in (
        "title",
        "description",
        "due",
        "sector",
        "preconditions",
        "characteristics",
    ):
        return goto(value)
    raise no_longer_valid()


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    t = context.i18n
    intention = await context.services.intentions.create(
        user_id_of(update),
        IntentionDraft(
            title=draft["title"],
            description=draft["description"],
            sector_id=draft["sector_id"],
            lever=draft["lever"],
            due_date=dt.date.fromisoformat(draft["due_date"]),
            preconditions=draft["preconditions"],
            characteristics=draft["characteristics"],
            indicators=[
                IndicatorDraft(i["name"], i["unit"], i["baseline"], i["target"])
                for i in draft["indicators"]
            ],
        ),
    )
    text = t.gettext("Saved: {title}. /mine shows it with its progress.").format(
        title=f"<b>{esc(intention.title)}</b>"
    )
    await send(update, context, text)
    organisation = await context.services.organisations.of_contact(user_id_of(update))
    if organisation is not None and organisation.public is None:  # asked once, here
        await send(update, context, *public_page_question(t))


INTENTION = Flow(
    name="int",
    command="intention",
    entry_pattern=r"^int:start:$",
    begin=_begin,
    finish=_finish,
    steps=(
        Step(
            "title",
            ask(
                N_(
                    "What will your organisation do? Give your intention a short title "
                    "(at most 120 characters)."
                )
            ),
            on_text=keep("title", check_title),
        ),
        Step(
            "description",
            ask(N_("Describe it: what, for whom, with whom (at most 1,000 characters).")),
            on_text=keep("description", check_description),
        ),
        Step("lever", _ask_lever, on_button=_on_lever),
        Step("due", _ask_due, on_text=_on_due_text, on_button=_on_due_button),
        Step(
            "ind_name",
            _ask_first_indicator,
            on_text=_on_indicator_name,
            on_button=_on_no_indicator,
        ),
        Step("ind_unit", ask_unit, on_text=_on_unit),
        Step("ind_baseline", ask_baseline, on_text=_on_baseline),
        Step("ind_target", ask_target, on_text=_on_target),
        # The review has no Back: it says what to change, and each change comes back to it.
        Step("review", _ask_review, on_button=_on_review, back=False),
        # Reached from the review only.
        Step("sector", _ask_sector, on_button=_on_sector, next="review"),
        _toggle_step(
            "preconditions",
            PRECONDITIONS,
            N_("Which preconditions matter for it? Tap to tick as many as you like, then Done."),
        ),
        _toggle_step(
            "characteristics",
            CHARACTERISTICS,
            N_(
                "Which key characteristics does it have? Tap to tick as many as you like, "
                "then Done."
            ),
        ),
    ),
)
