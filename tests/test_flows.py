"""The one handler behind every flow: what it takes, and what it leaves to others."""

from __future__ import annotations

from typing import Any

from tests.flows import register
from tests.harness import Harness, Person, alerts, notes, texts


def _edit(harness: Harness, person: Person, text: str) -> dict[str, Any]:
    return {
        "edited_message": {
            "message_id": 1,
            "date": int(harness.clock.now().timestamp()),
            "edit_date": int(harness.clock.now().timestamp()),
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": person.as_user(),
            "text": text,
        }
    }


async def test_another_command_in_the_middle_leaves_the_flow_waiting(harness: Harness) -> None:
    person = Person(560, "en")
    await register(harness, person, "Vzw Wachten")
    await harness.send(person, "/intention")
    await harness.send(person, "Reading club")
    assert "/help" in texts(await harness.send(person, "/help"))[0]
    # The flow still waits for the description, with the title kept.
    calls = await harness.send(person, "Weekly reading club in the library.")
    assert calls[-1].button_data[0].startswith("int:lever:")
    assert harness.application.user_data[person.id]["draft"]["title"] == "Reading club"


async def test_a_new_flow_ends_the_one_before(harness: Harness) -> None:
    person = Person(561, "en")
    await register(harness, person, "Vzw Eerst")
    await harness.send(person, "/intention")
    await harness.send(person, "Reading club")
    await harness.send(person, "Weekly reading club in the library.")
    old_question = harness.request.messages(chat_id=person.id)[-1]
    assert old_question.message_id is not None
    await harness.send(person, "/register")
    # /register shows the organisation this person already has and ends there; the
    # intention's draft is gone and its buttons are refused.
    assert harness.application.user_data[person.id].get("flow") is None
    calls = await harness.press(person, old_question.button_data[0], old_question.message_id)
    assert alerts(calls) == ["This button is no longer valid."]
    assert texts(await harness.send(person, "Education")) == [
        "I did not ask anything. Type /help to see what I can do."
    ]


async def test_an_edited_answer_changes_nothing_and_gets_no_reply(harness: Harness) -> None:
    person = Person(562, "en")
    await register(harness, person, "Vzw Bewerkt")
    await harness.send(person, "/intention")
    await harness.send(person, "Reading club")
    assert await harness.process(_edit(harness, person, "Something else")) == []
    assert harness.application.user_data[person.id]["draft"]["title"] == "Reading club"


async def test_a_command_for_another_bot_does_not_start_a_flow(harness: Harness) -> None:
    person = Person(563, "en")
    await register(harness, person, "Vzw Elders")
    calls = await harness.send(person, "/intention@some_other_bot")
    assert texts(calls) == ["I do not know that command. Type /help to see what I can do."]
    assert harness.application.user_data[person.id].get("flow") is None
    calls = await harness.send(person, "/intention@pactbot_test_bot")
    assert harness.application.user_data[person.id]["flow"] == "int"
    assert "title" in texts(calls)[0].lower()


def _photo(harness: Harness, person: Person) -> dict[str, Any]:
    return {
        "message": {
            "message_id": 2,
            "date": int(harness.clock.now().timestamp()),
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": person.as_user(),
            "photo": [{"file_id": "p", "file_unique_id": "p", "width": 90, "height": 90}],
        }
    }


async def test_a_photo_instead_of_an_answer_says_what_is_expected(harness: Harness) -> None:
    person = Person(564, "nl")
    await register(harness, person, "Vzw Foto")
    await harness.send(person, "/intention")
    assert notes(await harness.process(_photo(harness, person))) == ["Stuur je antwoord als tekst."]
    await harness.send(person, "Fotozoektocht")
    await harness.send(person, "Een fotozoektocht door de buurt.")
    # The sector question has only buttons.
    assert notes(await harness.process(_photo(harness, person))) == [
        "Gebruik de knoppen hieronder."
    ]
    assert harness.application.user_data[person.id]["draft"]["title"] == "Fotozoektocht"


async def test_flow_names_prefixes_and_commands_must_be_unique(harness: Harness) -> None:
    import pytest

    from handlers.kit.flow import Flow, Flows, Step, ask

    async def begin(*_: object) -> None:
        return None

    def flow(name: str, command: str | None = None) -> Flow:
        return Flow(name, [Step("a", ask("?"))], begin, begin, command=command)

    app = harness.application
    with pytest.raises(ValueError, match="unique"):
        Flows(app, [flow("x"), flow("x")])
    with pytest.raises(ValueError, match="unique"):
        Flows(app, [flow("mine")], taken={"mine": None})  # a prefix routed elsewhere
    with pytest.raises(ValueError, match="unique"):
        Flows(app, [flow("a", "go"), flow("b", "go")])


# -- what a question says is true ------------------------------------------------------------------

HINT = "(/cancel stops without saving)"


async def test_the_way_out_is_said_while_a_question_waits_and_goes_once_answered(
    harness: Harness,
) -> None:
    person = Person(590, "en")
    await harness.send(person, "/register")
    question = texts(await harness.send(person, "Vzw Uitweg"))[-1]  # the sector, with buttons
    assert question.endswith(f"<i>{HINT}</i>")
    review = [c for c in await harness.tap(person, "reg:sector:2") if c.method.startswith("edit")]
    assert review[-1].text.endswith(f"<i>{HINT}</i>")
    calls = await harness.tap(person, "reg:ok:")
    [saved] = [c for c in calls if c.message_id == review[-1].message_id]
    assert saved.retired and HINT not in saved.text and saved.buttons == []
    # Nothing left in the chat says /cancel would stop it.
    bottom = {c.message_id: c for c in harness.request.messages(person.id)}
    assert not [c for c in bottom.values() if HINT in c.text]


async def test_a_choice_closed_with_done_shows_what_was_chosen(harness: Harness) -> None:
    team = Person(1, "en")
    await harness.send(team, "/newsession")
    await harness.send(team, "Sector meeting")
    await harness.tap(team, "ns:sector:2")
    await harness.tap(team, "ns:sector:4")
    question = texts(await harness.tap(team, "ns:sector:done"))[-1]
    assert question.startswith("✓ Education and training, Housing\n\nWhen does it start?")
    assert "✓ Done" not in question


async def test_a_review_shows_no_answer_on_top_and_a_typed_change_comes_below_it(
    harness: Harness,
) -> None:
    person = Person(591, "nl")
    await harness.send(person, "/register")
    await harness.send(person, "Vzw Onder")
    review = texts(await harness.tap(person, "reg:sector:2"))[-1]
    assert review.startswith("<b>Controleer en bevestig</b>")
    [shown] = [c for c in harness.request.messages(person.id) if c.text == review]
    calls = await harness.tap(person, "reg:edit:website")
    question = [c for c in calls if c.method == "sendMessage"]
    assert len(question) == 1 and question[0].message_id != shown.message_id
    [kept] = [c for c in calls if c.message_id == shown.message_id]  # the review stays,
    assert kept.retired and kept.buttons == []  # without its buttons
    await harness.send(person, "www.onder.be")
    assert "https://www.onder.be" in harness.last_text(person)
    # Ticking tags and closing them with Done brings the review back without a "✓ Klaar".
    await harness.tap(person, "reg:ok:")
    await harness.send(person, "/intention")
    await harness.send(person, "Taalcafé")
    await harness.send(person, "Elke week een taalcafé in de bibliotheek.")
    await harness.tap(person, "int:lever:agency")
    await harness.send(person, "31/12/2027")
    await harness.tap(person, "int:indicator:none")
    await harness.tap(person, "int:edit:preconditions")
    await harness.tap(person, "int:preconditions:cooperation")
    review = texts(await harness.tap(person, "int:preconditions:"))[-1]
    assert review.startswith("<b>Controleer en bevestig</b>") and "✓" not in review.split("\n")[0]


async def test_durations_are_written_as_the_language_writes_them(harness: Harness) -> None:
    team = Person(1, "nl")
    await harness.send(team, "/newsession")
    await harness.send(team, "Sectoroverleg")
    await harness.tap(team, "ns:sector:2")
    await harness.tap(team, "ns:sector:done")
    await harness.send(team, "01/12/2026 14:30")
    labels = [label for row in harness.request.messages(team.id)[-1].buttons for label, _ in row]
    assert labels[:4] == ["1u", "1u30", "2u", "3u"]


async def test_the_team_is_offered_its_desk_not_a_registration(harness: Harness) -> None:
    await harness.send(Person(1, "en"), "/start")
    buttons = harness.buttons(Person(1, "en"))
    assert "adm:menu:" in buttons and "reg:start:" not in buttons
    await harness.send(Person(592, "en"), "/start")
    assert "reg:start:" in harness.buttons(Person(592, "en"))


async def test_a_review_without_indicators_says_so_in_french(harness: Harness) -> None:
    person = Person(593, "fr")
    await register(harness, person, "Asbl Sans")
    await harness.send(person, "/intention")
    await harness.send(person, "Café des langues")
    await harness.send(person, "Un café des langues chaque semaine à la bibliothèque.")
    await harness.tap(person, "int:lever:agency")
    await harness.send(person, "31/12/2027")
    review = texts(await harness.tap(person, "int:indicator:none"))[-1]
    assert "0 indicateur" not in review
    assert "Pas encore d'indicateur : ajoutez-en un pour mesurer les progrès." in review
