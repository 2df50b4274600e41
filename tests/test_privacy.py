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
        "added_by",
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


async def test_forget_leaves_no_id_or_name_of_the_person_anywhere_in_the_file(
    harness: Harness,
) -> None:
    """Everything a person can leave behind, then /forget, then a look at every cell of
    every table and at the bytes of the database file and its log."""
    from tests.flows import log_progress, record_intention, register
    from tests.test_sessions import schedule

    name = "Zebedeus Quaxington"
    person = Person(5_551_234, "nl", name)
    colleague, newcomer = Person(5_551_235, "nl", "Colleague"), Person(5_551_236, "en", "New")
    team = Person(OWNER_ID, "en")
    await register(harness, person, "Vzw Spoor")
    code = texts(await harness.send(person, "/invite"))[0].rsplit("join_", 1)[1]
    await harness.send(colleague, f"/start join_{code}")
    await harness.tap(colleague, f"org:join:{code}")
    await record_intention(harness, person, "Spoorzoeken")
    intention_id = await harness.application.services.db.fetchval("SELECT id FROM intention")
    await log_progress(harness, person, intention_id, "Tien sporen gevonden.", "4")
    await harness.send(newcomer, "/register")
    await harness.send(newcomer, "vzw spoor")
    await harness.tap(newcomer, "reg:join:")  # a join request to the person
    await harness.send(team, f"/team add {person.id}")  # the audit log names them
    await harness.send(person, "/team add 5551299")  # and they add someone themselves
    await schedule(harness)  # invited, reminders queued
    await harness.dispatch()
    await harness.send(person, "/intention")  # a flow left half-way
    await harness.send(person, "Half af")

    await harness.send(person, "/forget")
    await harness.tap(person, "privacy:forget:yes")

    db = harness.application.services.db
    tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for row in await db.fetchall(f"SELECT * FROM {table}"):  # noqa: S608
            for column, value in zip(row.keys(), tuple(row), strict=True):
                assert value != person.id, f"{table}.{column} holds the id"
                if isinstance(value, str):
                    assert str(person.id) not in value, f"{table}.{column}: {value}"
                    assert "Zebedeus" not in value, f"{table}.{column}: {value}"
    # The organisation stays for the colleague; the file holds no trace of the name.
    assert await db.fetchval("SELECT count(*) FROM organisation WHERE name = 'Vzw Spoor'") == 1
    path = harness.application.services.settings.database_path
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert b"Zebedeus" not in file.read_bytes(), file
