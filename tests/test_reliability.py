"""Nothing a person types, presses or loses to a crash breaks the bot or misfiles an answer:
kills between an answer and the next question, questions Telegram did not deliver, a
flaky Telegram, bounds on what people type, forged buttons, messages that grow with data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from telegram.request import RequestData

from bot.services.organisations import OrganisationDraft
from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, log_progress, record_intention, register
from tests.harness import FakeClock, Harness, Person, alerts, notes, texts
from tests.telegram_fake import Call, Fault, RecordingRequest, canonical

TEAM = Person(OWNER_ID, "en")
APOLOGIES = (
    "Sorry, something went wrong",
    "Sorry, er ging iets mis",
    "Pardon, un problème est survenu",
)


class Killed(BaseException):
    """The process dies here."""


async def contact(h: Harness, person: Person, name: str) -> Person:
    services = h.application.services
    await services.people.greet(person.id, person.language_code)
    await services.organisations.register(person.id, "Lotte", OrganisationDraft(name, EDUCATION))
    return person


async def intention_row(h: Harness) -> Any:
    return await h.application.services.db.fetchall(
        "SELECT title, description FROM intention ORDER BY id"
    )


async def test_a_kill_right_after_the_next_question_files_the_next_answer_right(
    harness: Harness,
) -> None:
    person = await contact(harness, Person(2001, "en"), "Vzw Stroom")
    await harness.send(person, "/intention")
    await harness.send(person, "Buddies for newcomers")
    assert harness.last_text(person).startswith("Describe it")
    await harness.kill()  # the description question is on the phone; then the power goes
    await harness.start()
    await harness.send(person, "Pairs of volunteers and newcomers, weekly.")
    assert harness.last_text(person).startswith("Which lever")
    await harness.tap(person, "int:lever:trust")
    await harness.send(person, "31/12/2027")
    await harness.tap(person, "int:indicator:none")
    await harness.tap(person, "int:ok:")
    rows = await intention_row(harness)
    assert [tuple(r) for r in rows] == [
        ("Buddies for newcomers", "Pairs of volunteers and newcomers, weekly.")
    ]


async def test_a_kill_after_saving_keeps_the_flow_ended_so_nothing_is_saved_twice(
    harness: Harness,
) -> None:
    person = await contact(harness, Person(2002, "en"), "Vzw Dubbel")
    await record_intention(harness, person, "Only once", indicator=None, confirm=False)

    async def die_on_the_confirmation(call: Call) -> None:
        if call.text.startswith("Saved:"):
            raise Killed  # after the intention was saved, before the reply left

    review = harness.request.messages(person.id)[-1].message_id
    assert review is not None
    harness.request.on_the_way_back = die_on_the_confirmation
    with pytest.raises(Killed):
        await harness.tap(person, "int:ok:")
    await harness.kill()
    await harness.start()
    # Pressing Save again (the reply never came) finds no flow: the intention exists once.
    calls = await harness.press(person, "int:ok:", review)
    assert alerts(calls) == ["This button is no longer valid."]
    assert [r[0] for r in await intention_row(harness)] == ["Only once"]


async def test_a_question_telegram_did_not_deliver_takes_the_step_back(
    harness: Harness,
) -> None:
    person = await contact(harness, Person(2003, "en"), "Vzw Ruis")
    await harness.send(person, "/intention")
    # The description question fails four times (the first try and three retries).
    harness.request.fail(Fault("sendMessage", 502, "Bad Gateway", times=4, chat_id=person.id))
    calls = await harness.send(person, "Language cafés")
    assert any(t.startswith(APOLOGIES) for t in texts(calls))
    # What the person sends next answers the question they can see: the title.
    await harness.send(person, "Language cafés")
    assert harness.last_text(person).startswith("Describe it")
    await harness.send(person, "Weekly cafés with volunteers.")
    draft = harness.application.user_data[person.id]["draft"]
    assert (draft["title"], draft["description"]) == (
        "Language cafés",
        "Weekly cafés with volunteers.",
    )


class FlakyTelegram(RecordingRequest):
    """Refuses one message in ten with a 5xx and every seventh with a 429."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *a: Any, **k: Any
    ) -> tuple[int, bytes]:
        method = canonical(url.rsplit("/", 1)[-1])
        if method in ("sendMessage", "editMessageText", "answerCallbackQuery"):
            self.count += 1
            if self.count % 10 == 0:
                return 502, b'{"ok":false,"error_code":502,"description":"Bad Gateway"}'
            if self.count % 7 == 0:
                body = {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 2",
                    "parameters": {"retry_after": 2},
                }
                return 429, json.dumps(body).encode()
        return await super().do_request(url, method, request_data, *a, **k)


async def test_with_a_flaky_telegram_everyone_finishes_without_an_apology(
    tmp_path: Path, clock: FakeClock
) -> None:
    h = Harness(tmp_path / "flaky.sqlite3", clock, {"ADMIN_IDS": str(OWNER_ID)}, FlakyTelegram)
    await h.start()
    assert isinstance(h.request, FlakyTelegram)
    flaky = h.request
    try:
        people = [Person(2100 + n, ("nl", "fr", "en")[n % 3]) for n in range(6)]
        for n, person in enumerate(people):
            await register(h, person, f"Vzw Wankel {n}")
            await record_intention(h, person, f"Plan {n}", indicator=("Jobs", "people", "0", "5"))
        rows = await h.application.services.db.fetchall("SELECT title FROM intention ORDER BY id")
        assert [r[0] for r in rows] == [f"Plan {n}" for n in range(6)]
        shown = [t for p in people for t in texts(h.request.messages(p.id))]
        assert not [t for t in shown if t.startswith(APOLOGIES)]
        assert flaky.count > 100 and 2.0 in h.sleeps  # it was flaky, and the bot waited
    finally:
        await h.stop()


async def test_back_within_a_second_indicator_never_reaches_a_finished_one(
    harness: Harness,
) -> None:
    person = await contact(harness, Person(2004, "en"), "Vzw Terug")
    await record_intention(harness, person, "Back and forth", confirm=False, precondition=None)
    # From the review, a second indicator; Back from its unit, then its name again.
    await harness.tap(person, "int:edit:indicator")
    await harness.send(person, "Hourz")
    await harness.tap(person, "int:back:")
    assert "What do you measure?" in harness.last_text(person)
    for answer in ("Hours", "h", "0", "40"):
        await harness.send(person, answer)
    assert "Check and confirm" in harness.last_text(person)
    # The review has no Back: nothing can lead into an indicator already added.
    assert "int:back:" not in harness.buttons(person)
    await harness.tap(person, "int:ok:")
    indicators = await harness.application.services.db.fetchall(
        "SELECT name, target FROM indicator ORDER BY id"
    )
    assert [tuple(r) for r in indicators] == [("Jobs found", 10.0), ("Hours", 40.0)]


async def test_numbers_and_dates_beyond_their_bounds_are_refused_with_the_bound(
    harness: Harness,
) -> None:
    person = await contact(harness, Person(2005, "nl"), "Vzw Grens")
    await harness.send(person, "/intention")
    await harness.send(person, "Grenzen")
    await harness.send(person, "Een beschrijving.")
    await harness.tap(person, "int:lever:trust")
    assert notes(await harness.send(person, "31/12/9999")) == [
        "Dat is te ver vooruit: kies een datum binnen tien jaar, ten laatste 23/11/2036."
    ]
    await harness.send(person, "31/12/2030")
    await harness.send(person, "Deelnemers")
    await harness.send(person, "mensen")
    bound = (
        "Stuur een getal tussen -1.000.000.000 en 1.000.000.000, "
        "met hoogstens 4 cijfers na de komma."
    )
    for typed in ("0,000000000000001", "1e-15", "1000000000000", "-2000000000"):
        assert notes(await harness.send(person, typed)) == [bound]
    await harness.send(person, "0,5")
    assert notes(await harness.send(person, "1000000000,5")) == [bound]
    await harness.send(person, "1.000.000.000")
    await harness.tap(person, "int:ok:")
    row = await harness.application.services.db.fetchone("SELECT baseline, target FROM indicator")
    assert row is not None and (row[0], row[1]) == (0.5, 1_000_000_000.0)

    await harness.send(TEAM, "/newsession")
    await harness.send(TEAM, "Far away")
    await harness.tap(TEAM, "ns:sector:all")
    await harness.tap(TEAM, "ns:sector:done")
    assert notes(await harness.send(TEAM, "31/12/9999 23:59")) == [
        "That is too far ahead: choose a moment within two years, at the latest 23/11/2028 10:00."
    ]


@pytest.mark.parametrize(
    "data",
    [
        "ses:open:99999999999999999999",
        "rsvp:yes:123456789012345678901234567890",
        "mine:open:⓶1",
        "mine:list:²",
        "ti:page:1.1.x.y.z",
        "ti:open:1.99999999999999999999.-.-",
        "team:remove:99999999999999999999999",
        "org:accept:-1",
        "int:sector:",
        "x" * 100,
        "",
        ":::",
    ],
)
async def test_forged_button_data_gets_a_polite_answer(harness: Harness, data: str) -> None:
    await harness.send(TEAM, "/start")
    assert alerts(await harness.press(TEAM, data)) == ["This button is no longer valid."]


async def test_a_telegram_id_too_large_is_named_as_wrong(harness: Harness) -> None:
    assert texts(await harness.send(TEAM, "/team add 99999999999999999999999")) == [
        "A Telegram user id is a number, such as 123456789. You typed: 99999999999999999999999"
    ]


async def test_sector_names_alike_in_their_first_thirty_letters_are_both_added(
    harness: Harness,
) -> None:
    for ending in ("north", "south"):
        await harness.send(TEAM, "/sectors")
        await harness.tap(TEAM, "sec:start:")
        await harness.send(TEAM, f"Jeugdwerk en buitenschoolse opvang {ending}")
        await harness.send(TEAM, f"Jeunesse et accueil extrascolaire {ending}")
        await harness.send(TEAM, f"Youth work and after school care for the {ending}")
        await harness.tap(TEAM, "sec:ok:")
        assert harness.last_text(TEAM).startswith("Sector added")
    codes = await harness.application.services.db.fetchall(
        "SELECT code FROM sector WHERE code LIKE 'youthwork%' ORDER BY id"
    )
    assert [r[0] for r in codes] == [
        "youthworkandafterschoolcarefor",
        "youthworkandafterschoolcarefor-2",
    ]


async def test_the_longest_card_and_list_fit_in_one_message_and_history_shows_all(
    harness: Harness,
) -> None:
    person = await contact(harness, Person(2006, "en"), "O" * 120)
    await harness.send(person, "/intention")
    await harness.send(person, "T" * 120)
    await harness.send(person, "D" * 1000)
    await harness.tap(person, "int:lever:trust")
    await harness.send(person, "31/12/2027")
    await harness.tap(person, "int:indicator:none")
    await harness.tap(person, "int:edit:preconditions")
    for code in ("resources", "cooperation", "mindset", "policy", "engagement",
                 "legal_framework", "visibility", "monitoring"):  # fmt: skip
        await harness.tap(person, f"int:preconditions:{code}")
    await harness.tap(person, "int:preconditions:")
    await harness.tap(person, "int:edit:characteristics")
    for code in ("diversity_visible", "continuity", "low_threshold", "sharing", "meeting",
                 "talents", "drivers"):  # fmt: skip
        await harness.tap(person, f"int:characteristics:{code}")
    await harness.tap(person, "int:characteristics:")
    for n in range(5):
        await harness.tap(person, "int:edit:indicator")
        for answer in (f"{n}" + "N" * 79, "U" * 30, "-999999999,5", "999999999,25"):
            await harness.send(person, answer)
    assert "int:edit:indicator" not in harness.buttons(person)  # five is the most
    await harness.tap(person, "int:ok:")
    intention_id = await harness.application.services.db.fetchval("SELECT id FROM intention")
    for n in range(7):
        await log_progress(harness, person, intention_id, f"{n}" + "P" * 499, *["1,5"] * 5)
    card = harness.last_text(person)
    assert card.startswith("✅ Progress saved.")
    # The card fits; the History button shows every update, four a page.
    calls = await harness.tap(person, f"mine:history:{intention_id}-0")
    assert texts(calls)[0].startswith("<b>" + "T" * 120 + "</b>: progress, page 1 of 2")
    await harness.tap(person, f"mine:history:{intention_id}-1")
    assert harness.last_text(person).count("P" * 499) == 3
    for n in range(24):
        await record_intention(harness, person, f"{n:02d}" + "L" * 118, indicator=None)
    calls = await harness.send(person, "/mine")
    assert texts(calls)[0].count("L" * 118) == 9  # ten a page, the long one first
    assert ("»", "mine:list:1") in calls[0].buttons[-1]
    await harness.tap(person, "mine:list:1")
    await harness.tap(person, "mine:list:2")
    assert harness.last_text(person).count("L" * 118) == 5
    await harness.send(TEAM, "/intentions")
    await harness.send(TEAM, "/orgs")
    organisation = await harness.application.services.organisations.of_contact(person.id)
    assert organisation is not None
    await harness.tap(TEAM, f"to:open:{organisation.id}.0.0.-.-")
    assert "… and" in harness.last_text(TEAM)


INTENTION_ANSWERS: list[tuple[str, str]] = [
    ("send", "Buddies for newcomers"),
    ("send", "Pairs of volunteers and newcomers, weekly."),
    ("tap", "int:lever:trust"),
    ("send", "31/12/2027"),
    ("send", "Pairs formed"),
    ("send", "pairs"),
    ("send", "2"),
    ("send", "12"),
    ("tap", "int:edit:preconditions"),
    ("tap", "int:preconditions:cooperation"),
    ("tap", "int:preconditions:"),
    ("tap", "int:ok:"),
]


@pytest.mark.parametrize("killed_after", range(len(INTENTION_ANSWERS)))
async def test_a_kill_after_any_answer_never_misfiles_the_rest(
    harness: Harness, killed_after: int
) -> None:
    person = await contact(harness, Person(2200, "en"), "Vzw Overal")
    await harness.send(person, "/intention")
    for n, (how, what) in enumerate(INTENTION_ANSWERS):
        if how == "send":
            await harness.send(person, what)
        else:
            # After a restart the fake has no messages: press on the latest question.
            message = harness.request.messages(person.id)
            if message and what in message[-1].button_data:
                await harness.tap(person, what)
            else:
                asked = harness.application.user_data[person.id]["draft"]["_message"]
                await harness.press(person, what, asked)
        if n == killed_after:
            await harness.kill()
            await harness.start()
    rows = await harness.application.services.db.fetchall(
        "SELECT i.title, i.description, i.lever, i.due_date, i.preconditions, d.name, d.unit,"
        " d.baseline, d.target FROM intention i JOIN indicator d ON d.intention_id = i.id"
    )
    assert [tuple(r) for r in rows] == [
        (
            "Buddies for newcomers",
            "Pairs of volunteers and newcomers, weekly.",
            "trust",
            "2027-12-31",
            '["cooperation"]',
            "Pairs formed",
            "pairs",
            2.0,
            12.0,
        )
    ]
