"""Generated input, as an attacker and a careless person would send it: text of every
kind into every question of every flow, real and forged button presses, commands in the
middle. Every update gets a reply that is not the apology, nothing is logged as an error,
every message is one Telegram accepts (valid HTML, within its length), and afterwards
every view still opens.

`HYPOTHESIS_PROFILE=explore` runs many more examples with fresh randomness.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.services.organisations import OrganisationDraft
from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, endorse, open_campaign, record_intention
from tests.harness import FakeClock, Harness, Person
from tests.telegram_fake import Call

settings.register_profile(
    "ci",
    max_examples=150,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.register_profile(
    "explore",
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

CONTACT = Person(3001, "nl", "Lotte")
NEWCOMER = Person(3002, "fr", "Amina")
TEAM = Person(OWNER_ID, "en", "Tom")

TRICKY = [
    "0", "-1", "-0", "1e308", "1E-300", "0,000000000000001", "0.000000000000001",
    "1000000000000", "999999999999", "-999999999999", "NaN", "inf", "1.000", "1,5", "1.5.5",
    "1 000", "½", "٣", "12:30", "31/12/9999", "01/01/0001", "29/02/2027", "29/02/2028",
    "2026-13-01", "31/12/2026 25:00", "01/12/2026 14:30", "9999-12-31 23:59",
    "31/12/9999 23:59", "1/1/1 00:00", "0/0/0", "<b>", "</i>", "&amp;", "a & b < c > d",
    "<a href='x'>y</a>", "7d, 1d, 2h", "0d", "999d", "5 minutes", "90", "1h30", "0h", "99h",
    "720", "721", "www.example.be", "http://", "https://a", "javascript:alert(1)",
    "x" * 4096, "\n" * 50, " ", "😀" * 600, "\u202eRTL", "\u200b", "/cancel", "/start",
    "/mine", "/help", "/intention", "/register", "/newsession", "/sectors", "/team add 1",
    "/team add 99999999999999999999999", "/team remove -5", "/team add x y z",
    "/start join_nope", "/start endorse_x", "/start " + "x" * 200, "/endorse", "/campaigns",
    "/moderate", "/follow", "/unfollow", "/digest", "/broadcast", "/admin",
    "Lees meer | www.example.be", "| https://x.be", "a|b|c",
    # A hostile run's finds: numbers and years no parser may compute, emoji-long texts.
    "1e999999999", "-1e999999999", "1e-999999999", "99999999999/1/1",
    "30/11/99999999999 14:30", "+80368042046078128563,3694..19", "9" * 5000,
    "12 regels, " + "9" * 5000 + " tekens", "😀" * 5000, "e\u0301" * 3000, "𝔸" * 2100,
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=40),
    st.text(alphabet="0123456789.,- e:/hdmu", max_size=20),
    st.text(min_size=200, max_size=4096),
)
TEAM_VIEWS = [
    "/intentions", "/orgs", "/stats", "/sessions", "/sectors", "/team", "/campaigns", "/digest",
    "/admin",
]  # fmt: skip
AREAS = [
    "int", "prog", "edit", "ind", "reg", "sec", "ns", "mv", "sed", "next", "mine", "ti",
    "to", "rsvp", "ses", "org", "lang", "privacy", "team", "end", "endv", "cmp", "cmpv", "pub",
    "mod", "rej", "fol", "dig", "bc", "bcv", "adm", "ops", "zz", "",
]  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "1", "0", "-1", "1-committed", "1-withdrawn", "0.0.-.-", "9.9.x.y", "ok"]),
    st.sampled_from(["999999999999999", "999999999999999.-.0", "99999", "1-999999", "5.-.0"]),
)
ACTIONS = [
    "start", "open", "ok", "edit", "sector", "lever", "due", "back", "skip", "page", "menu",
    "yes", "no", "accept", "remove", "who", "name", "consent", "resume", "stop", "withdraw",
    "withdrawn", "text", "clear", "caps", "why", "openask", "openok", "public", "opinion",
    "mine", "x", "", "report", "log", "history", "list", "sendok", "public", "status",
    "backup", "later",
]  # fmt: skip
FORGED = st.one_of(
    st.builds(
        lambda area, action, value: f"{area}:{action}:{value}",
        st.sampled_from(AREAS),
        st.sampled_from(ACTIONS),
        VALUES,
    ),
    st.text(max_size=80),
)


@dataclass(frozen=True)
class Typed:
    text: str


@dataclass(frozen=True)
class Press:
    """The n-th button of the latest message in the chat that has buttons."""

    index: int


@dataclass(frozen=True)
class Forged:
    data: str


ACTION = st.one_of(
    st.builds(Typed, TEXT),
    st.builds(Press, st.integers(min_value=0, max_value=40)),
    st.builds(Press, st.integers(min_value=0, max_value=40)),
    st.builds(Forged, FORGED),
)


class Errors(logging.Handler):
    """Every record at ERROR or above, from any logger."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def errors() -> Iterator[Errors]:
    handler = Errors()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


# Answers each question accepts, so a walk gets deep into every flow; among them the
# extremes that validation lets through.
NUMBERS = ["0", "4", "10", "2,5", "1e-15", "0,000000000000001", "999999999999", "-999999999999"]
VALID: dict[tuple[str, str], list[str]] = {
    ("reg", "name"): ["Vzw Samen", "Atelier Noord", "X" * 120],
    ("reg", "website"): ["www.samen.be", "https://" + "a" * 180 + ".be"],
    ("reg", "description"): ["Buurtwerk", "D" * 200],
    ("int", "title"): ["Buddies", "T" * 120],
    ("int", "description"): ["Mentoring newcomers", "D" * 1000],
    ("int", "due"): ["31/12/2027", "2099-12-31", "31/12/9999"],
    ("int", "ind_name"): ["Jobs found", "N" * 80],
    ("int", "ind_unit"): ["people", "U" * 30],
    ("int", "ind_baseline"): NUMBERS,
    ("int", "ind_target"): NUMBERS,
    ("prog", "text"): ["Four mentees found work.", "P" * 500],
    ("prog", "value"): NUMBERS,
    ("edit", "value"): ["New title", "31/12/2030", "V" * 1000],
    ("ind", "ind_name"): ["Hours", "N" * 80],
    ("ind", "ind_unit"): ["h", "U" * 30],
    ("ind", "ind_baseline"): NUMBERS,
    ("ind", "ind_target"): NUMBERS,
    ("sec", "nl"): ["Sport", "S" * 60],
    ("sec", "fr"): ["Sport fr", "F" * 60],
    ("sec", "en"): ["Sport en", "E" * 60],
    ("ns", "title"): ["Follow-up", "T" * 120],
    ("ns", "start"): ["01/12/2026 14:30", "31/12/9999 23:59", "2027-06-01 09:00"],
    ("ns", "duration"): ["90", "1h30", "720"],
    ("ns", "place"): ["Stadhuis", "P" * 200],
    ("ns", "url"): ["meet.example.be/x", "https://" + "u" * 180 + ".be"],
    ("ns", "agenda"): ["1. Welcome", "A" * 1000],
    ("ns", "offsets"): ["7d, 1d, 2h", "60 days, 10 minutes", "1d"],
    ("mv", "start"): ["08/12/2026 09:00", "31/12/9999 23:59"],
    ("sed", "value"): ["New", "90", "V" * 200],
    ("next", "text"): ["We will pair ten buddies.", "N" * 500],
    ("end", "name"): ["Lotte Peeters", "N" * 80],
    ("end", "paragraph"): ["Omdat samen meer kan.", "\n".join(["Regel"] * 10), "P" * 900],
    ("cmp", "title"): ["Samen sterker", "T" * 120],
    ("cmp", "text_nl"): ["Integratie is een gedeelde verantwoordelijkheid.", "T" * 4000],
    ("cmp", "text_fr"): ["L'intégration est une responsabilité partagée.", "<b>"],
    ("cmp", "text_en"): ["Integration is a shared responsibility.", "&amp;"],
    ("cmp", "deadline"): ["10/12/2026 17:00", "23/11/2026 09:01", "2028-11-22 23:59"],
    ("cmp", "caps"): ["12 lines, 1200 characters", "1 100", "40, 3000"],
    ("bc", "nl"): ["Beste partners, tot donderdag!", "<b>niet vet</b> & meer", "x" * 4096],
    ("bc", "fr"): ["Chers partenaires, à jeudi !", "x" * 4097],
    ("bc", "en"): ["Dear partners, see you Thursday!"],
    ("bc", "button"): ["Lees meer | www.example.be", "L" * 41 + " | a.be", "geen knop"],
    ("pub", "note"): ["De Standaard, 12 december", "N" * 300],
    ("rej", "reason"): ["Please leave out names.", "R" * 300],
}


class Driver:
    """One bot for a whole test; each example is a person doing things in a row."""

    def __init__(self, h: Harness, errors: Errors) -> None:
        self.h = h
        self.errors = errors

    def check(self, person: Person, what: object, calls: list[Call]) -> None:
        assert not self.errors.records, (what, [r.getMessage() for r in self.errors.records])
        assert not self.h.request.refused, (what, self.h.request.refused)
        replies = [c for c in calls if c.chat_id in (person.id, None)]
        assert replies, f"no reply to {what!r}"

    def step(self, person: Person) -> tuple[str, str] | None:
        """The flow and step the person is at, if any."""
        data = self.h.application.user_data.get(person.id) or {}
        path = (data.get("draft") or {}).get("_path") or []
        return (data["flow"], path[-1]) if data.get("flow") and path else None

    async def act(self, person: Person, action: Typed | Press | Forged) -> None:
        if isinstance(action, Typed):
            calls = await self.h.send(person, action.text)
        elif isinstance(action, Forged):
            calls = await self.h.press(person, action.data, message_id=99_999)
        else:
            with_buttons = [c for c in self.h.request.messages(person.id) if c.button_data]
            if not with_buttons:
                return
            latest = with_buttons[-1]
            data = latest.button_data[action.index % len(latest.button_data)]
            if data.startswith("http"):
                return  # a link, not a press
            assert latest.message_id is not None
            calls = await self.h.press(person, data, latest.message_id)
        self.check(person, action, calls)

    def draw(self, data: st.DataObject, person: Person) -> Typed | Press | Forged:
        """Mostly what the question asks for (so walks get deep), often anything at all.
        The same draws every time, whatever the bot's state: Hypothesis replays them."""
        choice = data.draw(st.integers(min_value=0, max_value=9))
        valid_index = data.draw(st.integers(min_value=0, max_value=99))
        press = data.draw(st.integers(min_value=0, max_value=40))
        anything = data.draw(ACTION)
        valid = VALID.get(self.step(person) or ("", ""))
        if choice < 4 and valid:
            return Typed(valid[valid_index % len(valid)])
        if choice < 7:
            return Press(press)
        return anything

    async def second_look(self) -> None:
        """Every view still opens after whatever came before."""
        for person, commands in (
            (
                CONTACT,
                ["/mine", "/sessions", "/endorse", "/follow", "/help", "/privacy", "/mydata"],
            ),
            (TEAM, TEAM_VIEWS),
        ):
            for command in commands:
                self.check(person, command, await self.h.send(person, command))
        for person, prefix in ((CONTACT, "mine:open:"), (TEAM, "ti:open:")):
            await self.h.send(person, "/mine" if person is CONTACT else "/intentions")
            latest = [c for c in self.h.request.messages(person.id) if c.button_data][-1]
            for data in latest.button_data:
                if data.startswith(prefix):
                    assert latest.message_id is not None
                    self.check(person, data, await self.h.press(person, data, latest.message_id))


async def _pact(tmp_path: Path) -> Harness:
    h = Harness(tmp_path / "fuzz.sqlite3", FakeClock(), {"ADMIN_IDS": str(OWNER_ID)})
    await h.start()
    services = h.application.services
    await services.people.greet(CONTACT.id, CONTACT.language_code)
    await services.organisations.register(
        CONTACT.id, CONTACT.first_name, OrganisationDraft("Vzw De Brug", EDUCATION)
    )
    await record_intention(h, CONTACT, "Buddies voor nieuwkomers")
    await h.send(TEAM, "/start")
    await open_campaign(h, TEAM)
    await endorse(h, NEWCOMER, 1, "Parce que nous y croyons.", ("name",), name="Amina B.")
    return h


def _run(tmp_path: Path, errors: Errors, starts: list[str], person: Person) -> None:
    with asyncio.Runner() as runner:
        h = runner.run(_pact(tmp_path))
        driver = Driver(h, errors)

        @given(data=st.data())
        def example(data: st.DataObject) -> None:
            errors.records.clear()  # each example answers for itself
            h.request.refused.clear()
            start = data.draw(st.sampled_from(starts))
            driver.check(person, start, runner.run(h.send(person, start)))
            for _ in range(data.draw(st.integers(min_value=0, max_value=16))):  # actions
                runner.run(driver.act(person, driver.draw(data, person)))
            driver.check(person, "/cancel", runner.run(h.send(person, "/cancel")))

        try:
            example()
            runner.run(driver.second_look())
        finally:
            runner.run(h.stop())


def test_a_contact_types_and_presses_anything(tmp_path: Path, errors: Errors) -> None:
    starts = ["/intention", "/mine", "/sessions", "/invite", "/start", "/endorse", "/follow"]
    _run(tmp_path, errors, starts, CONTACT)


def test_a_newcomer_types_and_presses_anything(tmp_path: Path, errors: Errors) -> None:
    starts = ["/register", "/start", "/language", "/forget", "/mine", "/endorse"]
    _run(tmp_path, errors, starts, NEWCOMER)


def test_the_team_types_and_presses_anything(tmp_path: Path, errors: Errors) -> None:
    starts = [
        "/newsession", "/sectors", "/intentions", "/orgs", "/team", "/campaigns", "/moderate",
        "/digest", "/broadcast", "/admin",
    ]  # fmt: skip
    _run(tmp_path, errors, starts, TEAM)
