"""/endorse and `/start endorse_<code>`: a person reads the pact's opinion text and endorses
it, personally or on behalf of their organisation, with a name to publish, one paragraph
and three consents, after a preview of exactly what will be published. Until the deadline
they can change or withdraw it."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_, Translator
from bot.measure import cut
from bot.services.endorsements import (
    Campaign,
    Endorsement,
    EndorsementDraft,
    check_name,
    check_paragraph,
)
from bot.services.errors import Invalid
from handlers.kit.common import (
    answer,
    callback_number,
    esc,
    keyboard,
    no_longer_valid,
    parse_id,
    send,
    show,
    user_id_of,
)
from handlers.kit.flow import DONE, STAY, Draft, Flow, Question, Step, goto
from handlers.kit.render import moment, split_text

# -- the campaign, as anyone sees it --------------------------------------------------------


async def endorse(update: Update, context: PactContext) -> None:
    """The open campaign with its text and Endorse (or, once endorsed, the person's
    endorsement); a list when several are open."""
    t = context.i18n
    campaigns = await context.services.endorsements.open_campaigns()
    if not campaigns:
        await send(update, context, t.gettext("There is no opinion text to endorse right now."))
        return
    if len(campaigns) == 1:
        await show_campaign(update, context, campaigns[0], full=False)
        return
    rows = [[(cut(c.title_in(t.locale), 60), f"endv:open:{c.id}")] for c in campaigns]
    await send(update, context, t.gettext("Which opinion text?"), keyboard(rows))


async def endorse_link(update: Update, context: PactContext, code: str) -> None:
    """`/start endorse_<code>`: the campaign the link was made for."""
    await show_campaign(update, context, await context.services.endorsements.by_code(code))


async def show_campaign(
    update: Update, context: PactContext, campaign: Campaign, full: bool = True
) -> None:
    """The text, split at paragraphs to fit; the last message says until when, and holds the
    buttons: Endorse, and the person's endorsements. Once they endorsed, not `full`: the
    text is a button away."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    status = campaign.status(services.clock.now())
    mine = await services.endorsements.of_person(person_id, campaign.id)
    head = f"<b>{esc(campaign.title_in(t.locale))}</b>"
    if t.locale not in campaign.texts:
        head += "\n" + t.gettext("<i>This text is in Dutch.</i>")
    compact = not full and bool(mine)
    if not compact:
        parts = split_text(esc(campaign.text(t.locale)))
        messages = [head + "\n\n" + parts[0], *parts[1:]] if parts else [head]
    else:
        messages = [head]
    for text in messages[:-1]:
        await send(update, context, text)
    if status == "open":
        closing = t.gettext("You can endorse it until {when}.").format(
            when=moment(t, campaign.deadline)
        )
    elif status == "published":
        closing = t.gettext("Published: {note}").format(note=esc(campaign.published_note or ""))
    else:
        closing = t.gettext("Endorsing closed on {when}.").format(when=moment(t, campaign.deadline))
    rows: list[list[tuple[str, str]]] = [
        [
            (
                t.gettext("Your endorsement: {name}").format(name=cut(e.published_name, 40)),
                f"endv:mine:{e.id}",
            )
        ]
        for e in mine
    ]
    organisation = await services.endorsements.on_behalf_choices(person_id)
    possible = 1 + (organisation is not None)
    if status == "open" and len(mine) < possible:
        rows.insert(0, [(t.gettext("✍️ Endorse"), f"end:start:{campaign.id}")])
    if compact:
        rows.append([(t.gettext("📄 Read the text"), f"endv:text:{campaign.id}")])
    await send(update, context, f"{messages[-1]}\n\n<i>{closing}</i>", keyboard(rows))


# -- one endorsement, as its author sees it ---------------------------------------------------


def preview(t: Translator, endorsement: Endorsement | Draft, organisation: str | None) -> str:
    """Exactly what will be published, given the consents."""
    if isinstance(endorsement, Endorsement):
        name, paragraph = endorsement.published_name, endorsement.paragraph
        consents = (
            endorsement.consent_name,
            endorsement.consent_paragraph,
            endorsement.consent_notify,
        )
    else:
        name, paragraph = endorsement["name"], endorsement["paragraph"]
        chosen = endorsement["consents"]
        consents = (
            bool(chosen.get("name")),
            bool(chosen.get("paragraph")),
            bool(chosen.get("notify")),
        )
    lines = [t.gettext("<b>What will be published</b>")]
    if consents[0]:
        lines.append(f"<b>{esc(name)}</b>" + (f", {esc(organisation)}" if organisation else ""))
    elif organisation:
        lines.append(
            t.gettext("{organisation} (your name will not be shown)").format(
                organisation=f"<b>{esc(organisation)}</b>"
            )
        )
    else:
        lines.append(t.gettext("Your name will not be shown."))
    if consents[1]:
        lines.append(f"<blockquote>{esc(paragraph)}</blockquote>")
    else:
        lines.append(t.gettext("Your paragraph will not be published."))
    lines.append(
        t.gettext("You will be told when and how the opinion is published.")
        if consents[2]
        else t.gettext("You will not be told when the opinion is published.")
    )
    return "\n".join(lines)


STATE_NAMES = {
    "submitted": N_("waiting for the pact team's review"),
    "approved": N_("approved"),
    "rejected": N_("not approved"),
    "withdrawn": N_("withdrawn"),
}
REASON_NAMES = {
    "off_topic": N_("it is not about the opinion text"),
    "offensive": N_("it is offensive or discriminatory"),
    "unclear": N_("it is unclear"),
    "names_others": N_("it names other people"),
}


def reason_text(t: Translator, reason: str | None) -> str:
    """A rejection's reason in the reader's language (a chosen one), or as written."""
    if reason in REASON_NAMES:
        return t.gettext(REASON_NAMES[reason])
    return esc(reason or "")


async def _endorsement_card(update: Update, context: PactContext, endorsement: Endorsement) -> None:
    t = context.i18n
    services = context.services
    campaign = await services.endorsements.campaign(endorsement.campaign_id)
    lines = [
        f"<b>{esc(campaign.title_in(t.locale))}</b>",
        t.gettext("Your endorsement is {state}.").format(
            state=t.gettext(STATE_NAMES.get(endorsement.state, endorsement.state))
        ),
    ]
    if endorsement.state == "rejected":
        lines.append(
            t.gettext("Reason: {reason}").format(reason=reason_text(t, endorsement.reason))
        )
    if endorsement.state == "withdrawn":
        lines += ["", t.gettext("Nothing of it is published.")]
    else:
        lines += ["", preview(t, endorsement, endorsement.organisation_name)]
    rows: list[list[tuple[str, str]]] = []
    open_ = campaign.status(services.clock.now()) == "open"
    mine = endorsement.person_id == user_id_of(update)
    if open_ and mine and endorsement.state != "withdrawn":
        rows += [
            [(t.gettext("✏️ Change it"), f"end:edit:{endorsement.id}")],
            [(t.gettext("Withdraw"), f"endv:withdraw:{endorsement.id}")],
        ]
    elif not open_:
        lines += [
            "",
            t.gettext("Endorsing closed on {when}.").format(when=moment(t, campaign.deadline)),
        ]
    elif not mine:
        lines += [
            "",
            t.gettext("{name} wrote it; only they can change it.").format(
                name=esc(endorsement.published_name)
            ),
        ]
    await show(update, context, "\n".join(lines), keyboard(rows) if rows else None)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`endv:open|text:<campaign>`, `endv:mine:<endorsement>`, `endv:withdraw:<endorsement>`,
    `endv:withdrawn:<endorsement>`, `endv:resume:<campaign>`, `endv:stop:<campaign>`."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    number = parse_id(value)
    if action in ("open", "text"):
        campaign = await services.endorsements.campaign(number)
        await answer(update, context)
        await show_campaign(update, context, campaign)
    elif action == "mine":
        await _endorsement_card(update, context, await services.endorsements.get(person_id, number))
    elif action == "withdraw":
        endorsement = await services.endorsements.get(person_id, number)
        question = t.gettext(
            "Withdraw your endorsement of {title}? It will not be published."
        ).format(title=f"<b>{esc(endorsement.campaign_title_in(t.locale))}</b>")
        buttons = keyboard(
            [
                [(t.gettext("Yes, withdraw"), f"endv:withdrawn:{number}")],
                [(t.gettext("No, keep it"), f"endv:mine:{number}")],
            ]
        )
        await show(update, context, question, buttons)
    elif action == "withdrawn":
        endorsement = await services.endorsements.withdraw(person_id, number)
        await _endorsement_card(update, context, endorsement)
    elif action == "resume":
        data = context.user_data or {}
        draft = data.get("draft") or {}
        if data.get("flow") == ENDORSE.name and draft.get("campaign_id") == number:
            await answer(update, context)
            await ENDORSE.reask(update, context, t.gettext("Where we are now:"))
        else:
            await ENDORSE.start(update, context)
    elif action == "stop":
        await services.endorsements.stop_reminders(person_id, number)
        await show(update, context, t.gettext("No more reminders about this text."))
    else:
        raise no_longer_valid()


# -- the endorsement flow ------------------------------------------------------------------

CONSENTS = ("name", "paragraph", "notify")
CONSENT_LABELS = {
    "name": N_("Publish my name"),
    "paragraph": N_("Publish my paragraph"),
    "notify": N_("Tell me when and how it is published"),
}


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    """From a campaign (`end:start:<campaign>`, a reminder's `endv:resume:<campaign>`) or
    to change one's endorsement (`end:edit:<endorsement>`)."""
    services = context.services
    person_id = user_id_of(update)
    query = update.callback_query
    data = (query.data or "") if query else ""
    user = update.effective_user
    draft["telegram_name"] = (user.full_name if user else "")[:80]
    organisation = await services.endorsements.on_behalf_choices(person_id)
    draft["organisation_name"] = organisation.name if organisation else None
    if data.startswith("end:edit:"):
        endorsement = await services.endorsements.get(person_id, callback_number(update))
        if endorsement.person_id != person_id:
            raise no_longer_valid()
        await services.endorsements.start(person_id, endorsement.campaign_id)
        draft.update(
            campaign_id=endorsement.campaign_id,
            organisation_id=endorsement.organisation_id,
            name=endorsement.published_name,
            paragraph=endorsement.paragraph,
            consents={
                "name": endorsement.consent_name,
                "paragraph": endorsement.consent_paragraph,
                "notify": endorsement.consent_notify,
            },
        )
        return "review"
    campaign = await services.endorsements.start(person_id, callback_number(update))
    draft.update(campaign_id=campaign.id, consents={})
    return None if organisation else await _choose(context, draft, None)


async def _choose(context: PactContext, draft: Draft, organisation_id: int | None) -> str:
    """Personally or on behalf: an endorsement that exists opens for a change."""
    services = context.services
    person_id = context.person
    existing = await services.endorsements.existing(
        person_id, draft["campaign_id"], organisation_id
    )
    if existing is not None and existing.person_id != person_id:
        raise Invalid(
            N_("{name} endorsed already on behalf of your organisation."),
            name=existing.published_name,
        )
    draft["organisation_id"] = organisation_id
    if existing is not None:
        draft.update(
            name=existing.published_name,
            paragraph=existing.paragraph,
            consents={
                "name": existing.consent_name,
                "paragraph": existing.consent_paragraph,
                "notify": existing.consent_notify,
            },
        )
        return "review"
    return "name"


async def _ask_who(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    campaign = await context.services.endorsements.campaign(draft["campaign_id"])
    text = t.gettext("Endorse {title} personally, or on behalf of your organisation?").format(
        title=f"<b>{esc(campaign.title_in(t.locale))}</b>"
    )
    return text, [
        [(t.gettext("Personally"), "end:who:me")],
        [
            (
                t.gettext("On behalf of {organisation}").format(
                    organisation=cut(draft["organisation_name"] or "", 40)
                ),
                "end:who:organisation",
            )
        ],
    ]


async def _on_who(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "who" or value not in ("me", "organisation"):
        raise no_longer_valid()
    organisation = None
    if value == "organisation":
        found = await context.services.endorsements.on_behalf_choices(context.person)
        if found is None:
            raise no_longer_valid()
        organisation = found.id
    return await _choose(context, draft, organisation)


async def _ask_name(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext("The name to publish? First name and last name.")
    rows: list[list[tuple[str, str]]] = []
    if draft.get("telegram_name") and len(draft["telegram_name"]) >= 2:
        rows.append(
            [
                (
                    t.gettext("Use “{name}”").format(name=cut(draft["telegram_name"], 40)),
                    "end:name:telegram",
                )
            ]
        )
    return text, rows


async def _on_name_text(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["name"] = check_name(text)
    return None


async def _on_name_button(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "name" or value != "telegram" or not draft.get("telegram_name"):
        raise no_longer_valid()
    draft["name"] = check_name(draft["telegram_name"])
    return None


async def _ask_paragraph(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    campaign = await context.services.endorsements.campaign(draft["campaign_id"])
    text = t.gettext(
        "Why do you endorse it? One paragraph, at most {lines} lines and {characters} characters."
    ).format(lines=campaign.line_cap, characters=t.number(campaign.char_cap))
    return text, []


async def _on_paragraph(context: PactContext, draft: Draft, text: str) -> str | None:
    campaign = await context.services.endorsements.campaign(draft["campaign_id"])
    draft["paragraph"] = check_paragraph(text, campaign.line_cap, campaign.char_cap)
    return None


async def _ask_consents(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    chosen = draft["consents"]
    rows: list[list[tuple[str, str]]] = [
        [
            (
                ("☑ " if chosen.get(key) else "☐ ") + t.gettext(CONSENT_LABELS[key]),
                f"end:consent:{key}",
            )
        ]
        for key in CONSENTS
    ]
    rows.append([(t.gettext("Continue"), "end:consent:")])
    text = t.gettext("What may be done with it? Tick what you agree to; nothing is ticked for you.")
    return text, rows


async def _on_consent(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "consent" or (value and value not in CONSENTS):
        raise no_longer_valid()
    if value:
        draft["consents"][value] = not draft["consents"].get(value)
        return STAY
    return None


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    organisation = draft["organisation_name"] if draft.get("organisation_id") else None
    lines = [preview(t, draft, organisation)]
    if draft["consents"].get("paragraph"):  # an unpublished paragraph is for nobody to read
        lines += ["", t.gettext("The pact team reads every paragraph before it is published.")]
    return "\n".join(lines), [
        [(t.gettext("✅ Confirm"), "end:ok:")],
        [
            (t.gettext("Change name"), "end:edit:name"),
            (t.gettext("Change paragraph"), "end:edit:paragraph"),
        ],
        [(t.gettext("Change what may be done"), "end:edit:consents")],
    ]


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action == "ok":
        return DONE
    if action == "edit" and value in ("name", "paragraph", "consents"):
        return goto(value)
    raise no_longer_valid()


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    t = context.i18n
    services = context.services
    campaign = await services.endorsements.campaign(draft["campaign_id"])
    if campaign.status(services.clock.now()) != "open":
        # Closed while they wrote: nothing can be sent; what they wrote stays in the chat.
        text = t.gettext(
            "Endorsing {title} closed on {when}, so this was not sent. What you wrote, to keep:"
        ).format(
            title=f"<b>{esc(campaign.title_in(t.locale))}</b>", when=moment(t, campaign.deadline)
        )
        kept = esc(f"{draft.get('name', '')}\n\n{draft.get('paragraph', '')}".strip())
        await send(update, context, f"{text}\n<pre>{kept}</pre>")
        return
    consents = draft["consents"]
    endorsement = await context.services.endorsements.submit(
        user_id_of(update),
        draft["campaign_id"],
        EndorsementDraft(
            organisation_id=draft.get("organisation_id"),
            published_name=draft["name"],
            paragraph=draft["paragraph"],
            consent_name=bool(consents.get("name")),
            consent_paragraph=bool(consents.get("paragraph")),
            consent_notify=bool(consents.get("notify")),
        ),
    )
    text = t.gettext(
        "Thank you! Your endorsement of {title} is in; the pact team reviews it. You can change "
        "or withdraw it until {when} with /endorse."
    ).format(
        title=f"<b>{esc(endorsement.campaign_title_in(t.locale))}</b>",
        when=moment(t, endorsement.deadline),
    )
    buttons = keyboard([[(t.gettext("See my endorsement"), f"endv:mine:{endorsement.id}")]])
    await send(update, context, text, buttons)


ENDORSE = Flow(
    name="end",
    entry_pattern=r"^end:(start|edit):\d+$",
    begin=_begin,
    finish=_finish,
    steps=(
        Step("who", _ask_who, on_button=_on_who),
        Step("name", _ask_name, on_text=_on_name_text, on_button=_on_name_button),
        Step("paragraph", _ask_paragraph, on_text=_on_paragraph),
        Step("consents", _ask_consents, on_button=_on_consent),
        Step("review", _ask_review, on_button=_on_review, back=False),
    ),
)
