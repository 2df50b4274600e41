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
    await harness.send(person, "/help")  # flushes the draft to the database
    assert await db.fetchval("SELECT count(*) FROM draft WHERE user_id = 523") == 1

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
    person_columns = {"person_id", "user_id", "actor_id", "author_id", "contact_id", "created_by"}
    tables = [r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for column in await db.fetchall(f"PRAGMA table_info({table})"):
            if column["name"] in person_columns:
                assert (table, column["name"]) in declared, f"{table}.{column['name']}"
    assert ("person", "id") in declared
