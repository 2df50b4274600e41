"""Endorsements: the pact team opens a campaign, people endorse it with a paragraph and
three consents, the team moderates, exports and marks it published; reminders to those who
started, every unhappy path the issue names, and a restart while writing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json

import pytest

from bot.services.endorsements import EndorsementDraft
from tests.conftest import OWNER_ID
from tests.flows import OPINION_NL, add_colleague, endorse, open_campaign, register
from tests.harness import Harness, Person, alerts, notes, texts
from tests.telegram_fake import Call

TEAM = Person(OWNER_ID, "en")
NINE_LINES = "\n".join(f"Regel {n}: samen maken we het verschil." for n in range(1, 10))
# The campaign's deadline, 10/12/2026 17:00 in Brussels.
DEADLINE = dt.datetime(2026, 12, 10, 16, 0, tzinfo=dt.UTC)


def to(person: Person, calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.chat_id == person.id and c.method == "sendMessage"]


async def endorsement_row(h: Harness, person: Person) -> dict[str, object] | None:
    row = await h.application.services.db.fetchone(
        "SELECT * FROM endorsement WHERE person_id = ? ORDER BY id DESC", (person.id,)
    )
    return dict(row) if row is not None else None


def csv_rows(call: Call) -> list[list[str]]:
    content = call.files["document"]
    assert content.startswith(b"\xef\xbb\xbf"), "a spreadsheet reads UTF-8 by its BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


async def export(h: Harness, campaign_id: int, what: str) -> Call:
    await h.send(TEAM, "/campaigns")
    await h.tap(TEAM, f"cmpv:open:{campaign_id}")
    calls = await h.tap(TEAM, f"cmpv:{what}:{campaign_id}")
    [document] = [c for c in calls if c.method == "sendDocument"]
    return document


async def moderate(h: Harness, approve: bool, reason: str = "off_topic") -> list[Call]:
    """The team member approves, or rejects with a reason, the oldest paragraph waiting."""
    await h.send(TEAM, "/moderate")
    endorsement_id = int(h.buttons(TEAM)[0].rsplit(":", 1)[-1])
    if approve:
        return await h.tap(TEAM, f"mod:ok:{endorsement_id}")
    await h.tap(TEAM, f"mod:no:{endorsement_id}")
    return await h.tap(TEAM, f"mod:why:{endorsement_id}.{reason}")


# -- the "done when", as a person on a phone sees it -----------------------------------

# What a person reads in their language: the opinion text, the receipt, the reminder, the
# decision, the news that it is published.
SEEN = {
    "nl": (
        "<b>Samen sterker</b>\n\nIntegratie is een gedeelde verantwoordelijkheid.",
        "Bedankt! Je onderschrijving van <b>Samen sterker</b> is binnen; het pactteam kijkt ze "
        "na. Je kan ze wijzigen of intrekken tot donderdag 10 december 2026 om 17:00 met /endorse.",
        "Je begon <b>Samen sterker</b> te onderschrijven en hebt nog niet bevestigd. "
        "Onderschrijven sluit over 3 dagen, op donderdag 10 december 2026 om 17:00.",
        "Je paragraaf voor <b>Samen sterker</b> is niet goedgekeurd: ze is onduidelijk.",
        "<b>Samen sterker</b> is gepubliceerd: De Standaard, 12 december, p. 14. Bedankt om het "
        "te onderschrijven.",
    ),
    "fr": (
        "<b>Samen sterker</b>\n\nL'intégration est une responsabilité partagée.",
        "Merci ! Votre soutien à <b>Samen sterker</b> est bien reçu ; l'équipe du pacte le relit. "
        "Vous pouvez le modifier ou le retirer jusqu'au jeudi 10 décembre 2026 à 17:00 avec "
        "/endorse.",
        "Vous avez commencé à soutenir <b>Samen sterker</b> sans encore confirmer. Les soutiens "
        "se clôturent dans 3 jours, le jeudi 10 décembre 2026 à 17:00.",
        "Votre paragraphe pour <b>Samen sterker</b> n'est pas approuvé : il n'est pas clair.",
        "<b>Samen sterker</b> est publié : De Standaard, 12 december, p. 14. Merci de l'avoir "
        "soutenu.",
    ),
    "en": (
        "<b>Samen sterker</b>\n<i>This text is in Dutch.</i>\n\nIntegratie is een gedeelde",
        "Thank you! Your endorsement of <b>Samen sterker</b> is in; the pact team reviews it. You "
        "can change or withdraw it until Thursday, 10 December 2026 at 17:00 with /endorse.",
        "You started to endorse <b>Samen sterker</b> and have not confirmed it yet. Endorsing "
        "closes in 3 days, on Thursday, 10 December 2026 at 17:00.",
        "Your paragraph for <b>Samen sterker</b> was not approved: it is unclear.",
        "<b>Samen sterker</b> is published: De Standaard, 12 december, p. 14. Thank you for "
        "endorsing it.",
    ),
}


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
async def test_a_campaign_from_opening_to_publication(harness: Harness, locale: str) -> None:
    h = harness
    text, receipt, reminded, rejected, published = SEEN[locale]
    campaign_id = await open_campaign(h, TEAM)  # a Dutch and a French text
    first = Person(601, locale, "Jan")
    second = Person(602, locale, "Sara")
    third = Person(603, locale, "Ilse")
    await register(h, second, "Vzw De Brug")

    # One endorses personally, nine lines, every consent.
    [shown] = to(first, await h.send(first, "/endorse"))
    assert shown.text.startswith(text)
    await endorse(h, first, campaign_id, NINE_LINES, name="Jan Peeters")
    assert h.last_text(first) == receipt
    # Another on behalf of her organisation: her name and organisation, not her paragraph.
    await endorse(
        h, second, campaign_id, "Wij doen mee.", ("name", "notify"), on_behalf=True, name="Sara"
    )
    # A third starts and stops at the paragraph, is reminded, and finishes.
    await h.send(third, "/endorse")
    await h.tap(third, f"end:start:{campaign_id}")
    await h.send(third, "Ilse Claes")
    await h.send(third, "/cancel")
    h.clock.current = DEADLINE - dt.timedelta(hours=72)
    reminder = to(third, await h.dispatch())
    assert len(reminder) == 1 and reminder[0].text == reminded
    assert reminder[0].button_data == [f"endv:resume:{campaign_id}", f"endv:stop:{campaign_id}"]
    await h.tap(third, f"endv:resume:{campaign_id}")
    await h.tap(third, "end:name:telegram")
    await h.send(third, "Omdat integratie ons allemaal aangaat.")
    await h.tap(third, "end:consent:")
    await h.tap(third, "end:ok:")
    h.clock.current = DEADLINE - dt.timedelta(hours=24)
    assert to(third, await h.dispatch()) == [], "no reminder after confirming"

    # The first paragraph is rejected with a reason, changed, and approved.
    await moderate(h, approve=False, reason="unclear")
    [decision] = to(first, await h.dispatch())
    assert decision.text.startswith(rejected)
    assert decision.button_data == [f"end:edit:{(await endorsement_row(h, first) or {})['id']}"]
    await h.tap(first, decision.button_data[0])
    await h.tap(first, "end:edit:paragraph")
    await h.send(first, NINE_LINES.replace("Regel 9", "Slot"))
    await h.tap(first, "end:ok:")
    assert (await endorsement_row(h, first) or {})["state"] == "submitted"
    # The second's and the third's paragraphs are not to be published: they wait for nobody.
    assert (await endorsement_row(h, second) or {})["state"] == "approved"
    assert (await endorsement_row(h, third) or {})["state"] == "approved"
    await moderate(h, approve=True)  # the first's again
    assert "No paragraphs are waiting" in h.last_text(TEAM)
    to(first, await h.dispatch())

    # After the deadline: the exports hold exactly what was allowed.
    h.clock.current = DEADLINE + dt.timedelta(minutes=1)
    public = csv_rows(await export(h, campaign_id, "public"))
    assert public == [
        ["Name", "Organisation", "Paragraph"],
        ["Jan Peeters", "", NINE_LINES.replace("Regel 9", "Slot")],
        ["Sara", "Vzw De Brug", ""],
    ]
    assert not any("Ilse" in cell or "integratie" in cell for row in public for cell in row)
    opinion = (await export(h, campaign_id, "opinion")).files["document"].decode()
    assert "Jan Peeters" in opinion and "Slot: samen" in opinion
    assert "Wij doen mee" not in opinion and "Ilse" not in opinion
    assert "Vzw De Brug" in opinion

    # Marking it published tells those who asked, in their language.
    await h.tap(TEAM, f"pub:start:{campaign_id}")
    await h.send(TEAM, "De Standaard, 12 december, p. 14")
    await h.tap(TEAM, "pub:ok:")
    assert "2 people are being told" in h.last_text(TEAM)
    sent = await h.dispatch()
    for person in (first, second):
        [news] = to(person, sent)
        assert news.text == published
    assert to(third, sent) == []
    assert h.telegram_refusals() == []


# -- the paragraph: caps, echo, HTML ------------------------------------------------------------


async def test_eleven_lines_are_refused_with_the_counts_and_the_text_to_copy(
    harness: Harness,
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(611, "en", "Lena")
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    await h.send(person, "Lena Janssens")
    eleven = "\n".join(f"line {n} <b>&</b>" for n in range(1, 12))
    [refusal] = texts(await h.send(person, eleven))
    assert refusal.startswith("Your paragraph has 11 lines; at most 10 fit.")
    # Sent back whole, escaped, in a block that copies with one tap.
    assert "<pre>line 1 &lt;b&gt;&amp;&lt;/b&gt;\n" in refusal
    assert "line 11 &lt;b&gt;&amp;&lt;/b&gt;</pre>" in refusal
    assert "Why do you endorse it?" in refusal, "the question is asked again"
    draft = h.application.user_data[person.id]["draft"]
    assert draft["name"] == "Lena Janssens", "what was entered before is kept"
    ten = "\n".join(eleven.splitlines()[:10])
    await h.send(person, ten)
    assert draft_of(h, person)["paragraph"] == ten
    assert h.telegram_refusals() == []


def draft_of(h: Harness, person: Person) -> dict[str, object]:
    return dict(h.application.user_data[person.id]["draft"])


async def test_too_many_characters_and_too_short_are_refused(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(612, "en", "Lena")
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    await h.tap(person, "end:name:telegram")
    long = "Samen. " * 140  # 980 characters on one line
    [refusal] = texts(await h.send(person, long))
    assert refusal.startswith("Your paragraph has 979 characters; at most 900 fit.")
    assert f"<pre>{long.strip()}</pre>" in refusal
    [refusal] = notes(await h.send(person, "   ja   "))
    assert refusal == "Write a paragraph of at least 10 characters: why do you endorse the text?"
    assert "paragraph" not in draft_of(h, person)


async def test_html_in_the_name_and_paragraph_is_kept_as_typed_and_always_escaped(
    harness: Harness,
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(613, "en", "Lena")
    name = "<b>Lena</b> & Co"
    paragraph = "Because <script>alert(1)</script> & <i>we</i> care."
    await endorse(h, person, campaign_id, paragraph, name=name)
    row = await endorsement_row(h, person)
    assert row is not None and row["published_name"] == name and row["paragraph"] == paragraph
    review = [c.text for c in h.request.messages(chat_id=person.id) if "What will be" in c.text]
    assert "<b>&lt;b&gt;Lena&lt;/b&gt; &amp; Co</b>" in review[-1]
    await h.send(TEAM, "/moderate")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;i&gt;we&lt;/i&gt;" in h.last_text(TEAM)
    await moderate(h, approve=True)
    opinion = (await export(h, campaign_id, "opinion")).files["document"].decode()
    assert "<script>" not in opinion and "&lt;script&gt;" in opinion
    public = csv_rows(await export(h, campaign_id, "public"))
    assert public[1] == [name, "", paragraph], "the CSV holds the text as typed"
    assert h.telegram_refusals() == []


# -- deadlines --------------------------------------------------------------------------------


async def test_a_deadline_in_the_past_is_refused_and_the_rest_kept(harness: Harness) -> None:
    h = harness
    await h.send(TEAM, "/campaigns")
    await h.tap(TEAM, "cmp:start:")
    await h.send(TEAM, "Samen sterker")
    await h.send(TEAM, "Plus forts ensemble")  # the French title
    await h.tap(TEAM, "cmp:skip:")  # no English title: English readers see the Dutch one
    await h.send(TEAM, OPINION_NL)
    await h.tap(TEAM, "cmp:text:nl")
    await h.tap(TEAM, "cmp:skip:")
    await h.tap(TEAM, "cmp:skip:")
    [refusal] = notes(await h.send(TEAM, "01/11/2026 17:00"))
    assert "past" in refusal
    assert draft_of(h, TEAM)["texts"] == {"nl": OPINION_NL}
    [refusal] = notes(await h.send(TEAM, "01/11/2029 17:00"))
    assert "too far ahead" in refusal
    await h.send(TEAM, "10/12/2026 17:00")
    await h.tap(TEAM, "cmp:caps:keep")
    await h.tap(TEAM, "cmp:ok:")
    assert await h.application.services.db.fetchval("SELECT count(*) FROM campaign") == 1


async def test_a_draft_whose_deadline_passed_cannot_be_opened(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM, open_it=False)
    h.clock.current = DEADLINE + dt.timedelta(hours=1)
    await h.tap(TEAM, f"cmpv:openask:{campaign_id}")
    calls = await h.tap(TEAM, f"cmpv:openok:{campaign_id}")
    assert "has passed" in alerts(calls)[0]
    state = await h.application.services.db.fetchval("SELECT state FROM campaign")
    assert state == "draft"


async def test_a_campaign_that_closes_while_someone_writes_keeps_their_draft(
    harness: Harness,
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(614, "en", "Lena")
    await endorse(h, person, campaign_id, "Omdat het nodig is, nu.", confirm=False)
    h.clock.current = DEADLINE
    [told] = texts(await h.tap(person, "end:ok:"))
    assert told.startswith(
        "Endorsing <b>Samen sterker</b> closed on Thursday, 10 December 2026 at 17:00, so this "
        "was not sent. What you wrote, to keep:\n<pre>Lena\n\nOmdat het nodig is, nu.</pre>"
    )
    assert await endorsement_row(h, person) is None
    assert h.buttons(person) == [], "no button left that cannot work any more"
    # /endorse then says it is closed; the text stays readable through the link.
    [text] = texts(await h.send(person, "/endorse"))
    assert text == "There is no opinion text to endorse right now."


async def test_after_the_deadline_an_endorsement_is_read_only(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(615, "en", "Lena")
    await endorse(h, person, campaign_id, "Omdat het nodig is, nu.")
    endorsement_id = (await endorsement_row(h, person) or {})["id"]
    card = await h.tap(person, f"endv:mine:{endorsement_id}")
    assert texts(card)[0].count("waiting for the pact team's review") == 1
    assert card[-1].button_data == [f"end:edit:{endorsement_id}", f"endv:withdraw:{endorsement_id}"]
    h.clock.current = DEADLINE + dt.timedelta(seconds=1)
    card = await h.press(person, f"endv:mine:{endorsement_id}")
    assert "Endorsing closed on" in texts(card)[0] and card[-1].button_data == []
    forged = await h.press(person, f"end:edit:{endorsement_id}")
    assert "closed" in alerts(forged)[0]
    forged = await h.press(person, f"endv:withdrawn:{endorsement_id}")
    assert "closed" in alerts(forged)[0]
    assert (await endorsement_row(h, person) or {})["state"] == "submitted"


# -- one per person, one per organisation; edit and withdraw ----------------------------------


async def test_a_second_try_opens_the_existing_endorsement(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(616, "en", "Lena")
    await endorse(h, person, campaign_id, "Omdat het nodig is, nu.")
    [campaign] = to(person, await h.send(person, "/endorse"))
    assert f"end:start:{campaign_id}" not in campaign.button_data, "no second endorsement"
    # A forged or old Endorse button opens the one that exists, at its review.
    h.clock.advance(minutes=5)
    calls = await h.press(person, f"end:start:{campaign_id}")
    assert "Omdat het nodig is, nu." in texts(calls)[-1]
    await h.tap(person, "end:edit:consents")
    await h.tap(person, "end:consent:notify")
    await h.tap(person, "end:consent:")
    await h.tap(person, "end:ok:")
    rows = await h.application.services.db.fetchall(
        "SELECT consent_notify, consent_notify_at, consent_name_at FROM endorsement"
    )
    assert len(rows) == 1
    assert rows[0]["consent_notify"] == 0
    # Each consent keeps the moment it was given or taken back.
    assert rows[0]["consent_name_at"] == "2026-11-23T09:00:00+00:00"
    assert rows[0]["consent_notify_at"] == "2026-11-23T09:05:00+00:00"


async def test_one_endorsement_per_organisation_whoever_writes_it(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    first = Person(617, "en", "Lena")
    colleague = Person(618, "en", "Tom")
    await register(h, first, "Vzw De Brug")
    await add_colleague(h, first, colleague)
    await endorse(h, first, campaign_id, "Wij doen mee, van harte.", on_behalf=True)
    await h.send(colleague, "/endorse")
    await h.tap(colleague, f"end:start:{campaign_id}")
    calls = await h.tap(colleague, "end:who:organisation")
    assert alerts(calls) == ["Lena endorsed already on behalf of your organisation."]
    # Personally they still can.
    await h.tap(colleague, "end:who:me")
    assert "The name to publish?" in h.last_text(colleague)


async def test_withdrawing_asks_first_and_can_be_kept(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(619, "en", "Lena")
    await endorse(h, person, campaign_id, "Omdat het nodig is, nu.")
    endorsement_id = (await endorsement_row(h, person) or {})["id"]
    await h.tap(person, f"endv:mine:{endorsement_id}")
    question = await h.tap(person, f"endv:withdraw:{endorsement_id}")
    assert texts(question)[0].startswith("Withdraw your endorsement of")
    await h.tap(person, f"endv:mine:{endorsement_id}")  # No, keep it
    assert (await endorsement_row(h, person) or {})["state"] == "submitted"
    await h.tap(person, f"endv:withdraw:{endorsement_id}")
    await h.tap(person, f"endv:withdrawn:{endorsement_id}")
    assert (await endorsement_row(h, person) or {})["state"] == "withdrawn"
    # Withdrawn, it can be endorsed anew.
    [campaign] = to(person, await h.send(person, "/endorse"))
    assert f"end:start:{campaign_id}" in campaign.button_data


# -- forged buttons and the team's commands ------------------------------------------------------


async def test_forged_campaign_organisation_and_endorsement_ids_are_refused(
    harness: Harness,
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    draft_id = await open_campaign(h, TEAM, title="Nog een ontwerp", open_it=False)
    author = Person(620, "en", "Lena")
    stranger = Person(621, "en", "Tom")
    await endorse(h, author, campaign_id, "Omdat het nodig is, nu.")
    endorsement_id = (await endorsement_row(h, author) or {})["id"]
    for data in (
        "end:start:999",
        f"end:start:{draft_id}",
        f"endv:open:{draft_id}",
        f"endv:mine:{endorsement_id}",
        f"endv:withdrawn:{endorsement_id}",
        f"end:edit:{endorsement_id}",
        "endv:mine:99999999999999999999999",
        f"cmpv:open:{campaign_id}",
        f"cmpv:public:{campaign_id}",
        f"mod:ok:{endorsement_id}",
        f"pub:start:{campaign_id}",
    ):
        calls = await h.press(stranger, data)
        assert alerts(calls)[0], data
        assert not [c for c in calls if c.method == "sendDocument"], data
    # Someone without an organisation cannot endorse on behalf of one, even by a forged press.
    await h.send(stranger, "/endorse")
    await h.tap(stranger, f"end:start:{campaign_id}")
    calls = await h.press(stranger, "end:who:organisation", message_id=h.request._next_message_id)
    assert alerts(calls)[0]
    assert (await endorsement_row(h, author) or {})["state"] == "submitted"
    assert await h.application.services.db.fetchval("SELECT count(*) FROM endorsement") == 1


@pytest.mark.parametrize("command", ["/campaigns", "/moderate"])
async def test_the_team_commands_are_the_teams(harness: Harness, command: str) -> None:
    person = Person(622, "en")
    [text] = texts(await harness.send(person, command))
    assert "pact team" in text
    before = await harness.application.services.db.fetchval("SELECT count(*) FROM audit_log")
    assert before == 0


# -- moderation ----------------------------------------------------------------------------------


async def test_two_moderators_deciding_the_same_paragraph(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    other = Person(623, "en", "Mo")
    await h.application.services.team.add(OWNER_ID, other.id)
    author = Person(624, "fr", "Lena")
    await endorse(h, author, campaign_id, "Parce que nous y croyons.")
    endorsement_id = (await endorsement_row(h, author) or {})["id"]
    await h.send(TEAM, "/moderate")
    await h.send(other, "/moderate")
    await h.tap(other, f"mod:no:{endorsement_id}")  # the reasons are shown to Mo
    await h.tap(TEAM, f"mod:ok:{endorsement_id}")
    calls = await h.tap(other, f"mod:why:{endorsement_id}.offensive")
    assert alerts(calls) == ["This paragraph was decided already, or changed meanwhile."]
    # Decided already: "Not approved" asks no reasons, "Another reason…" asks nothing.
    calls = await h.press(other, f"mod:no:{endorsement_id}")
    assert alerts(calls) == ["This paragraph was decided already, or changed meanwhile."]
    assert not [t for t in texts(calls) if "Why is it not approved" in t]
    calls = await h.press(other, f"rej:start:{endorsement_id}")
    assert alerts(calls) == ["This paragraph was decided already, or changed meanwhile."]
    assert texts(calls) == []
    assert (await endorsement_row(h, author) or {})["state"] == "approved"
    told = to(author, await h.dispatch())
    assert len(told) == 1
    actions = await h.application.services.db.fetchall(
        "SELECT actor_id, action FROM audit_log WHERE action LIKE 'endorsement.%'"
    )
    assert [tuple(r) for r in actions] == [(OWNER_ID, "endorsement.approve")]


async def test_a_written_reason_reaches_the_author_as_written(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    author = Person(625, "en", "Lena")
    await endorse(h, author, campaign_id, "Omdat het nodig is, nu.")
    endorsement_id = (await endorsement_row(h, author) or {})["id"]
    await h.send(TEAM, "/moderate")
    await h.tap(TEAM, f"mod:no:{endorsement_id}")
    await h.tap(TEAM, f"rej:start:{endorsement_id}")
    [refusal] = notes(await h.send(TEAM, "x"))
    assert "3" in refusal
    await h.send(TEAM, "Please leave out the <names> of colleagues.")
    row = await endorsement_row(h, author)
    assert row is not None and row["state"] == "rejected"
    [told] = to(author, await h.dispatch())
    assert "Please leave out the &lt;names&gt; of colleagues." in told.text
    assert h.telegram_refusals() == []


# -- reminders ------------------------------------------------------------------------------------


async def test_reminders_go_only_while_unfinished_and_stop_on_request(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    waits = Person(626, "en", "Lena")
    stops = Person(627, "en", "Tom")
    for person in (waits, stops):
        await h.send(person, "/endorse")
        await h.tap(person, f"end:start:{campaign_id}")
    assert to(waits, await h.dispatch()) == [], "nothing before it is due"
    h.clock.current = DEADLINE - dt.timedelta(hours=72)
    sent = await h.dispatch()
    assert len(to(waits, sent)) == 1 and len(to(stops, sent)) == 1
    assert "closes in 3 days" in to(waits, sent)[0].text
    calls = await h.tap(stops, f"endv:stop:{campaign_id}")
    assert texts(calls) == ["No more reminders about this text."]
    h.clock.current = DEADLINE - dt.timedelta(hours=24)
    sent = await h.dispatch()
    assert len(to(waits, sent)) == 1 and to(stops, sent) == []
    h.clock.current = DEADLINE - dt.timedelta(hours=2)
    await h.application.services.endorsements.submit(
        waits.id,
        campaign_id,
        EndorsementDraft(None, "Lena Janssens", "Omdat het nodig is, nu.", True, True, True),
    )
    assert to(waits, await h.dispatch()) == [], "confirmed: no more reminders"
    h.clock.current = DEADLINE + dt.timedelta(days=1)
    assert await h.dispatch() == []


async def test_reminders_survive_a_restart(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(628, "nl", "Lena")
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    await h.restart()
    h.clock.current = DEADLINE - dt.timedelta(hours=2)
    sent = to(person, await h.dispatch())
    assert len(sent) == 1, "the 72 h and 24 h reminders collapse into the latest"


# -- a restart while writing -----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["restart", "kill"])
async def test_a_restart_in_the_middle_of_the_paragraph_loses_nothing(
    harness: Harness, how: str
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(629, "en", "Lena")
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    await h.send(person, "Lena Janssens")
    if how == "kill":
        await h.kill()
        await h.start()
    else:
        await h.restart()
    await h.send(person, "Omdat het nodig is, nu.")
    await h.tap(person, "end:consent:name")
    await h.tap(person, "end:consent:")
    await h.tap(person, "end:ok:")
    row = await endorsement_row(h, person)
    assert row is not None and row["published_name"] == "Lena Janssens"
    assert (row["consent_name"], row["consent_paragraph"], row["consent_notify"]) == (1, 0, 0)


# -- the public export honours every combination of the consents --------------------------------


async def test_the_public_export_honours_every_combination_of_consents(harness: Harness) -> None:
    h = harness
    services = h.application.services
    campaign_id = await open_campaign(h, TEAM)
    combinations = list(itertools.product((False, True), repeat=3))
    expected = []
    for n, (name, paragraph, notify) in enumerate(combinations):
        person_id = 700 + n
        for on_behalf in (False, True):
            organisation = None
            if on_behalf:
                await register(h, Person(person_id, "en"), f"Organisatie {n}")
                organisation = await services.organisations.of_contact(person_id)
                assert organisation is not None
            text = f"Paragraaf {n} {'org' if on_behalf else 'zelf'}"
            await services.endorsements.start(person_id, campaign_id)
            await services.endorsements.submit(
                person_id,
                campaign_id,
                EndorsementDraft(
                    organisation.id if organisation else None,
                    f"Persoon {n}",
                    text,
                    name,
                    paragraph,
                    notify,
                ),
            )
            row = [
                f"Persoon {n}" if name else "",
                organisation.name if organisation else "",
                text if paragraph else "",
            ]
            if any(row):
                expected.append(row)
    waiting, _ = await services.campaigns.waiting(OWNER_ID)
    while waiting is not None:
        await services.campaigns.decide(OWNER_ID, waiting.id, approve=True)
        waiting, _ = await services.campaigns.waiting(OWNER_ID)
    public = csv_rows(await export(h, campaign_id, "public"))
    assert sorted(public[1:]) == sorted(expected)
    assert len(public[1:]) == 8 + 6, "every organisation; people who allowed a name or paragraph"
    internal = csv_rows(await export(h, campaign_id, "internal"))
    assert len(internal) == 1 + 16
    audit = await services.db.fetchall(
        "SELECT detail FROM audit_log WHERE action = 'campaign.export'"
    )
    assert [json.loads(r["detail"])["export"] for r in audit] == ["public", "internal"]


# -- a long text, the link, the figures, privacy ------------------------------------------------


async def test_a_long_text_comes_in_parts_or_as_a_file_and_is_shown_split(
    harness: Harness,
) -> None:
    h = harness
    paragraphs = [
        f"Paragraaf {n}. " + ("Wij engageren ons voor integratie. " * 30).strip() for n in range(12)
    ]
    dutch = "\n\n".join(paragraphs)  # 12,766 characters: more than three messages
    await h.send(TEAM, "/campaigns")
    await h.tap(TEAM, "cmp:start:")
    await h.send(TEAM, "Een lang advies")
    await h.tap(TEAM, "cmp:skip:")
    await h.tap(TEAM, "cmp:skip:")
    for first in range(0, 12, 3):  # as a person sends it: in messages Telegram allows
        await h.send(TEAM, "\n\n".join(paragraphs[first : first + 3]))
    assert f"Received so far: {len(dutch):,} characters." in h.last_text(TEAM)
    await h.tap(TEAM, "cmp:text:nl")
    # French comes as a file; a file of another kind is refused with what fits.
    [refusal] = notes(await h.upload(TEAM, "advies.pdf", b"%PDF-1.4"))
    assert refusal == "Send the text as a message, or as a .txt or .md file of at most 250 KB."
    [refusal] = notes(await h.upload(TEAM, "avis.txt", "Avis".encode("utf-16")))
    assert refusal.startswith("That file is not plain text in UTF-8.")
    french = "\n\n".join(p.replace("Wij engageren ons", "Nous nous engageons") for p in paragraphs)
    await h.upload(TEAM, "avis.md", french.encode("utf-8-sig"))
    await h.tap(TEAM, "cmp:text:fr")
    await h.tap(TEAM, "cmp:skip:")
    await h.send(TEAM, "10/12/2026 17:00")
    await h.tap(TEAM, "cmp:caps:keep")
    await h.tap(TEAM, "cmp:ok:")
    stored = await h.application.services.db.fetchall(
        "SELECT locale, body FROM campaign_text ORDER BY locale"
    )
    assert {r["locale"]: r["body"] for r in stored} == {"fr": french.strip(), "nl": dutch.strip()}
    campaign_id = await h.application.services.db.fetchval("SELECT id FROM campaign")
    await h.tap(TEAM, f"cmpv:openask:{campaign_id}")
    await h.tap(TEAM, f"cmpv:openok:{campaign_id}")

    reader = Person(630, "fr", "Lena")
    shown = to(reader, await h.send(reader, "/endorse"))
    assert len(shown) == 4
    assert all(len(c.text) <= 4096 for c in shown)
    # Split at paragraph boundaries: every paragraph whole in one message, none lost.
    body = "\n\n".join(c.text for c in shown)
    for paragraph in french.split("\n\n"):
        assert sum(paragraph.strip() in c.text for c in shown) == 1
    assert body.index("Paragraaf 11") > body.index("Paragraaf 10")
    assert shown[-1].button_data == [f"end:start:{campaign_id}"]
    assert h.telegram_refusals() == []


async def test_the_deep_link_opens_the_campaign_for_anyone(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    card = h.last_text(TEAM)
    code = card.rsplit("start=endorse_", 1)[1].split()[0]
    newcomer = Person(631, None, "Lena")
    [text] = texts(await h.send(newcomer, f"/start endorse_{code}"))
    assert text.startswith("<b>Samen sterker</b>\n\nIntegratie is een gedeelde")
    assert h.buttons(newcomer) == [f"end:start:{campaign_id}"]
    [text] = texts(await h.send(newcomer, "/start endorse_nope"))
    assert text == "Deze link is niet (meer) geldig."
    draft = await open_campaign(h, TEAM, title="Ontwerp", open_it=False)
    draft_code = await h.application.services.db.fetchval(
        "SELECT code FROM campaign WHERE id = ?", (draft,)
    )
    [text] = texts(await h.send(newcomer, f"/start endorse_{draft_code}"))
    assert text == "Deze link is niet (meer) geldig.", "a draft is nobody's to see"


async def test_the_figures_on_the_card_and_in_stats(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    contact = Person(632, "en", "Lena")
    await register(h, contact, "Vzw De Brug")
    await endorse(h, contact, campaign_id, "Wij doen mee, van harte.", on_behalf=True)
    await endorse(h, Person(633, "en", "Tom"), campaign_id, "Omdat het nodig is, nu.")
    await moderate(h, approve=True)
    await h.send(TEAM, "/campaigns")
    card = texts(await h.tap(TEAM, f"cmpv:open:{campaign_id}"))[0]
    assert "Endorsements: 2 (1 personal, 1 on behalf of organisations)" in card
    assert "1 approved, 1 waiting for review, 0 not approved" in card
    assert "On behalf of organisations, per sector:\n• Education and training: 1" in card
    stats = texts(await h.send(TEAM, "/stats"))[0]
    assert "<b>Samen sterker</b>\nEndorsements: 2 (1 personal, 1 on behalf" in stats


async def test_mydata_and_forget_cover_endorsements(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(634, "en", "Lena")
    await endorse(h, person, campaign_id, "Omdat het nodig is, nu.", name="Lena Janssens")
    [call] = await h.send(person, "/mydata")
    data = json.loads(call.files["document"])["data"]
    [mine] = data["endorsement"]
    assert mine["paragraph"] == "Omdat het nodig is, nu." and mine["consent_name_at"]
    assert data["endorsement_start"][0]["campaign_id"] == campaign_id
    await moderate(h, approve=True)
    await h.send(person, "/forget")
    await h.tap(person, "privacy:forget:yes")
    db = h.application.services.db
    assert await db.fetchval("SELECT count(*) FROM endorsement") == 0
    assert await db.fetchval("SELECT count(*) FROM endorsement_start") == 0
    assert await db.fetchval("SELECT count(*) FROM campaign") == 1, "the team's stays"


# -- what a person is told is what happened ------------------------------------------------------


async def test_who_confirmed_then_withdrew_gets_no_reminder_and_sees_nothing_published(
    harness: Harness,
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(640, "nl", "Wout")
    await endorse(h, person, campaign_id, "Omdat het klopt.")
    endorsement_id = (await endorsement_row(h, person) or {})["id"]
    await h.send(person, "/endorse")
    await h.tap(person, f"endv:mine:{endorsement_id}")
    await h.tap(person, f"end:edit:{endorsement_id}")  # changes it, and confirms again
    await h.tap(person, "end:edit:paragraph")
    await h.send(person, "Omdat het echt klopt.")
    await h.tap(person, "end:ok:")
    await h.send(person, "/endorse")
    await h.tap(person, f"endv:mine:{endorsement_id}")
    await h.tap(person, f"endv:withdraw:{endorsement_id}")
    card = texts(await h.tap(person, f"endv:withdrawn:{endorsement_id}"))[-1]
    assert "Wat gepubliceerd wordt" not in card and "Omdat het echt klopt." not in card
    assert "Er wordt niets van gepubliceerd." in card
    for hours in (72, 24, 2):
        h.clock.current = DEADLINE - dt.timedelta(hours=hours)
        assert to(person, await h.dispatch()) == [], f"no reminder {hours} h before"


async def test_a_paragraph_kept_unpublished_is_not_moderated(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(641, "en", "Ann")
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    await h.tap(person, "end:name:telegram")
    await h.send(person, "Because we mean it.")
    review = texts(await h.tap(person, "end:consent:"))[-1]  # name only: no paragraph
    assert "Your paragraph will not be published." in review
    assert "reads every paragraph" not in review
    await h.tap(person, "end:ok:")
    assert (await endorsement_row(h, person) or {})["state"] == "approved"
    assert "No paragraphs are waiting" in texts(await h.send(TEAM, "/moderate"))[0]


async def test_moderation_passes_one_by_and_publishing_warns_of_those_waiting(
    harness: Harness,
) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    first, second = Person(642, "nl", "Eva"), Person(643, "nl", "Bas")
    await endorse(h, first, campaign_id, "Een moeilijk geval.")
    await endorse(h, second, campaign_id, "Een duidelijk geval.")
    ids = [(await endorsement_row(h, p) or {})["id"] for p in (first, second)]
    await h.send(TEAM, "/moderate")
    calls = await h.tap(TEAM, f"mod:later:{ids[0]}")  # the hard one waits; the next comes
    assert "Een duidelijk geval." in texts(calls)[-1]
    await h.tap(TEAM, f"mod:ok:{ids[1]}")
    shown = texts(await h.send(TEAM, "/moderate"))[-1]
    assert "Een moeilijk geval." in shown  # still waiting, first again
    h.clock.current = DEADLINE + dt.timedelta(hours=1)
    await h.send(TEAM, "/campaigns")
    await h.tap(TEAM, f"cmpv:open:{campaign_id}")
    await h.tap(TEAM, f"pub:start:{campaign_id}")
    question = texts(await h.send(TEAM, "De Standaard, 12 december"))[-1]
    assert "⚠️ 1 paragraph still waits for review: it is not in the published list" in question


async def test_each_language_reads_its_own_campaign_title(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM, titles=("Plus forts ensemble", "Stronger together"))
    readers = {"nl": "Samen sterker", "fr": "Plus forts ensemble", "en": "Stronger together"}
    for n, (locale, title) in enumerate(readers.items()):
        person = Person(650 + n, locale)
        await endorse(h, person, campaign_id, "Omdat het klopt, zeker weten.")
        assert f"<b>{title}</b>" in h.last_text(person), locale


async def test_the_published_opinion_speaks_the_bots_words(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    await endorse(h, Person(660, "nl", "Mia"), campaign_id, "Wij doen mee.", ("paragraph",))
    await moderate(h, approve=True)
    nl_team = Person(OWNER_ID, "nl")
    await h.send(nl_team, "/language")
    await h.tap(nl_team, "lang:set:nl")
    document = await export(h, campaign_id, "opinion")
    page = document.files["document"].decode("utf-8")
    assert "<h2>Onderschreven door</h2>" in page and "<h2>Waarom ze het onderschrijven</h2>" in page
    assert "<footer>een onderschrijver</footer>" in page
