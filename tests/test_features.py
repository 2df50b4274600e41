"""The capabilities wired from their declarations: nothing claimed twice, nothing that
people already have (commands, buttons, deep links, a flow half-way) lost in the move."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.i18n import N_
from handlers import FEATURES, register
from handlers.kit.feature import Command, DeskView, Feature, Job, Wiring
from tests.conftest import OWNER_ID
from tests.harness import FakeClock, Harness, Person, texts

FIXTURES = Path(__file__).parent / "fixtures"

# What the bot answered before handlers/ was grouped by capability: stored buttons,
# typed commands and shared links keep working.
COMMANDS_BEFORE = {
    "start", "help", "language", "cancel", "privacy", "mydata", "forget", "team", "invite",
    "mine", "intentions", "orgs", "stats", "sectors", "sessions", "endorse", "campaigns",
    "moderate", "follow", "unfollow", "digest", "admin", "register", "intention",
    "newsession", "broadcast",
}  # fmt: skip
BUTTON_AREAS_BEFORE = {
    "lang", "privacy", "team", "org", "mine", "ti", "to", "rsvp", "ses", "endv", "cmpv", "mod",
    "fol", "dig", "bcv", "adm",
}  # fmt: skip
FLOWS_BEFORE = {
    "reg", "int", "prog", "edit", "ind", "sec", "ns", "mv", "sed", "next", "end", "cmp", "pub",
    "rej", "bc",
}  # fmt: skip
KINDS_BEFORE = {
    "broadcast", "broadcast_approval", "cancelled", "changed", "digest",
    "endorsement-decision", "endorsement-published", "endorsement-reminder", "followup", "ics",
    "invite", "join-answer", "join-request", "moved", "reminder",
}  # fmt: skip


async def _noop(*_: object) -> None:
    return None


def _feature(name: str, **parts: object) -> Feature:
    return replace(Feature(name), **parts)  # type: ignore[arg-type]


def test_every_command_area_link_and_flow_of_before_is_still_answered() -> None:
    wired = Wiring(FEATURES)
    commands = {c.name for c in wired.commands}
    assert commands >= COMMANDS_BEFORE
    assert set(wired.routes) >= BUTTON_AREAS_BEFORE
    assert {flow.name for flow in wired.flows} >= FLOWS_BEFORE
    assert set(wired.deep_links) >= {"join", "endorse"}
    assert {j.name for f in FEATURES for j in f.jobs} >= {"broadcast:status"}


async def test_every_outbox_kind_of_before_is_registered(harness: Harness) -> None:
    kinds = harness.application.services.outbox.kinds
    assert {name for name in KINDS_BEFORE if kinds.get(name) is not None} == KINDS_BEFORE


@pytest.mark.parametrize(
    ("first", "second", "what"),
    [
        (
            {"commands": (Command("mine", N_("x"), _noop),)},
            {"commands": (Command("mine", N_("y"), _noop),)},
            "the command 'mine'",
        ),
        ({"buttons": {"org": _noop}}, {"buttons": {"org": _noop}}, "the button area 'org'"),
        ({"deep_links": {"join": _noop}}, {"deep_links": {"join": _noop}}, "the deep link 'join'"),
        (
            {"desk": (DeskView("stats", N_("x"), _noop),)},
            {"desk": (DeskView("stats", N_("y"), _noop),)},
            "the desk view 'stats'",
        ),
        (
            {"jobs": (Job("tick", 1, _noop),)},
            {"jobs": (Job("tick", 2, _noop),)},
            "the job 'tick'",
        ),
    ],
)
def test_two_features_claiming_one_entry_stop_the_start(
    first: dict[str, object], second: dict[str, object], what: str
) -> None:
    with pytest.raises(ValueError, match=f"{what} is claimed twice: by the features 'a' and 'b'"):
        Wiring((_feature("a", **first), _feature("b", **second)))


def test_a_button_area_that_is_another_features_flow_stops_the_start() -> None:
    [intentions] = [f for f in FEATURES if f.name == "intentions"]
    clash = _feature("clash", buttons={"int": _noop})
    with pytest.raises(ValueError, match="the button area 'int' is claimed twice"):
        Wiring((intentions, clash))


def test_a_flow_command_must_be_declared_by_its_feature() -> None:
    [organisations] = [f for f in FEATURES if f.name == "organisations"]
    silent = replace(organisations, commands=())
    with pytest.raises(ValueError, match="the commands its flows start with"):
        Wiring((silent,))


async def test_the_bot_does_not_start_with_a_clash(tmp_path: Path, clock: FakeClock) -> None:
    """The composition root refuses before adding a single handler."""
    h = Harness(tmp_path / "pact.sqlite3", clock)
    app = await h.start()
    try:
        before = sum(len(group) for group in app.handlers.values())
        again = _feature("again", commands=(Command("help", N_("x"), _noop),))
        with pytest.raises(ValueError, match="the command 'help' is claimed twice"):
            register(app, (*FEATURES, again))
        assert sum(len(group) for group in app.handlers.values()) == before
    finally:
        await h.stop()


async def test_flows_left_half_way_by_the_old_code_finish_on_the_new(
    tmp_path: Path, clock: FakeClock
) -> None:
    """`before_features.sqlite3.gz` was written by the bot before handlers/ was grouped
    by capability: one person half-way /register (the sector asked), one half-way
    /intention (the lever asked), the owner half-way /newsession (the sectors asked)."""
    path = tmp_path / "pact.sqlite3"
    with gzip.open(FIXTURES / "before_features.sqlite3.gz") as old, path.open("wb") as new:
        shutil.copyfileobj(old, new)
    h = Harness(path, clock, {"ADMIN_IDS": str(OWNER_ID)})
    await h.start()
    try:
        registering, recording, owner = Person(501, "nl"), Person(502, "fr"), Person(1, "en")

        await h.press(registering, "reg:sector:2", message_id=102)  # the question asked then
        saved = texts(await h.tap(registering, "reg:ok:"))
        assert any("Vzw Halfweg" in text for text in saved)
        assert await h.application.services.db.fetchval(
            "SELECT count(*) FROM organisation WHERE name = 'Vzw Halfweg'"
        )

        await h.press(recording, "int:lever:agency", message_id=108)
        await h.send(recording, "31/12/2027")
        await h.tap(recording, "int:indicator:none")
        await h.tap(recording, "int:ok:")
        assert await h.application.services.db.fetchval(
            "SELECT description FROM intention WHERE title = 'Cours de langue'"
        ) == ("Des cours de néerlandais pour les nouveaux arrivants.")

        await h.press(owner, "ns:sector:2", message_id=110)
        question = texts(await h.tap(owner, "ns:sector:done"))[-1]
        assert "When does it start?" in question, question
    finally:
        await h.stop()
    assert h.telegram_refusals() == []
