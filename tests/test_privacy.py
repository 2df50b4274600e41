"""/privacy, /mydata and /forget."""

from __future__ import annotations

import json

from bot.clock import to_db
from bot.storage import audit, privacy
from tests.conftest import OWNER_ID
from tests.harness import Harness, Person, texts


async def test_privacy_explains_what_is_stored(harness: Harness) -> None:
    [text] = texts(await harness.send(Person(520, "nl"), "/privacy"))
    assert text.startswith("<b>Je privacy</b>")
    assert "/mydata" in text and "/forget" in text


async def test_mydata_sends_everything_as_json(harness: Harness) -> None:
    person = Person(521, "fr")
    await harness.send(person, "/start")
    [call] = await harness.send(person, "/mydata")
    assert call.method == "sendDocument"
    assert call.text == "Tout ce que Pactbot conserve à votre sujet."
    export = json.loads(call.files["document"])
    assert export["telegram_user_id"] == 521
    assert export["data"]["person"][0]["locale"] == "fr"


async def test_forget_asks_first_and_keep_deletes_nothing(harness: Harness) -> None:
    person = Person(522, "en")
    await harness.send(person, "/start")
    calls = await harness.send(person, "/forget")
    assert calls[0].button_data == ["privacy:forget:yes", "privacy:forget:no"]
    assert texts(await harness.press(person, "privacy:forget:no")) == ["Nothing was deleted."]
    assert (
        await harness.application.services.db.fetchval("SELECT count(*) FROM person WHERE id = 522")
        == 1
    )


async def test_forget_leaves_nothing_of_the_person(harness: Harness) -> None:
    person = Person(523, "nl")
    db = harness.application.services.db
    await harness.send(person, "/start")
    await harness.send(Person(OWNER_ID, "en"), "/team add 523")
    async with db.transaction() as tx:
        await audit.record(tx, 523, "test.action", {"x": 1}, to_db(harness.clock.now()))
    harness.application.user_data[523]["draft"] = {"name": "Vzw Test"}
    await harness.send(person, "/help")
    await harness.application.update_persistence()  # as the bot does every second
    assert harness.application.persistence is not None
    await harness.application.persistence.flush()
    assert await db.fetchval("SELECT count(*) FROM conversation WHERE user_id = 523") == 1

    calls = await harness.press(person, "privacy:forget:yes")

    assert texts(calls) == [
        "Alles wat over jou bewaard werd, is gewist. Typ /start om terug te komen."
    ]
    left = await privacy.export(db.reader, 523)
    assert all(rows == [] for rows in left.values()), left
    assert 523 not in await harness.application.services.team.member_ids()
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'test.action'") == 1
    await harness.restart()
    assert 523 not in harness.application.user_data
    # Coming back starts from scratch, in the phone's language.
    assert "Bienvenue" in texts(await harness.send(Person(523, "fr"), "/start"))[0]
    assert (
        await harness.application.services.db.fetchval("SELECT locale FROM person WHERE id = 523")
        == "fr"
    )


async def test_every_table_holding_a_person_is_declared(harness: Harness) -> None:
    """A new table with a person column must be covered by /mydata and /forget."""
    db = harness.application.services.db
    declared = {(d.table, d.column) for d in privacy.declarations()}
    person_columns = {
        "person_id",
        "user_id",
        "actor_id",
        "author_id",
        "contact_id",
        "created_by",
        "used_by",
        "recipient_id",
    }
    tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for column in await db.fetchall(f"PRAGMA table_info({table})"):
            if column["name"] in person_columns:
                assert (table, column["name"]) in declared, f"{table}.{column['name']}"
    assert ("person", "id") in declared


async def test_forget_keeps_the_organisation_for_its_other_contacts(harness: Harness) -> None:
    from tests.flows import record_intention, register

    founder, colleague = Person(540, "en"), Person(541, "en")
    db = harness.application.services.db
    await register(harness, founder, "Vzw Blijft")
    link = texts(await harness.send(founder, "/invite"))[0]
    code = link.rsplit("join_", 1)[1]
    await harness.send(colleague, f"/start join_{code}")
    await harness.tap(colleague, f"org:join:{code}")
    await record_intention(harness, founder, "Stays on")

    mydata = json.loads((await harness.send(founder, "/mydata"))[0].files["document"])
    assert mydata["data"]["contact"][0]["display_name"] == "Test"
    assert mydata["data"]["intention"][0]["title"] == "Stays on"

    await harness.press(founder, "privacy:forget:yes")
    assert await db.fetchval("SELECT count(*) FROM organisation WHERE name = 'Vzw Blijft'") == 1
    assert await db.fetchval("SELECT created_by FROM intention WHERE title = 'Stays on'") is None
    assert await db.fetchval("SELECT count(*) FROM contact WHERE person_id = 540") == 0
    assert await db.fetchval("SELECT count(*) FROM intention_event WHERE author_id = 540") == 0
    left = await privacy.export(db.reader, 540)
    assert all(rows == [] for rows in left.values()), left

    # The last contact leaving takes the organisation and its intentions along.
    await harness.press(colleague, "privacy:forget:yes")
    assert await db.fetchval("SELECT count(*) FROM organisation") == 0
    assert await db.fetchval("SELECT count(*) FROM intention") == 0


async def test_forget_in_the_middle_of_a_flow_ends_it(harness: Harness) -> None:
    person = Person(542, "en")
    await harness.send(person, "/register")
    await harness.send(person, "Half-registered")
    await harness.send(person, "/forget")
    await harness.tap(person, "privacy:forget:yes")
    # The next text is not taken as an answer to the abandoned question.
    assert texts(await harness.send(person, "Education")) == [
        "I did not ask anything. Type /help to see what I can do."
    ]
    await harness.restart()
    assert texts(await harness.send(person, "Education")) == [
        "I did not ask anything. Type /help to see what I can do."
    ]
