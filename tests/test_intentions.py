"""/intention, /mine and the card: the unhappy paths, restarts, and other people's data."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from typing import Any

import pytest

from bot.services.errors import NotAllowed
from bot.services.intentions import Intention, _Kept
from tests.flows import add_colleague, log_progress, record_intention, register
from tests.harness import Harness, Person, alerts, notes, texts
from tests.telegram_fake import Call, Fault


async def _intention(h: Harness, title: str) -> int:
    value = await h.application.services.db.fetchval(
        "SELECT id FROM intention WHERE title = ?", (title,)
    )
    assert value is not None, f"no intention {title!r}"
    return int(value)


async def _contact(h: Harness, person_id: int, org: str, locale: str = "en") -> Person:
    person = Person(person_id, locale)
    await register(h, person, org)
    return person


async def _recorded(h: Harness, person: Person, title: str, **options: Any) -> int:
    """Record an intention through /intention; its id."""
    await record_intention(h, person, title, **options)
    return await _intention(h, title)


async def _open_card(h: Harness, person: Person, intention_id: int) -> list[Call]:
    """/mine, then the intention's button: the calls that showed its card."""
    await h.send(person, "/mine")
    return await h.tap(person, f"mine:open:{intention_id}")


async def test_intention_needs_an_organisation(harness: Harness) -> None:
    calls = await harness.send(Person(730, "nl"), "/intention")
    assert texts(calls) == [
        "Je bent nog geen contactpersoon van een organisatie. Registreer er een met /register."
    ]


async def test_too_long_texts_bad_dates_and_numbers_keep_what_was_entered(
    harness: Harness,
) -> None:
    person = await _contact(harness, 731, "Vzw Horizon")
    await harness.send(person, "/intention")
    assert notes(await harness.send(person, "T" * 121)) == [
        "This is too long: at most 120 characters, yours has 121. Shorten it and send it again."
    ]
    await harness.send(person, "Language cafés")
    long_description = "d" * 1001
    assert (
        "at most 1,000 characters, yours has 1,001"
        in texts(await harness.send(person, long_description))[0]
    )
    await harness.send(person, "Weekly language cafés with volunteers.")
    await harness.tap(person, "int:lever:trust")
    # 23 November 2026 is "today" for the injected clock.
    assert notes(await harness.send(person, "22/11/2026")) == [
        "That date is in the past. Choose today or a later date, like 23/11/2026."
    ]
    assert notes(await harness.send(person, "next spring")) == [
        "I cannot read that date. Write it like 31/12/2026."
    ]
    await harness.send(person, "30/06/2027")
    await harness.send(person, "Participants")
    await harness.send(person, "people")
    assert notes(await harness.send(person, "zero")) == [
        "That is not a number. Send a number such as 10 or 2.5."
    ]
    await harness.send(person, "5")
    assert notes(await harness.send(person, "5")) == [
        "The target must differ from the baseline, or there is nothing to measure."
    ]
    await harness.send(person, "40")
    review = harness.last_text(person)
    assert "• Participants: from 5 to 40 people" in review
    assert "<b>Language cafés</b>" in review and "1 indicator:" in review
    assert "30 Jun 2027" in review
    assert "Sector: Education and training" in review  # the organisation's, unasked
    # Optional tags are set from the review, which comes back after each.
    await harness.tap(person, "int:edit:characteristics")
    await harness.tap(person, "int:characteristics:meeting")
    await harness.tap(person, "int:characteristics:")
    assert "Characteristics: Meeting each other" in harness.last_text(person)
    await harness.tap(person, "int:ok:")

    row = await harness.application.services.db.fetchone(
        "SELECT * FROM intention WHERE title = 'Language cafés'"
    )
    assert row is not None
    assert row["lever"] == "trust" and row["due_date"] == "2027-06-30"
    assert json.loads(row["characteristics"]) == ["meeting"]
    assert row["status"] == "intention"
    indicator = await harness.application.services.db.fetchone(
        "SELECT name, unit, baseline, target FROM indicator WHERE intention_id = ?", (row["id"],)
    )
    assert indicator is not None and tuple(indicator) == ("Participants", "people", 5.0, 40.0)
    event = await harness.application.services.db.fetchone(
        "SELECT kind, author_id FROM intention_event WHERE intention_id = ?", (row["id"],)
    )
    assert event is not None and tuple(event) == ("created", 731)


async def test_back_returns_to_the_previous_question(harness: Harness) -> None:
    person = await _contact(harness, 732, "Vzw Terug")
    await harness.send(person, "/intention")
    await harness.send(person, "First title")
    await harness.tap(person, "int:back:")
    assert harness.last_text(person).startswith("What will your organisation do?")
    await harness.send(person, "Second title")
    await harness.send(person, "A description.")
    await harness.tap(person, "int:lever:rights")
    await harness.tap(person, "int:back:")
    assert "Which lever" in harness.last_text(person)
    await harness.tap(person, "int:lever:trust")
    # A quick choice for the due date.
    due_button = next(data for data in harness.buttons(person) if data.startswith("int:due:"))
    await harness.tap(person, due_button)
    await harness.tap(person, "int:indicator:none")
    assert "<b>Second title</b>" in harness.last_text(person)
    assert "Lever: Build trust" in harness.last_text(person)


async def test_a_button_from_an_older_question_is_refused(harness: Harness) -> None:
    person = await _contact(harness, 733, "Vzw Oud")
    await harness.send(person, "/intention")
    await harness.send(person, "Title here")
    description_question = harness.request.messages(733)[-1]
    await harness.send(person, "A description.")
    lever_message = harness.request.messages(733)[-1]
    await harness.tap(person, "int:lever:trust")
    # The answered question became the next one, in the same message, answer on top.
    assert lever_message.message_id is not None
    assert harness.last_text(person).startswith("✓ Build trust\n\nBy when?")
    # An old press arriving on it (sent before it changed) is refused.
    calls = await harness.press(person, "int:lever:rights", lever_message.message_id)
    assert alerts(calls) == ["This button is no longer valid."]
    # A press on an older question is refused too, its buttons taken away, and the
    # question the person is at comes again with live buttons at the bottom of the chat.
    assert description_question.message_id is not None
    calls = await harness.press(person, "int:back:", description_question.message_id)
    assert alerts(calls) == ["This button is no longer valid."]
    assert harness.last_text(person).startswith("Where we are now:\n\nBy when?")
    retired = ("editMessageReplyMarkup", "editMessageText")
    assert [c.message_id for c in calls if c.method in retired and not c.buttons] == [
        description_question.message_id,
        lever_message.message_id,
    ]


async def test_a_restart_in_the_middle_of_intention_continues(harness: Harness) -> None:
    person = await _contact(harness, 734, "Vzw Herstart", "fr")
    await harness.send(person, "/intention")
    await harness.send(person, "Ateliers de CV")
    await harness.send(person, "Des ateliers pour écrire un CV.")
    lever_question = harness.request.messages(734)[-1]
    assert lever_question.text.startswith("Sur quel levier du pacte agit-il ?")

    await harness.restart()

    assert lever_question.message_id is not None
    await harness.press(person, "int:lever:agency", shown=lever_question)
    assert harness.last_text(person).startswith("✓ Renforcer la capacité d'agir\n\nPour quand ?")
    await harness.send(person, "31/12/2027")
    await harness.tap(person, "int:indicator:none")
    await harness.tap(person, "int:ok:")
    row = await harness.application.services.db.fetchone(
        "SELECT title, description FROM intention WHERE organisation_id ="
        " (SELECT organisation_id FROM contact WHERE person_id = 734)"
    )
    assert row is not None
    assert tuple(row) == ("Ateliers de CV", "Des ateliers pour écrire un CV.")


async def test_someone_elses_intention_is_refused_everywhere(harness: Harness) -> None:
    owner = await _contact(harness, 735, "Vzw Eigen")
    intention_id = await _recorded(harness, owner, "Our own plan")
    stranger = await _contact(harness, 736, "Vzw Vreemd", "nl")
    refusal = ["Dat engagement is niet van jouw organisatie."]

    for data in (
        f"mine:open:{intention_id}",
        f"mine:status:{intention_id}-committed",
        f"mine:withdraw:{intention_id}",
        f"mine:withdrawn:{intention_id}",
        f"prog:start:{intention_id}",
        f"edit:start:{intention_id}",
        f"ind:start:{intention_id}",
    ):
        calls = await harness.press(stranger, data)
        assert alerts(calls) == refusal, data
        assert "Our own plan" not in " ".join(texts(calls))
    status = await harness.application.services.db.fetchval(
        "SELECT status FROM intention WHERE id = ?", (intention_id,)
    )
    assert status == "intention"
    assert alerts(await harness.press(stranger, "mine:open:abc")) == [
        "Deze knop is niet meer geldig."
    ]


async def test_status_moves_forward_and_withdraw_asks_first(harness: Harness) -> None:
    person = await _contact(harness, 737, "Vzw Status")
    intention_id = await _recorded(harness, person, "Status plan")
    card = await _open_card(harness, person, intention_id)
    assert "Status: intention" in texts(card)[0]
    card = await harness.tap(person, f"mine:status:{intention_id}-committed")
    assert "Status: committed" in texts(card)[0]
    # Skipping a step (committed → achieved) is refused.
    calls = await harness.press(person, f"mine:status:{intention_id}-achieved")
    assert alerts(calls) == ["That status change is not possible any more."]

    calls = await harness.tap(person, f"mine:withdraw:{intention_id}")
    assert calls[-1].button_data == [f"mine:withdrawn:{intention_id}", f"mine:open:{intention_id}"]
    card = await harness.tap(person, f"mine:withdrawn:{intention_id}")
    assert "Status: withdrawn" in texts(card)[0]
    assert f"prog:start:{intention_id}" not in card[-1].button_data
    kinds = [
        tuple(r)
        for r in await harness.application.services.db.fetchall(
            "SELECT kind, detail FROM intention_event WHERE intention_id = ? ORDER BY id",
            (intention_id,),
        )
    ]
    assert [k for k, _ in kinds] == ["created", "status", "status"]
    assert json.loads(kinds[-1][1]) == {"from": "committed", "to": "withdrawn"}


async def test_edit_the_title_and_add_an_indicator_from_the_card(harness: Harness) -> None:
    person = await _contact(harness, 738, "Vzw Wijzig")
    intention_id = await _recorded(harness, person, "Old title", indicator=None)
    await _open_card(harness, person, intention_id)
    await harness.tap(person, f"edit:start:{intention_id}")
    await harness.tap(person, "edit:field:title")
    await harness.send(person, "New title")
    assert "<b>New title</b>" in harness.last_text(person)

    await harness.tap(person, f"ind:start:{intention_id}")
    for answer in ("Volunteers", "people", "2", "12"):
        await harness.send(person, answer)
    card = harness.last_text(person)
    assert "Volunteers: – of 12 people (from 2)" in card
    await log_progress(harness, person, intention_id, "Five volunteers now.", "7")
    assert "50%" in harness.last_text(person)


async def test_progress_without_indicators_and_a_skipped_value(harness: Harness) -> None:
    person = await _contact(harness, 739, "Vzw Stap")
    intention_id = await _recorded(harness, person, "Plan with indicator")
    await _open_card(harness, person, intention_id)
    await harness.tap(person, f"prog:start:{intention_id}")
    assert (
        "at most 500 characters, yours has 501" in texts(await harness.send(person, "p" * 501))[0]
    )
    await harness.send(person, "A meeting with partners.")
    await harness.tap(person, "prog:next:")
    card = harness.last_text(person)
    assert "A meeting with partners." in card
    assert "Jobs found: – of 10 people" in card


async def test_the_card_shows_the_five_latest_updates_newest_first(harness: Harness) -> None:
    person = await _contact(harness, 740, "Vzw Geschiedenis")
    intention_id = await _recorded(harness, person, "Plan with history")
    for n in range(1, 7):
        harness.clock.advance(days=1)
        await log_progress(harness, person, intention_id, f"Update {n}.", str(n))
    card = harness.last_text(person)
    assert "✅ Progress saved." in card
    latest = card.split("<b>Latest updates</b>\n", 1)[1].splitlines()
    assert latest == [
        f"{23 + n}/11/2026: Update {n}. (Jobs found: {n} people)" for n in range(6, 1, -1)
    ]
    # Opened again later, the card shows the same history.
    reopened = await _open_card(harness, person, intention_id)
    assert texts(reopened)[0].endswith("\n".join(latest))


async def test_progress_on_another_organisations_intention_writes_nothing(
    harness: Harness,
) -> None:
    owner = await _contact(harness, 741, "Vzw Eigenaar")
    intention_id = await _recorded(harness, owner, "Owned plan")
    stranger = await _contact(harness, 742, "Vzw Ander")
    services = harness.application.services
    with pytest.raises(NotAllowed):
        await services.intentions.log_progress(stranger.id, intention_id, "Not ours.", {})
    with pytest.raises(NotAllowed):
        await services.intentions.set_status(stranger.id, intention_id, "committed")
    db = services.db
    assert await db.fetchval("SELECT count(*) FROM progress") == 0
    assert await db.fetchval("SELECT count(*) FROM intention_event") == 1  # "created" only


async def _colleague(h: Harness, contact: Person, person_id: int) -> Person:
    return await add_colleague(h, contact, Person(person_id, "en"))


async def test_a_colleague_sees_every_change_at_once(harness: Harness) -> None:
    # The organisation's list is kept in memory between reads: each write must show.
    first = await _contact(harness, 743, "Vzw Samen")
    second = await _colleague(harness, first, 744)
    intention_id = await _recorded(harness, first, "Shared plan")
    assert "Shared plan" in texts(await harness.send(second, "/mine"))[0]

    await log_progress(harness, first, intention_id, "Four so far.", "4")
    assert "40%" in texts(await harness.send(second, "/mine"))[0]
    await harness.tap(first, f"mine:status:{intention_id}-committed")
    card = await harness.tap(second, f"mine:open:{intention_id}")
    assert "Status: committed" in texts(card)[0]
    assert "Four so far." in texts(card)[0]
    await record_intention(harness, second, "Second plan", due="31/01/2027")
    listing = texts(await harness.send(first, "/mine"))[0]
    assert listing.index("Second plan") < listing.index("Shared plan")  # the earlier due date


async def test_an_erased_organisation_leaves_nothing_for_the_next_one(harness: Harness) -> None:
    gone = await _contact(harness, 745, "Vzw Weg")
    await record_intention(harness, gone, "Vanishing plan")
    await harness.send(gone, "/mine")
    await harness.send(gone, "/forget")
    await harness.press(gone, "privacy:forget:yes")
    # The next organisation may get the same id; it starts with nothing.
    newcomer = await _contact(harness, 746, "Vzw Nieuw")
    listing = texts(await harness.send(newcomer, "/mine"))[0]
    assert "Vanishing plan" not in listing
    assert "has no intentions yet" in listing


def test_a_read_that_overlaps_a_write_is_not_kept() -> None:
    kept = _Kept()
    stale = Intention(1, 7, "Old", "d", 2, "trust", [], [], dt.date(2027, 1, 1), "intention")
    started = kept.started(7)
    kept.put(replace(stale, title="New"))  # a write lands while the read is on its way
    kept.keep(7, started, {1: stale})
    assert kept.get(7) is None  # the next read goes to the database again
    started = kept.started(7)
    kept.keep(7, started, {1: stale})
    assert kept.get(7) == {1: stale}
    kept.put(replace(stale, title="Newer"))
    assert kept.get(7) == {1: replace(stale, title="Newer")}


async def test_a_card_telegram_will_not_edit_is_handled(harness: Harness) -> None:
    person = await _contact(harness, 747, "Vzw Knop")
    intention_id = await _recorded(harness, person, "Pressed twice")
    card = (await _open_card(harness, person, intention_id))[-1]
    # Pressed twice (the second press arrives on the card it became): Telegram refuses an
    # edit that changes nothing.
    harness.request.fail(
        Fault("editMessageText", 400, "Bad Request: message is not modified: same content")
    )
    assert card.message_id is not None
    calls = await harness.press(person, f"mine:open:{intention_id}", card.message_id)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    # A message that is gone (deleted, or too old to edit) gets the card as a new one.
    harness.request.fail(Fault("editMessageText", 400, "Bad Request: message to edit not found"))
    calls = await harness.tap(person, "mine:list:0")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendMessage"]
    assert "Pressed twice" in texts(calls)[0]


async def test_a_due_date_that_passes_before_confirming_is_shown_as_the_person_writes_it(
    harness: Harness,
) -> None:
    person = await _contact(harness, 748, "Vzw Trage", "fr")
    await record_intention(
        harness, person, "Café des langues", due="24/11/26", indicator=None, confirm=False
    )
    harness.clock.advance(days=2)  # the review screen stays open past the due date
    calls = await harness.tap(person, "int:ok:")
    assert notes(calls)[0] == (
        "Cette date est passée. Choisissez aujourd'hui ou plus tard, comme 25/11/2026."
    )
    assert await harness.application.services.db.fetchval("SELECT count(*) FROM intention") == 0


async def test_ticking_an_option_redraws_the_same_question(harness: Harness) -> None:
    person = await _contact(harness, 749, "Vzw Vinkje")
    await harness.send(person, "/intention")
    await harness.send(person, "Buddy project")
    await harness.send(person, "Pairs of newcomers and volunteers.")
    await harness.tap(person, "int:lever:trust")
    await harness.send(person, "31/12/2027")
    await harness.tap(person, "int:indicator:none")
    question = (await harness.tap(person, "int:edit:preconditions"))[-1]
    assert question.method == "editMessageText"  # the review becomes the question
    assert "☐ Cooperation" in [label for row in question.buttons for label, _ in row]

    calls = await harness.tap(person, "int:preconditions:cooperation")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert calls[-1].message_id == question.message_id
    assert "☑ Cooperation" in [label for row in calls[-1].buttons for label, _ in row]
    # Untick on the same message, then Done goes back to the review, in the same place.
    await harness.tap(person, "int:preconditions:cooperation")
    calls = await harness.tap(person, "int:preconditions:")
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    assert "Check and confirm" in calls[-1].text
    assert harness.application.user_data[person.id]["draft"]["preconditions"] == []
