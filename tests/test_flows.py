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
