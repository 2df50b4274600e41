"""/campaigns: the pact team puts the opinion text up for endorsement (a campaign), opens
it, watches the figures, downloads the exports and the published opinion, and marks it
published, which tells everyone who asked."""

from __future__ import annotations

import datetime as dt
import html
import re

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_, Translator
from bot.measure import cut
from bot.services import validation
from bot.services.campaigns import (
    CHAR_CAP,
    LINE_CAP,
    CampaignDraft,
    check_caps,
    check_note,
    check_text,
    check_title,
)
from bot.services.endorsements import Campaign, Endorsement
from bot.services.errors import Invalid
from handlers.endorsements.endorse import STATE_NAMES, reason_text
from handlers.kit.common import (
    answer,
    esc,
    keyboard,
    no_longer_valid,
    parse_id,
    send,
    show,
    user_id_of,
)
from handlers.kit.exports import csv_bytes
from handlers.kit.flow import DONE, STAY, Draft, Flow, Question, Step, ask, goto, keep
from handlers.kit.render import figure_lines, moment

STATUS_NAMES = {
    "draft": N_("draft"),
    "open": N_("open for endorsement"),
    "closed": N_("closed"),
    "published": N_("published"),
}
LANGUAGES = {"nl": N_("Dutch"), "fr": N_("French"), "en": N_("English")}
TEXT_STEPS = tuple(f"text_{code}" for code in LANGUAGES)


async def campaigns(update: Update, context: PactContext) -> None:
    """The latest campaigns with their state; each opens its card; a new one."""
    t = context.i18n
    services = context.services
    found = await services.campaigns.all(user_id_of(update))
    now = services.clock.now()
    lines = [t.gettext("<b>Campaigns</b>")]
    rows = []
    for campaign in found:
        lines.append(
            t.gettext("{title} — {status}, until {when}").format(
                title=f"<b>{esc(campaign.title_in(t.locale))}</b>",
                status=t.gettext(STATUS_NAMES[campaign.status(now)]),
                when=moment(t, campaign.deadline),
            )
        )
        rows.append([(cut(campaign.title_in(t.locale), 50), f"cmpv:open:{campaign.id}")])
    if not found:
        lines.append(t.gettext("None yet."))
    rows.append([(t.gettext("➕ New campaign"), "cmp:start:")])
    await send(update, context, "\n\n".join(lines), keyboard(rows))


# -- a campaign's card ------------------------------------------------------------------------


async def _card(update: Update, context: PactContext, campaign: Campaign) -> None:
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    status = campaign.status(services.clock.now())
    figures = await services.campaigns.figures(person_id, campaign.id)
    sectors = await services.sectors.all()
    languages = ", ".join(
        t.gettext(LANGUAGES[code]) for code in LANGUAGES if code in campaign.texts
    )
    lines = [
        f"<b>{esc(campaign.title_in(t.locale))}</b>",
        t.gettext("Status: {status}").format(status=t.gettext(STATUS_NAMES[status])),
        t.gettext("Deadline: {when}").format(when=moment(t, campaign.deadline)),
        t.gettext("Text in: {languages}").format(languages=languages),
        t.gettext("A paragraph has at most {lines} lines and {characters} characters.").format(
            lines=campaign.line_cap, characters=t.number(campaign.char_cap)
        ),
        "",
        *figure_lines(t, figures, sectors),
    ]
    if status in ("open", "closed", "published"):
        link = f"https://t.me/{context.bot.username}?start=endorse_{campaign.code}"
        lines += ["", t.gettext("Link to share: {link}").format(link=link)]
    if status == "published":
        lines.append(t.gettext("Published: {note}").format(note=esc(campaign.published_note or "")))
    rows: list[list[tuple[str, str]]] = []
    if status == "draft":
        rows.append([(t.gettext("Open for endorsement"), f"cmpv:openask:{campaign.id}")])
    if figures.waiting:
        rows.append([(t.gettext("Review paragraphs ({n})").format(n=figures.waiting), "mod:next:")])
    if status == "closed":
        rows.append([(t.gettext("Mark as published"), f"pub:start:{campaign.id}")])
    rows += [
        [
            (t.gettext("📥 Public list"), f"cmpv:public:{campaign.id}"),
            (t.gettext("📥 Internal list"), f"cmpv:internal:{campaign.id}"),
        ],
        [(t.gettext("📄 The published opinion"), f"cmpv:opinion:{campaign.id}")],
    ]
    await show(update, context, "\n".join(lines), keyboard(rows))


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`cmpv:open|openask|openok|public|internal|opinion:<campaign>`, for the team only."""
    t = context.i18n
    services = context.services
    person_id = user_id_of(update)
    campaign = await services.campaigns.get(person_id, parse_id(value))
    if action == "open":
        await _card(update, context, campaign)
    elif action == "openask":
        question = t.gettext(
            "Open {title} for endorsement? Anyone can endorse it until {when}."
        ).format(
            title=f"<b>{esc(campaign.title_in(t.locale))}</b>", when=moment(t, campaign.deadline)
        )
        buttons = keyboard(
            [
                [(t.gettext("Yes, open it"), f"cmpv:openok:{campaign.id}")],
                [(t.gettext("No"), f"cmpv:open:{campaign.id}")],
            ]
        )
        await show(update, context, question, buttons)
    elif action == "openok":
        await _card(update, context, await services.campaigns.open(person_id, campaign.id))
    elif action in ("public", "internal", "opinion"):
        await answer(update, context)
        await _export(context, person_id, campaign, action)
    else:
        raise no_longer_valid()


# -- exports ---------------------------------------------------------------------------------


async def _export(context: PactContext, person_id: int, campaign: Campaign, what: str) -> None:
    t = context.i18n
    services = context.services
    if what == "public":
        rows = public_rows(await services.campaigns.published(person_id, campaign.id))
        content = csv_bytes(
            t, [t.gettext("Name"), t.gettext("Organisation"), t.gettext("Paragraph")], rows
        )
        name, caption = (
            f"endorsements-{campaign.id}-public.csv",
            t.gettext(
                "What may be published: approved endorsements, each with only what its "
                "author allowed."
            ),
        )
    elif what == "internal":
        found = await services.campaigns.endorsements(person_id, campaign.id)
        content = csv_bytes(t, _internal_header(t), [_internal_row(t, e) for e in found])
        name, caption = (
            f"endorsements-{campaign.id}-internal.csv",
            t.gettext(
                "Every endorsement with its consents and their times. For the pact team only."
            ),
        )
    else:
        found = await services.campaigns.published(person_id, campaign.id)
        content = opinion_html(t, campaign, found).encode("utf-8")
        name, caption = (
            f"opinion-{campaign.id}.html",
            t.gettext("The opinion text with the names and paragraphs that may be published."),
        )
    await services.campaigns.exported(person_id, campaign.id, what)
    await context.bot.send_document(person_id, document=content, filename=name, caption=caption)


def public_rows(found: list[Endorsement]) -> list[list[str]]:
    """Only names whose publication was allowed, only paragraphs whose publication was
    allowed, the organisation when on behalf; an endorsement with nothing to show is not
    listed."""
    rows = []
    for e in found:
        row = [
            e.published_name if e.consent_name else "",
            e.organisation_name or "",
            e.paragraph if e.consent_paragraph else "",
        ]
        if any(row):
            rows.append(row)
    return rows


def _internal_header(t: Translator) -> list[str]:
    return [
        t.gettext("Number"),
        t.gettext("State"),
        t.gettext("Organisation"),
        t.gettext("Name"),
        t.gettext("Paragraph"),
        t.gettext("Publish name"),
        t.gettext("Since"),
        t.gettext("Publish paragraph"),
        t.gettext("Since"),
        t.gettext("Tell when published"),
        t.gettext("Since"),
        t.gettext("Reason"),
    ]


def _internal_row(t: Translator, e: Endorsement) -> list[object]:
    yes, no = t.gettext("yes"), t.gettext("no")
    at = e.consented_at  # moments: the CSV writes them as a spreadsheet reads them
    return [
        e.id,
        t.gettext(STATE_NAMES.get(e.state, e.state)),
        e.organisation_name or "",
        e.published_name,
        e.paragraph,
        yes if e.consent_name else no,
        at["name"],
        yes if e.consent_paragraph else no,
        at["paragraph"],
        yes if e.consent_notify else no,
        at["notify"],
        reason_text(t, e.reason) if e.state == "rejected" else "",
    ]


def opinion_html(t: Translator, campaign: Campaign, found: list[Endorsement]) -> str:
    """The opinion text, then who endorsed it and why, as far as each allowed: ready for
    the press."""
    e = html.escape
    body = "".join(
        f"<p>{e(p.strip())}</p>\n" for p in campaign.text(t.locale).split("\n\n") if p.strip()
    )
    names = [
        e(x.published_name) + (f" ({e(x.organisation_name)})" if x.organisation_name else "")
        if x.consent_name
        else e(x.organisation_name or "")
        for x in found
    ]
    names = [n for n in names if n]
    quotes = [
        f"<blockquote><p>{e(x.paragraph)}</p><footer>"
        + (
            e(x.published_name)
            if x.consent_name
            else e(x.organisation_name or t.gettext("an endorser"))
        )
        + "</footer></blockquote>\n"
        for x in found
        if x.consent_paragraph
    ]
    # Outside the f-string, so that the message extraction finds them.
    endorsed_by = t.gettext("Endorsed by")
    why = t.gettext("Why they endorse it")
    return (
        f'<!DOCTYPE html>\n<html lang="{t.locale}"><head><meta charset="utf-8">'
        f"<title>{e(campaign.title_in(t.locale))}</title></head><body>\n<h1>{e(campaign.title_in(t.locale))}</h1>\n{body}"
        f"<h2>{e(endorsed_by)}</h2>\n<ul>\n"
        + "".join(f"<li>{n}</li>\n" for n in names)
        + "</ul>\n"
        + (f"<h2>{e(why)}</h2>\n" + "".join(quotes) if quotes else "")
        + "</body></html>\n"
    )


# -- a new campaign -----------------------------------------------------------------------------


async def _begin(update: Update, context: PactContext, draft: Draft) -> str | None:
    await context.services.team.require_member(user_id_of(update))
    draft.update(texts={}, line_cap=LINE_CAP, char_cap=CHAR_CAP)
    return None


def _ask_title(locale: str) -> Step:
    """The title in French or English, for readers of that language (else the Dutch one)."""
    asks = {
        "fr": N_("The title in French? Or Skip: French readers see the Dutch title."),
        "en": N_("The title in English? Or Skip: English readers see the Dutch title."),
    }

    async def on_text(context: PactContext, draft: Draft, text: str) -> str | None:
        draft.setdefault("titles", {})[locale] = check_title(text)
        return None

    return Step(f"title_{locale}", ask(asks[locale]), on_text=on_text, skippable=True)


def _ask_text(locale: str) -> Step:
    """The opinion text in one language: several messages are joined, a .txt or .md file
    is read; Done when it is all there. Dutch is needed, French and English may follow."""

    async def question(context: PactContext, draft: Draft) -> Question:
        t = context.i18n
        so_far = draft["texts"].get(locale, "")
        asks = {
            "nl": t.gettext(
                "The opinion text in Dutch? Send it in one or more messages, or as a .txt or "
                ".md file."
            ),
            "fr": t.gettext("The opinion text in French? Send it, or press Skip."),
            "en": t.gettext("The opinion text in English? Send it, or press Skip."),
        }
        text = asks[locale]
        rows: list[list[tuple[str, str]]] = []
        if so_far:
            text += "\n\n" + t.gettext(
                "Received so far: {n} characters. Send more, or Done."
            ).format(n=t.number(len(so_far)))
            rows = [
                [(t.gettext("Done"), f"cmp:text:{locale}")],
                [(t.gettext("Start again"), f"cmp:clear:{locale}")],
            ]
        return text, rows

    async def on_text(context: PactContext, draft: Draft, text: str) -> str | None:
        so_far = draft["texts"].get(locale, "")
        joined = f"{so_far}\n\n{text.strip()}" if so_far else text.strip()
        if len(joined) > 60_000:
            raise Invalid(N_("The text is too long: at most 60,000 characters."))
        draft["texts"][locale] = joined
        return STAY

    async def on_button(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
        if value != locale or action not in ("text", "clear"):
            raise no_longer_valid()
        if action == "clear":
            draft["texts"].pop(locale, None)
            return STAY
        draft["texts"][locale] = check_text(draft["texts"].get(locale, ""))
        return None

    return Step(
        f"text_{locale}",
        question,
        on_text=on_text,
        on_button=on_button,
        on_file=on_text,
        skippable=locale != "nl",
    )


async def _ask_deadline(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    example = validation.format_datetime_example(t.locale, t.tz, context.services.clock.now())
    text = t.gettext("Until when can people endorse it? Write the date and time, like {example}.")
    return text.format(example=example), []


async def _on_deadline(context: PactContext, draft: Draft, text: str) -> str | None:
    t = context.i18n
    now = context.services.clock.now()
    deadline = validation.moment_in_range(validation.moment(text, t.locale, t.tz, now), now)
    draft["deadline"] = deadline.isoformat()
    return None


async def _ask_caps(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext(
        "A paragraph may have at most {lines} lines and {characters} characters. Keep that, or "
        "type other limits, like 12 lines, 1200 characters."
    ).format(lines=draft["line_cap"], characters=t.number(draft["char_cap"]))
    return text, [[(t.gettext("Keep these"), "cmp:caps:keep")]]


async def _on_caps_text(context: PactContext, draft: Draft, text: str) -> str | None:
    # Two whole numbers of a few ASCII digits (a 5,000-digit run is no limit, nor is "٣").
    runs = re.findall(r"[0-9]+", text.replace(".", "").replace(",", " "))
    numbers = [int(run) for run in runs if len(run) <= 6]
    if len(numbers) != 2 or len(runs) != 2:
        raise Invalid(N_("Write the two limits, like 12 lines, 1200 characters."))
    draft["line_cap"], draft["char_cap"] = check_caps(min(numbers), max(numbers))
    return None


async def _on_caps_button(
    context: PactContext, draft: Draft, action: str, value: str
) -> str | None:
    if action != "caps" or value != "keep":
        raise no_longer_valid()
    return None


async def _ask_review(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    deadline = dt.datetime.fromisoformat(draft["deadline"])
    languages = ", ".join(
        f"{t.gettext(LANGUAGES[code])} ({t.number(len(draft['texts'][code]))})"
        for code in LANGUAGES
        if draft["texts"].get(code)
    )
    titles = draft.get("titles") or {}
    lines = [
        t.gettext("<b>Check and confirm</b>"),
        f"<b>{esc(draft['title'])}</b>",
        *(
            f"{t.gettext(LANGUAGES[code])}: <b>{esc(titles[code])}</b>"
            for code in ("fr", "en")
            if titles.get(code)
        ),
        t.gettext("Deadline: {when}").format(when=moment(t, deadline)),
        t.gettext("Text in: {languages}").format(languages=languages),
        t.gettext("A paragraph has at most {lines} lines and {characters} characters.").format(
            lines=draft["line_cap"], characters=t.number(draft["char_cap"])
        ),
        "",
        t.gettext("It is saved as a draft: nobody sees it until you open it from its card."),
    ]
    return "\n".join(lines), [
        [(t.gettext("✅ Save"), "cmp:ok:")],
        [
            (t.gettext("Change title"), "cmp:edit:title"),
            (t.gettext("Change deadline"), "cmp:edit:deadline"),
        ],
        [(t.gettext("Change limits"), "cmp:edit:caps")],
        [
            (t.gettext("Dutch text"), "cmp:edit:text_nl"),
            (t.gettext("French text"), "cmp:edit:text_fr"),
            (t.gettext("English text"), "cmp:edit:text_en"),
        ],
        [
            (t.gettext("French title"), "cmp:edit:title_fr"),
            (t.gettext("English title"), "cmp:edit:title_en"),
        ],
    ]


async def _on_review(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action == "ok":
        return DONE
    if action == "edit" and value in (
        "title",
        "title_fr",
        "title_en",
        "deadline",
        "caps",
        *TEXT_STEPS,
    ):
        return goto(value)
    raise no_longer_valid()


async def _finish(update: Update, context: PactContext, draft: Draft) -> None:
    campaign = await context.services.campaigns.create(
        user_id_of(update),
        CampaignDraft(
            title=draft["title"],
            texts=draft["texts"],
            deadline=dt.datetime.fromisoformat(draft["deadline"]),
            line_cap=draft["line_cap"],
            char_cap=draft["char_cap"],
            titles=draft.get("titles") or {},
        ),
    )
    await _card(update, context, campaign)


CAMPAIGN = Flow(
    name="cmp",
    entry_pattern=r"^cmp:start:$",
    begin=_begin,
    finish=_finish,
    steps=(
        Step(
            "title",
            ask(N_("Title of the opinion text, in Dutch? (at most 120 characters)")),
            on_text=keep("title", check_title),
        ),
        _ask_title("fr"),
        _ask_title("en"),
        _ask_text("nl"),
        _ask_text("fr"),
        _ask_text("en"),
        Step("deadline", _ask_deadline, on_text=_on_deadline),
        Step("caps", _ask_caps, on_text=_on_caps_text, on_button=_on_caps_button),
        Step("review", _ask_review, on_button=_on_review, back=False),
    ),
)


# -- published ------------------------------------------------------------------------------------


async def _begin_publish(update: Update, context: PactContext, draft: Draft) -> str | None:
    query = update.callback_query
    value = (query.data or "").rsplit(":", 1)[-1] if query else ""
    campaign = await context.services.campaigns.get(user_id_of(update), parse_id(value))
    if campaign.status(context.services.clock.now()) != "closed":
        raise Invalid(
            N_("A campaign is published after its deadline, {deadline}."),
            deadline=campaign.deadline,
        )
    figures = await context.services.campaigns.figures(user_id_of(update), campaign.id)
    draft.update(
        campaign_id=campaign.id,
        title=campaign.title_in(context.i18n.locale),
        waiting=figures.waiting,
    )
    return None


async def _ask_note(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext(
        "Where and how was {title} published? A link or a newspaper, in one line: it goes to "
        "everyone who asked to be told."
    ).format(title=f"<b>{esc(draft['title'])}</b>")
    return text, []


async def _finish_publish(update: Update, context: PactContext, draft: Draft) -> None:
    t = context.i18n
    campaign, told = await context.services.campaigns.publish(
        user_id_of(update), draft["campaign_id"], draft["note"]
    )
    text = t.ngettext(
        "{title} is marked published; {n} person is being told.",
        "{title} is marked published; {n} people are being told.",
        told,
    ).format(title=f"<b>{esc(campaign.title_in(t.locale))}</b>", n=told)
    await send(update, context, text)


async def _ask_confirm(context: PactContext, draft: Draft) -> Question:
    t = context.i18n
    text = t.gettext(
        "Mark {title} as published with this note? Everyone who asked to be told gets it:"
    ).format(title=f"<b>{esc(draft['title'])}</b>")
    lines = [text, "", f"<blockquote>{esc(draft['note'])}</blockquote>"]
    if draft.get("waiting"):
        lines += [
            "",
            t.ngettext(
                "⚠️ {n} paragraph still waits for review: it is not in the published list, "
                "and its author is thanked all the same. Review it first with /moderate?",
                "⚠️ {n} paragraphs still wait for review: they are not in the published list, "
                "and their authors are thanked all the same. Review them first with /moderate?",
                draft["waiting"],
            ).format(n=t.number(draft["waiting"])),
        ]
    return "\n".join(lines), [[(t.gettext("✅ Mark as published"), "pub:ok:")]]


async def _on_confirm(context: PactContext, draft: Draft, action: str, value: str) -> str | None:
    if action != "ok":
        raise no_longer_valid()
    return DONE


PUBLISH = Flow(
    name="pub",
    entry_pattern=r"^pub:start:\d+$",
    begin=_begin_publish,
    finish=_finish_publish,
    steps=(
        Step("note", _ask_note, on_text=keep("note", check_note)),
        Step("confirm", _ask_confirm, on_button=_on_confirm),
    ),
)
