"""The pact team's /orgs, /intentions, /stats and /sectors, and who may use them."""

from __future__ import annotations

import pytest

from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, record_intention, register
from tests.harness import Harness, Person, alerts, notes, texts

TEAM = Person(OWNER_ID, "en")


@pytest.mark.parametrize("command", ["/orgs", "/intentions", "/stats", "/sectors"])
async def test_team_commands_refuse_others(harness: Harness, command: str) -> None:
    assert texts(await harness.send(Person(750, "fr"), command)) == [
        "Cette commande est réservée à l'équipe du pacte."
    ]


async def test_team_buttons_recheck_membership(harness: Harness) -> None:
    outsider = Person(751, "en")
    for data in ("ti:page:0.0.-.-", "ti:open:1.0.0.-.-", "to:page:0.0.-.-", "to:open:1.0.0.-.-"):
        assert alerts(await harness.press(outsider, data)) == [
            "This command is for the pact team."
        ], data


async def test_intentions_are_paged_and_filtered(harness: Harness) -> None:
    contact = Person(752, "en")
    await register(harness, contact, "Vzw Veel")
    for n in range(12):
        await record_intention(
            harness,
            contact,
            f"Plan {n:02d}",
            indicator=None,
            lever="trust" if n % 3 == 0 else "agency",
        )
    first = await harness.send(TEAM, "/intentions")
    page_one = texts(first)[0]
    assert page_one.startswith("<b>12 intentions</b> (all sectors, all levers, every status)")
    assert page_one.count("Vzw Veel") == 10
    assert ("1/2", "ti:page:0.0.-.-") in first[0].buttons[-1]
    page_two = texts(await harness.tap(TEAM, "ti:page:1.0.-.-"))[0]
    assert page_two.count("Vzw Veel") == 2 and "11. " in page_two

    await harness.tap(TEAM, "ti:menu:lever.1.0.-.-")
    trust = texts(await harness.tap(TEAM, "ti:page:0.0.trust.-"))[0]
    assert trust.startswith("<b>4 intentions</b> (all sectors, Build trust, every status)")
    plan = await harness.application.services.db.fetchval(
        "SELECT id FROM intention WHERE title = 'Plan 03'"
    )
    card = texts(await harness.tap(TEAM, f"ti:open:{plan}.0.0.trust.-"))[0]
    assert "<b>Plan 03</b>" in card and "Lever: Build trust" in card
    # A forged filter is ignored rather than trusted.
    forged = texts(await harness.press(TEAM, "ti:page:0.0.drop table.-"))[0]
    assert forged.startswith("<b>12 intentions</b>")


async def test_orgs_list_and_card(harness: Harness) -> None:
    await register(harness, Person(753, "en"), "Alpha vzw")
    await register(harness, Person(754, "en"), "Beta vzw", sector_id=1)
    listed = await harness.send(TEAM, "/orgs")
    text = texts(listed)[0]
    assert text.startswith("<b>2 organisations</b> (all sectors)")
    assert text.index("Alpha vzw") < text.index("Beta vzw")
    await harness.tap(TEAM, "to:menu:sector.0.0.-.-")
    only_education = texts(await harness.tap(TEAM, f"to:page:0.{EDUCATION}.-.-"))[0]
    assert "Alpha vzw" in only_education and "Beta vzw" not in only_education
    alpha = await harness.application.services.db.fetchval(
        "SELECT id FROM organisation WHERE name = 'Alpha vzw'"
    )
    card = texts(await harness.tap(TEAM, f"to:open:{alpha}.0.{EDUCATION}.-.-"))[0]
    assert "<b>Alpha vzw</b>" in card and "1 contact" in card


async def test_stats_count_overdue_and_average_progress(harness: Harness) -> None:
    contact = Person(755, "nl")
    await register(harness, contact, "Vzw Cijfers")
    await record_intention(harness, contact, "Soon due", due="01/12/2026")
    stats = texts(await harness.send(Person(OWNER_ID, "nl"), "/stats"))[0]
    assert "Onderwijs en vorming: 1" in stats
    assert "Handelingsvermogen vergroten: 1 (intentie 1)" in stats
    assert "Gemiddelde voortgang van 1 indicator: ░░░░░░░░░░ 0%" in stats
    assert "0 engagementen zijn over de einddatum." in stats
    harness.clock.advance(days=10)
    stats = texts(await harness.send(Person(OWNER_ID, "nl"), "/stats"))[0]
    assert "1 engagement is over de einddatum." in stats


async def test_the_team_adds_a_sector_in_three_languages(harness: Harness) -> None:
    calls = await harness.send(TEAM, "/sectors")
    assert "• Media" in texts(calls)[0]
    await harness.tap(TEAM, "sec:start:")
    await harness.send(TEAM, "Sport en bewegen")
    await harness.send(TEAM, "Sport et mouvement")
    assert notes(await harness.send(TEAM, "Media")) == ["A sector called Media exists already."]
    await harness.send(TEAM, "Sport and exercise")
    await harness.tap(TEAM, "sec:ok:")
    assert harness.last_text(TEAM) == "Sector added: Sport and exercise."

    newcomer = Person(756, "fr")
    await harness.send(newcomer, "/register")
    calls = await harness.send(newcomer, "Club Sportif")
    assert "Sport et mouvement" in [label for row in calls[0].buttons for label, _ in row]
    audit = await harness.application.services.db.fetchval(
        "SELECT action FROM audit_log WHERE actor_id = ?", (OWNER_ID,)
    )
    assert audit == "sector.add"
