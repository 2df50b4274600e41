"""The issue's 'done when', in each language: register, invite, intention, progress, team."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from tests.conftest import OWNER_ID
from tests.flows import log_progress, record_intention, register
from tests.harness import Harness, Person, texts

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
    assert t.gettext("Increase agency") + ": 1" in stats
    education = {"nl": "Onderwijs en vorming", "fr": "Enseignement et formation"}
    assert f"{education.get(locale, 'Education and training')}: 1" in stats
