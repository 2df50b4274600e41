"""/sectors: the list of sectors, and adding one with its name in nl, fr and en."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from handlers.kit.common import esc, keyboard, no_longer_valid, send, user_id_of
from handlers.kit.flow import DONE, Ask, Draft, Flow, OnText, Question, Step


async def sectors(update: Update, context: PactContext) -> None:
    """The sectors in the person's language, and a button to add one."""
    t = context.i18n
    await context.services.team.require_member(user_id_of(update))
    lines = [t.gettext("<b>Sectors</b>")]
    lines += [f"• {esc(s.name(t.locale))}" for s in await context.services.sectors.all()]
    await send(
        update,
        context,
        "\n".join(lines),
        keyboard([[(t.gettext("➕ Add a sector"), "sec:start:")]]),
    )


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    await context.services.team.require_member(user_id_of(update))
    return None


def _ask(language: str) -> Ask:
    async def ask(context: PactContext, draft: Draft) -> Question:
        t = context.i18n
        questions = {
            "nl": t.gettext("The new sector's name in Dutch?"),
            "fr": t.gettext("Its name in French?"),
            "en": t.gettext("Its name in English?"),
        }
        return questions[language], []

    return ask


def _on(language: str) -> OnText:
    async def on_text(context: PactContext, draft: Draft, text: str) -> str | None:
        draft[language] = await context.services.sectors.check_new_name(text)
        return None

    return on_text


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext("Add the sector {nl} / {fr} / {en}?").format(
        nl=esc(draft["nl"]), fr=esc(draft["fr"]), en=esc(draft["en"])
    )
    return text, [[(t.gettext("✅ Add"), "sec:ok:")]]


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "ok":
        raise no_longer_valid()
    return DONE


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    sector = await context.services.sectors.add(
        user_id_of(update), {k: draft[k] for k in ("nl", "fr", "en")}
    )
    text = context.i18n.gettext("Sector added: {name}.").format(
        name=esc(sector.name(context.i18n.locale))
    )
    await send(update, context, text)


SECTOR = Flow(
    name="sec",
    entry_pattern=r"^sec:start:$",
    begin=_begin,
    finish=_finish,
    steps=(
        Step("nl", _ask("nl"), on_text=_on("nl")),
        Step("fr", _ask("fr"), on_text=_on("fr")),
        Step("en", _ask("en"), on_text=_on("en")),
        Step("review", _ask_review, on_button=_on_review),
    ),
)
