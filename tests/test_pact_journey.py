"""The issue's 'done when', in each language: register, invite, intention, progress, team."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from tests.conftest import OWNER_ID
from tests.flows import log_progress, record_intention, register
from tests.harness import Harness, Person, texts
from tests.telegram_fake import Call

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
async def test_a_contact_measures_progress_and_the_team_sees_it(
    harness: Harness, locale: str
) -> None:
    t = Translator(locale, BRUSSELS)
    contact, colleague = Person(700, locale), Person(701, locale)
    team = Person(OWNER_ID, locale)

    await register(harness, contact, "Vzw De Brug")
    assert "Vzw De Brug" in harness.last_text(contact)

    [made] = texts(await harness.send(contact, "/invite"))
    code = re.search(r"start=join_([\w-]+)", made)
    assert code, made
    invited = await harness.send(colleague, f"/start join_{code.group(1)}")
    assert invited[0].button_data == [f"org:join:{code.group(1)}", "org:nojoin:"]
    await harness.tap(colleague, f"org:join:{code.group(1)}")
    assert "Vzw De Brug" in harness.last_text(colleague)

    await record_intention(harness, contact, "Mentoring for a first job")
    intention_id = await harness.application.services.db.fetchval(
        "SELECT id FROM intention WHERE title = 'Mentoring for a first job'"
    )
    assert intention_id

    await log_progress(harness, contact, intention_id, "Four mentees found work.", "4")
    card = harness.last_text(contact)
    assert t.percent(0.4) in card and "▓▓▓▓░░░░░░" in card
    # The colleague who joined logs the next update.
    await log_progress(harness, colleague, intention_id, "Three more.", "7")
    card = harness.last_text(colleague)
    assert t.percent(0.7) in card and "▓▓▓▓▓▓▓░░░" in card
    assert "Four mentees found work." in card and "Three more." in card

    listed = texts(await harness.send(team, "/intentions"))[0]
    assert "Mentoring for a first job" in listed and "Vzw De Brug" in listed
    assert t.percent(0.7) in listed
    stats = texts(await harness.send(team, "/stats"))[0]
    assert (
        t.gettext("{label}: {value}").format(label=t.gettext("Increase agency"), value=1) in stats
    )
    education = {"nl": "Onderwijs en vorming", "fr": "Enseignement et formation"}
    sector = education.get(locale, "Education and training")
    assert t.gettext("{label}: {value}").format(label=sector, value=1) in stats


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
async def test_from_start_to_a_first_intention_with_an_indicator_in_fifteen_taps(
    harness: Harness, locale: str
) -> None:
    """The shortest path a new contact has, counted: every message typed and every button
    pressed is one interaction."""
    person = Person(790, locale)
    interactions = 0
    process = harness.process

    async def counted(data: dict[str, object]) -> list[Call]:
        nonlocal interactions
        interactions += 1
        return await process(data)

    harness.process = counted  # type: ignore[method-assign]
    await harness.send(person, "/start")
    await harness.tap(person, "reg:start:")
    await harness.send(person, "Vzw Kort")
    await harness.tap(person, "reg:sector:2")
    await harness.tap(person, "reg:ok:")
    await harness.tap(person, "int:start:")
    await harness.send(person, "Taalcafés")
    await harness.send(person, "Wekelijkse taalcafés met vrijwilligers.")
    await harness.tap(person, "int:lever:trust")
    await harness.send(person, "31/12/2027")
    for answer in ("Deelnemers", "mensen", "0", "40"):
        await harness.send(person, answer)
    await harness.tap(person, "int:ok:")
    assert interactions <= 15
    row = await harness.application.services.db.fetchone(
        "SELECT i.title, d.name, d.target FROM intention i"
        " JOIN indicator d ON d.intention_id = i.id"
    )
    assert row is not None and tuple(row) == ("Taalcafés", "Deelnemers", 40.0)
    # No answered question kept a button that does nothing: what is live is the welcome's
    # languages and the card offer after saving.
    live = harness.buttons(person)
    assert not [data for data in live if data.startswith(("reg:", "int:"))], live
