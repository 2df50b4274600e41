"""/moderate: the pact team reads the paragraphs waiting, the oldest first, and approves
each or rejects it with a reason; the author is told, in their language."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from bot.services.campaigns import check_reason
from bot.services.endorsements import Endorsement
from bot.services.errors import Invalid
from handlers.endorsements.endorse import REASON_NAMES
from handlers.kit.common import (
    callback_number,
    esc,
    keyboard,
    no_longer_valid,
    parse_id,
    refuse,
    send,
    show,
    user_id_of,
)
from handlers.kit.flow import DONE, Draft, Flow, Question, Step


async def moderate(update: Update, context: PactContext) -> None:
    """The oldest paragraph waiting, as a card with Approve and Reject."""
    await _next(update, context)


async def _next(
    update: Update, context: PactContext, note: str = "", passed: int | None = None
) -> None:
    t = context.i18n
    waiting, count = await context.services.campaigns.waiting(user_id_of(update), passed)
    if waiting is None:
        text = t.gettext("No paragraphs are waiting for review.")
        await show(update, context, f"{note}\n\n{text}" if note else text)
        return
    await show(
        update, context, _card_text(context, waiting, count, note), _card_buttons(context, waiting)
    )


def _card_text(context: PactContext, e: Endorsement, count: int, note: str) -> str:
    t = context.i18n
    who = (
        t.gettext("{name}, on behalf of {organisation}").format(
            name=f"<b>{esc(e.published_name)}</b>", organisation=esc(e.organisation_name or "")
        )
        if e.on_behalf
        else t.gettext("{name}, personally").format(name=f"<b>{esc(e.published_name)}</b>")
    )
    lines = [
        t.ngettext("<b>{n} paragraph waits</b>", "<b>{n} paragraphs wait</b>", count).format(
            n=count
        ),
        t.gettext("For {title}").format(title=esc(e.campaign_title_in(t.locale))),
        who,
        "",
        f"<blockquote>{esc(e.paragraph)}</blockquote>",
    ]
    if not e.consent_paragraph:
        lines.append(t.gettext("(The author does not want this paragraph published.)"))
    return "\n".join([note, "", *lines] if note else lines)


def _card_buttons(context: PactContext, e: Endorsement) -> dict[str, object]:
    t = context.i18n
    return keyboard(
        [
            [
                (t.gettext("✅ Approve"), f"mod:ok:{e.id}"),
                (t.gettext("❌ Reject"), f"mod:no:{e.id}"),
            ],
            [(t.gettext("⏭ Later: the next one"), f"mod:later:{e.id}")],
        ]
    )


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`mod:next:`, `mod:ok:<id>`, `mod:no:<id>` (the reasons), `mod:why:<id>.<reason>`,
    `mod:later:<id>` (pass it by for now)."""
    t = context.i18n
    campaigns = context.services.campaigns
    person_id = user_id_of(update)
    if action == "next":
        await _next(update, context)
        return
    number, _, reason = value.partition(".")
    endorsement_id = parse_id(number)
    if action == "later":  # it stays waiting; the next one (or the first again) comes up
        await _next(update, context, passed=endorsement_id)
        return
    try:
        if action == "ok":
            await campaigns.decide(person_id, endorsement_id, approve=True)
            await _next(update, context, t.gettext("Approved; the author is told."))
        elif action == "no":
            await campaigns.submitted(person_id, endorsement_id)
            rows = [
                [(t.gettext(label), f"mod:why:{endorsement_id}.{code}")]
                for code, label in REASON_NAMES.items()
            ]
            rows.append([(t.gettext("Another reason…"), f"rej:start:{endorsement_id}")])
            rows.append([(t.gettext("« Back"), "mod:next:")])
            await show(
                update,
                context,
                t.gettext("Why is it not approved? The author will read this."),
                keyboard(rows),
            )
        elif action == "why" and reason in REASON_NAMES:
            await campaigns.decide(person_id, endorsement_id, approve=False, reason=reason)
            await _next(update, context, t.gettext("Not approved; the author is told why."))
        else:
            raise no_longer_valid()
    except Invalid as error:  # decided by someone else meanwhile
        await refuse(update, context, error)
        await _next(update, context)


# -- another reason, written ---------------------------------------------------------------------


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    """Only for a paragraph that still waits: a forged or old button asks nothing."""
    endorsement = await context.services.campaigns.submitted(
        user_id_of(update), callback_number(update)
    )
    draft["endorsement_id"] = endorsement.id
    return None


async def _ask_reason(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    return t.gettext(
        "The reason, in one or two sentences? The author will read it as you write it."
    ), []


async def _on_reason(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["reason"] = check_reason(text)
    return DONE


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    t = context.i18n
    await context.services.campaigns.decide(
        user_id_of(update), draft["endorsement_id"], approve=False, reason=draft["reason"]
    )
    await send(update, context, t.gettext("Not approved; the author is told why."))
    await _next_as_new(update, context)


async def _next_as_new(update: Update, context: PactContext) -> None:
    t = context.i18n
    waiting, count = await context.services.campaigns.waiting(user_id_of(update))
    if waiting is None:
        await send(update, context, t.gettext("No paragraphs are waiting for review."))
    else:
        await send(
            update,
            context,
            _card_text(context, waiting, count, ""),
            _card_buttons(context, waiting),
        )


REJECT = Flow(
    name="rej",
    entry_pattern=r"^rej:start:\d+$",
    begin=_begin,
    finish=_finish,
    steps=(Step("reason", _ask_reason, on_text=_on_reason),),
)
