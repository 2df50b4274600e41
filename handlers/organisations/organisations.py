"""/register an organisation, /invite a colleague, join through an invite link."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from bot.delivery.kinds import Kind, Skip, Text
from bot.delivery.outbox import Due
from bot.i18n import N_, Translator
from bot.services import Services
from bot.services.organisations import (
    OrganisationDraft,
    check_description,
    check_name,
)
from bot.services.validation import website
from handlers.kit.common import esc, keyboard, no_longer_valid, parse_id, send, show, user_id_of
from handlers.kit.flow import DONE, Draft, Flow, Question, Step, ask, goto, keep
from handlers.kit.render import digest_offer_button, organisation_summary


def _display_name(update: Update) -> str:
    user = update.effective_user
    return user.full_name if user else "?"


# -- /register ------------------------------------------------------------------------


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    """Someone who is a contact already sees their organisation instead."""
    person_id = user_id_of(update)
    current = await context.services.organisations.of_contact(person_id)
    if current is None:
        return None
    t = context.i18n
    sectors = await context.services.sectors.all()
    text = t.gettext("You are already a contact of this organisation:")
    await send(
        update,
        context,
        f"{text}\n\n{organisation_summary(t, current, sectors)}",
        keyboard([[_public_toggle(t, current.public)]]),
    )
    return DONE


def _public_toggle(t: Translator, public: bool | None) -> tuple[str, str]:
    if public:
        return t.gettext("Take it off the public page"), "org:public:no"
    return t.gettext("🌐 Show our intentions on the public page"), "org:public:yes"


async def _on_name(context: PactContext, draft: Draft, text: str) -> str | None:
    draft["name"] = check_name(text)
    same = await context.services.organisations.same_name(draft["name"])
    if same is not None:
        draft["similar_id"], draft["similar_name"] = same.id, same.name
        return "similar"
    draft.pop("similar_id", None)
    return None


async def _ask_similar(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext(
        "An organisation called {name} is registered already. Is it yours? Then ask its "
        "contacts to let you join it."
    ).format(name=esc(draft["similar_name"]))
    return text, [
        [(t.gettext("Ask to join {name}").format(name=draft["similar_name"]), "reg:join:")],
        [(t.gettext("No, mine is another organisation"), "reg:other:")],
    ]


async def _on_similar(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action == "other":
        return None
    if action != "join":
        raise no_longer_valid()
    draft["join"] = True
    return DONE


async def _ask_sector(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    sectors = await context.services.sectors.all()
    rows = [[(s.name(t.locale), f"reg:sector:{s.id}")] for s in sectors]
    return t.gettext("In which sector does your organisation work?"), rows


async def _on_sector(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "sector":
        raise no_longer_valid()
    draft["sector_id"] = (await context.services.sectors.get(parse_id(value))).id
    return None


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    sector = await context.services.sectors.get(draft["sector_id"])
    lines = [
        t.gettext("<b>Check and confirm</b>"),
        t.gettext("Name: {name}").format(name=esc(draft["name"])),
        t.gettext("Sector: {sector}").format(sector=esc(sector.name(t.locale))),
    ]
    if draft.get("website"):
        lines.append(t.gettext("Website: {url}").format(url=esc(draft["website"])))
    if draft.get("description"):
        lines.append(esc(draft["description"]))
    website = t.gettext("Change website") if draft.get("website") else t.gettext("Add website")
    description = (
        t.gettext("Change description")
        if draft.get("description")
        else t.gettext("Add description")
    )
    return "\n".join(lines), [
        [(t.gettext("✅ Register"), "reg:ok:")],
        [(website, "reg:edit:website"), (description, "reg:edit:description")],
        [
            (t.gettext("Change name"), "reg:edit:name"),
            (t.gettext("Change sector"), "reg:edit:sector"),
        ],
    ]


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action == "ok":
        return DONE
    if action == "edit" and value in ("name", "sector", "website", "description"):
        return goto(value)
    raise no_longer_valid()


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    person_id = user_id_of(update)
    services = context.services
    t = context.i18n
    if draft.get("join"):
        request = await services.organisations.request_to_join(
            draft["similar_id"], person_id, _display_name(update)
        )
        await send(
            update,
            context,
            t.gettext(
                "I asked the contacts of {organisation}. I will tell you their answer."
            ).format(organisation=esc(request.organisation.name)),
        )
        return
    organisation = await services.organisations.register(
        person_id,
        _display_name(update),
        OrganisationDraft(
            name=draft["name"],
            sector_id=draft["sector_id"],
            website=draft.get("website"),
            description=draft.get("description"),
        ),
    )
    text = t.gettext(
        "{organisation} is registered and you are its contact. Next: /intention records an "
        "engagement intention, /invite adds a colleague."
    ).format(organisation=esc(organisation.name))
    rows = [[(t.gettext("📝 Record an engagement intention"), "int:start:")]]
    # Once, to a new contact: the weekly digest of their sector, in one tap.
    sector = next((s for s in await services.sectors.all() if s.id == organisation.sector_id), None)
    if sector is not None and await services.digests.offer(person_id):
        text += "\n\n" + t.gettext(
            "Every week I can send you what happens in the pact in your sector: new "
            "intentions, progress and the sessions ahead. /follow chooses more or less."
        )
        rows.append(digest_offer_button(t, sector))
    await send(update, context, text, keyboard(rows))


REGISTER = Flow(
    name="reg",
    command="register",
    entry_pattern=r"^reg:start:$",
    begin=_begin,
    finish=_finish,
    steps=(
        Step("name", ask(N_("What is the name of your organisation?")), on_text=_on_name),
        Step("sector", _ask_sector, on_button=_on_sector),
        # The review has no Back: it says what to change, and each change comes back to it.
        Step("review", _ask_review, on_button=_on_review, back=False),
        # Only when the name matches an existing organisation.
        Step("similar", _ask_similar, on_button=_on_similar, next="sector"),
        # Optional, from the review.
        Step(
            "website",
            ask(N_("What is its website? Send it, or press Skip.")),
            on_text=keep("website", website),
            skippable=True,
            next="review",
        ),
        Step(
            "description",
            ask(
                N_(
                    "Describe your organisation in one line (at most 200 characters), or press Skip."  # noqa: E501
                )
            ),
            on_text=keep("description", check_description),
            skippable=True,
            next="review",
        ),
    ),
)


# -- /invite and joining ---------------------------------------------------------------


async def invite(update: Update, context: PactContext) -> None:
    """A contact gets a one-time link to forward to a colleague."""
    t = context.i18n
    made = await context.services.organisations.make_invite(user_id_of(update))
    link = f"https://t.me/{context.bot.username}?start=join_{made.code}"
    text = t.gettext(
        "Forward this link to a colleague. It works once, until {date}:\n{link}"
    ).format(date=t.datetime(made.expires_at, "short"), link=link)
    await send(update, context, text)


async def join_link(update: Update, context: PactContext, code: str) -> None:
    """`/start join_<code>`: say which organisation, and ask to confirm."""
    t = context.i18n
    organisation = await context.services.organisations.check_invite(code, user_id_of(update))
    text = t.gettext("You are invited to join {organisation} as a contact. Join?").format(
        organisation=esc(organisation.name)
    )
    buttons = keyboard(
        [[(t.gettext("Yes, join"), f"org:join:{code}"), (t.gettext("No"), "org:nojoin:")]]
    )
    await send(update, context, text, buttons)


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`org:join:<code>`, `org:nojoin:`, `org:accept:<request>`, `org:decline:<request>`."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    if action == "public" and value in ("yes", "no"):
        found = await services.organisations.set_public(person_id, value == "yes")
        text = (
            t.gettext("Your organisation's intentions are on the pact's public page from now on.")
            if found.public
            else t.gettext("Your organisation's intentions are not on the pact's public page.")
        )
        await show(update, context, text, keyboard([[_public_toggle(t, found.public)]]))
    elif action == "join":
        organisation = await services.organisations.join(value, person_id, _display_name(update))
        text = t.gettext(
            "You are now a contact of {organisation}. /mine shows its intentions."
        ).format(organisation=esc(organisation.name))
        await show(update, context, text)
    elif action == "nojoin":
        await show(update, context, t.gettext("Nothing was changed."))
    elif action in ("accept", "decline"):
        accept = action == "accept"
        request = await services.organisations.answer_join_request(
            parse_id(value), person_id, accept
        )
        done = (
            t.gettext("{person} is now a contact of {organisation}.")
            if accept
            else t.gettext("You declined the request of {person}.")
        )
        await show(
            update,
            context,
            done.format(
                person=esc(request.display_name), organisation=esc(request.organisation.name)
            ),
        )
    else:
        raise no_longer_valid()


# -- what the outbox sends about join requests --------------------------------------------


def kinds(services: Services) -> list[Kind]:
    """The request to each contact, and the answer to the person who asked: one-off
    notices, sent before any bulk message waiting."""

    async def request(message: Due, t: Translator) -> Text:
        found = await services.organisations.join_request(int(message.payload["request_id"]))
        if found is None or found.state != "open":
            raise Skip("the request was answered or is gone")
        text = t.gettext("{person} asks to join {organisation} as a contact.").format(
            person=esc(found.display_name), organisation=esc(found.organisation.name)
        )
        buttons = keyboard(
            [
                [
                    (t.gettext("Let them join"), f"org:accept:{found.id}"),
                    (t.gettext("Decline"), f"org:decline:{found.id}"),
                ]
            ]
        )
        return Text(text, buttons)

    async def answer(message: Due, t: Translator) -> Text:
        found = await services.organisations.join_request(int(message.payload["request_id"]))
        if found is None:
            raise Skip("the request or its organisation is gone")
        text = (
            t.gettext("You are now a contact of {organisation}. /mine shows its intentions.")
            if message.payload.get("accepted")
            else t.gettext("The contacts of {organisation} declined your request.")
        )
        return Text(text.format(organisation=esc(found.organisation.name)))

    return [Kind("join-request", request, bulk=False), Kind("join-answer", answer, bulk=False)]
