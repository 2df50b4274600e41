"""/register, /invite, joining, and asking to join an existing organisation."""

from __future__ import annotations

import re

from tests.flows import EDUCATION, register
from tests.harness import Harness, Person, alerts, notes, texts


async def _org_count(h: Harness) -> int:
    return int(await h.application.services.db.fetchval("SELECT count(*) FROM organisation"))


async def test_register_with_website_and_description_after_review(harness: Harness) -> None:
    person = Person(710, "en")
    await harness.send(person, "/register")
    assert harness.last_text(person).startswith("What is the name of your organisation?")
    await harness.send(person, "Atelier Samen")
    await harness.tap(person, "reg:sector:3")
    # Name and sector are enough; website and description are added from the review.
    review = harness.last_text(person)
    assert review.startswith("<b>Check and confirm</b>")  # the review says it; no "✓" above
    await harness.tap(person, "reg:edit:website")
    bad = notes(await harness.send(person, "not a website"))
    assert bad == ["That is not a web address. Send one like www.example.be, or press Skip."]
    await harness.send(person, "www.samen.be")
    await harness.tap(person, "reg:edit:description")
    await harness.send(person, "Neighbourhood workshops <for> everyone")
    review = harness.last_text(person)
    assert "Name: Atelier Samen" in review
    assert "Website: https://www.samen.be" in review
    assert "Neighbourhood workshops &lt;for&gt; everyone" in review
    # Change the name from the review, and come back to it.
    await harness.tap(person, "reg:edit:name")
    await harness.send(person, "Atelier Samen Gent")
    assert "Name: Atelier Samen Gent" in harness.last_text(person)
    await harness.tap(person, "reg:ok:")
    row = await harness.application.services.db.fetchone(
        "SELECT o.name, o.sector_id, o.website, c.display_name FROM organisation o"
        " JOIN contact c ON c.organisation_id = o.id WHERE c.person_id = 710"
    )
    assert row is not None
    assert tuple(row) == ("Atelier Samen Gent", 3, "https://www.samen.be", "Test")


async def test_a_contact_who_registers_again_sees_their_organisation(harness: Harness) -> None:
    person = Person(711, "nl")
    await register(harness, person, "Vzw Kompas")
    calls = await harness.send(person, "/register")
    assert texts(calls)[0].startswith("Je bent al contactpersoon van deze organisatie:")
    assert "Vzw Kompas" in texts(calls)[0]
    assert await _org_count(harness) == 1
    assert texts(await harness.send(person, "Iets anders")) == [
        "Ik had niets gevraagd. Typ /help om te zien wat ik kan."
    ]


async def test_a_similar_name_offers_to_ask_to_join(harness: Harness) -> None:
    founder, newcomer = Person(712, "nl"), Person(713, "en")
    await register(harness, founder, "Vzw Dé  Brug")
    await harness.send(newcomer, "/register")
    calls = await harness.send(newcomer, "vzw de brug")
    assert "An organisation called Vzw Dé Brug is registered already." in texts(calls)[0]
    assert calls[0].button_data[:2] == ["reg:join:", "reg:other:"]

    calls = await harness.tap(newcomer, "reg:join:")
    assert [c for c in calls if c.chat_id == founder.id] == []  # queued in the outbox
    await harness.restart()  # and the bot goes down before sending it: nothing is lost
    [request] = [c for c in await harness.dispatch() if c.chat_id == founder.id]
    assert request.text == "Test vraagt om contactpersoon te worden van Vzw Dé Brug."
    request_id = request.button_data[0].rsplit(":", 1)[1]
    assert request.button_data == [f"org:accept:{request_id}", f"org:decline:{request_id}"]
    # Nobody but a contact of that organisation may answer.
    assert alerts(await harness.press(newcomer, f"org:accept:{request_id}")) == [
        "This button is no longer valid."
    ]
    await harness.tap(founder, f"org:accept:{request_id}")
    [told] = [c for c in await harness.dispatch() if c.chat_id == newcomer.id]
    assert told.text.startswith("You are now a contact of Vzw Dé Brug.")
    assert await _org_count(harness) == 1
    # Answering twice (a second press before the message changed) is refused.
    assert request.message_id is not None
    assert alerts(await harness.press(founder, f"org:accept:{request_id}", request.message_id)) == [
        "Een andere contactpersoon heeft dit verzoek al beantwoord."
    ]


async def test_a_similar_name_that_is_another_organisation(harness: Harness) -> None:
    await register(harness, Person(714, "en"), "De Brug")
    other = Person(715, "en")
    await harness.send(other, "/register")
    await harness.send(other, "DE BRUG")
    await harness.tap(other, "reg:other:")
    assert harness.last_text(other).startswith(
        "✓ No, mine is another organisation\n\nIn which sector"
    )
    await harness.tap(other, f"reg:sector:{EDUCATION}")
    await harness.tap(other, "reg:ok:")
    assert await _org_count(harness) == 2


async def test_invites_work_once_and_expire(harness: Harness) -> None:
    contact = Person(716, "en")
    await register(harness, contact, "Huis van het Kind")
    link = texts(await harness.send(contact, "/invite"))[0]
    assert "https://t.me/pactbot_test_bot?start=join_" in link
    code = re.search(r"join_([\w-]+)", link).group(1)  # type: ignore[union-attr]

    first, second = Person(717, "fr"), Person(718, "nl")
    await harness.send(first, f"/start join_{code}")
    await harness.tap(first, f"org:join:{code}")
    assert harness.last_text(first).startswith("Vous êtes maintenant contact de Huis van het Kind.")
    calls = await harness.send(second, f"/start join_{code}")
    assert texts(calls) == [
        "Deze uitnodigingslink werd al gebruikt. Vraag je collega om een nieuwe."
    ]

    other = texts(await harness.send(contact, "/invite"))[0]
    late = re.search(r"join_([\w-]+)", other).group(1)  # type: ignore[union-attr]
    harness.clock.advance(days=8)
    assert texts(await harness.send(second, f"/start join_{late}")) == [
        "Deze uitnodigingslink is verlopen. Vraag je collega om een nieuwe."
    ]
    assert texts(await harness.send(second, "/start join_doesnotexist")) == [
        "Deze uitnodigingslink is niet geldig. Vraag je collega om een nieuwe."
    ]


async def test_only_a_contact_can_invite(harness: Harness) -> None:
    assert texts(await harness.send(Person(719, "en"), "/invite")) == [
        "You are not a contact of an organisation yet. Register one with /register."
    ]


async def test_cancel_in_the_middle_saves_nothing(harness: Harness) -> None:
    person = Person(720, "fr")
    await harness.send(person, "/register")
    await harness.send(person, "Maison des Jeunes")
    assert texts(await harness.send(person, "/cancel")) == ["Arrêté. Rien n'a été enregistré."]
    assert await _org_count(harness) == 0
    assert texts(await harness.send(person, "/cancel")) == ["Il n'y a rien à annuler."]


async def test_a_name_too_long_is_refused_and_the_question_stays(harness: Harness) -> None:
    person = Person(721, "en")
    await harness.send(person, "/register")
    calls = await harness.send(person, "x" * 121)
    assert notes(calls) == [
        "This is too long: at most 120 characters, yours has 121. Shorten it and send it again."
    ]
    await harness.send(person, "Short Name")
    assert harness.last_text(person).startswith("In which sector")


async def test_the_public_page_is_asked_once_after_the_first_intention(harness: Harness) -> None:
    from tests.flows import record_intention

    contact = Person(720, "en")
    await register(harness, contact, "Vzw Openbaar")
    await record_intention(harness, contact, "Language café")
    asked = harness.last_text(contact)
    assert asked.startswith("Show your organisation's intentions and their progress")
    assert harness.buttons(contact)[:2] == ["org:public:yes", "org:public:no"]
    db = harness.application.services.db
    assert await db.fetchval("SELECT public FROM organisation WHERE name = 'Vzw Openbaar'") is None
    calls = await harness.tap(contact, "org:public:yes")
    assert "on the pact's public page from now on" in texts(calls)[-1]
    assert await db.fetchval("SELECT public FROM organisation WHERE name = 'Vzw Openbaar'") == 1
    await record_intention(harness, contact, "Homework club")
    assert not harness.last_text(contact).startswith("Show your organisation")  # once only
    # The organisation's card says it and changes it; the team's card says it too.
    card = texts(await harness.send(contact, "/register"))[-1]
    assert "On the pact's public page since 23/11/2026." in card
    await harness.tap(contact, "org:public:no")
    assert await db.fetchval("SELECT public FROM organisation WHERE name = 'Vzw Openbaar'") == 0
    organisation_id = await db.fetchval("SELECT id FROM organisation WHERE name = 'Vzw Openbaar'")
    team_card = texts(await harness.press(Person(1, "en"), f"to:open:{organisation_id}.0.0.-.-"))
    assert "Not on the pact's public page." in team_card[-1]
    # Someone who is no contact cannot press it.
    calls = await harness.press(Person(721, "en"), "org:public:yes")
    assert alerts(calls) == ["You are not a contact of an organisation yet."]
