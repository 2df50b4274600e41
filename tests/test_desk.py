"""/admin: the desk's menu opens every team view, the exports are CSV a Belgian spreadsheet
opens, the audit log pages and filters, and an owner adds a colleague by forwarding a
message of theirs."""

from __future__ import annotations

import csv
import io
import itertools
import re
from typing import Any

import pytest

from tests.conftest import OWNER_ID
from tests.flows import log_progress, record_intention, register
from tests.harness import Harness, Person, alerts, texts
from tests.telegram_fake import Call
from tests.test_sessions import schedule

TEAM = Person(OWNER_ID, "en")
_ids = itertools.count(5000)


def csv_rows(call: Call) -> list[list[str]]:
    content = call.files["document"]
    assert content.startswith(b"\xef\xbb\xbf"), "a spreadsheet reads UTF-8 by its BOM"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


async def forward(h: Harness, owner: Person, origin: dict[str, Any]) -> list[Call]:
    """The owner forwards a message written by someone else."""
    message = {
        "message_id": next(_ids),
        "date": 1_790_000_000,
        "chat": {"id": owner.id, "type": "private", "first_name": owner.first_name},
        "from": owner.as_user(),
        "text": "Hallo, ik help graag mee.",
        "forward_origin": origin,
    }
    return await h.process({"message": message})


VIEWS = {
    "sessions": "<b>Upcoming sessions</b>",
    "intentions": "intentions</b> (all sectors, all levers, every status)",
    "orgs": "<b>1 organisation</b> (all sectors)",
    "stats": "<b>Organisations per sector</b>",
    "sectors": "<b>Sectors</b>",
    "campaigns": "<b>Campaigns</b>",
    "digest": "<b>The pact's digest</b>",
    "team": "<b>Pact team</b>",
}


async def test_the_desk_opens_every_team_view(harness: Harness) -> None:
    await register(harness, Person(950, "en"), "Vzw Balie")
    calls = await harness.send(TEAM, "/admin")
    assert texts(calls)[0].startswith("<b>Pact team desk</b>")
    menu = harness.buttons(TEAM)
    for view, head in VIEWS.items():
        assert f"adm:go:{view}" in menu
        calls = await harness.tap(TEAM, f"adm:go:{view}")
        shown = [c.text for c in calls if c.method == "sendMessage"]
        assert any(head in text for text in shown), (view, shown)
        # The view comes below; the menu stays as it was, for the next.
        assert not [c for c in calls if c.method.startswith("edit")], view
        assert set(menu) <= set(harness.buttons(TEAM))
    assert {"bc:start:menu", "adm:exports:", "adm:log:0.-.0", "adm:go:moderate"} <= set(menu)
    # A broadcast starts from the desk, and the desk's menu keeps all its buttons.
    [desk] = [c for c in await harness.send(TEAM, "/admin") if c.method == "sendMessage"]
    calls = await harness.tap(TEAM, "bc:start:menu")
    assert "Write the message in Dutch" in texts(calls)[-1]
    assert not [c for c in calls if c.message_id == desk.message_id], "the menu is untouched"


async def test_the_desk_is_for_the_team_only(harness: Harness) -> None:
    stranger = Person(951, "nl")
    assert texts(await harness.send(stranger, "/admin")) == ["Dit commando is voor het pactteam."]
    for data in ("adm:go:stats", "adm:export:organisations", "adm:log:0.-.0", "adm:menu:"):
        calls = await harness.press(stranger, data)
        assert alerts(calls) == ["Dit commando is voor het pactteam."], data
    for data in ("adm:go:nothing", "adm:export:passwords", "adm:log:0.nope.0", "adm:log:x", "adm:"):
        calls = await harness.press(TEAM, data)
        assert alerts(calls) == ["This button is no longer valid."], data


EXPORT_HEADERS = {
    "organisations": ["Organisation id", "Organisation", "Sector", "Website", "Registered",
                      "Contact", "Contact's Telegram id", "Joined", "Intentions"],
    "intentions": ["Intention id", "Organisation", "Title", "Sector", "Lever", "Status",
                   "Due date", "Recorded", "Indicator", "Unit", "Baseline", "Target",
                   "Latest value"],
    "progress": ["Update id", "When", "Intention id", "Intention", "Organisation", "Update",
                 "Values"],
    "sessions": ["Session id", "Session", "Start", "State", "Organisation", "Contact",
                 "Contact's Telegram id", "Answer", "Answered"],
    "broadcasts": ["Broadcast id", "Created", "State", "Audience", "Recipients", "Written by",
                   "Approved by", "Sent", "Blocked the bot", "Failed", "Cancelled", "Waiting"],
}  # fmt: skip


@pytest.mark.parametrize("what", list(EXPORT_HEADERS))
async def test_each_export_is_a_csv_with_its_columns_and_an_audit_entry(
    harness: Harness, what: str
) -> None:
    contact = Person(952, "en")
    await register(harness, contact, "Vzw Export; met puntkomma")
    await record_intention(harness, contact, "Taalcafé")
    found = await harness.application.services.db.fetchval("SELECT id FROM intention")
    await log_progress(harness, contact, found, "Vier sessies.", "4")
    session_id = await schedule(harness, "01/12/2026 14:30")
    await harness.dispatch()
    await harness.tap(contact, f"rsvp:yes:{session_id}")
    await harness.send(TEAM, "/admin")
    await harness.tap(TEAM, "adm:exports:")
    calls = await harness.tap(TEAM, f"adm:export:{what}")
    [document] = [c for c in calls if c.method == "sendDocument"]
    rows = csv_rows(document)
    assert rows[0] == EXPORT_HEADERS[what]
    expected = {
        "organisations": ["Vzw Export; met puntkomma", "Education and training"],
        "intentions": ["Taalcafé", "Increase agency", "Jobs found", "0", "10", "4"],
        "progress": ["Taalcafé", "Vier sessies.", "Jobs found = 4"],
        "sessions": ["Follow-up education", "Vzw Export; met puntkomma", "yes"],
        "broadcasts": [],
    }[what]
    body = [cell for row in rows[1:] for cell in row]
    assert all(value in body for value in expected), (expected, rows)
    # Numbers and moments as a spreadsheet reads them: no "4.0", no UTC ISO "…T…+00:00".
    assert not [c for c in body if c.endswith(".0") or "+00:00" in c or "T09:" in c], rows
    moments = [c for c in body if re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", c)]
    if what != "broadcasts":
        assert moments and "2026-11-23 10:00" in moments  # 09:00 UTC, in Brussels
    db = harness.application.services.db
    assert await db.fetchval("SELECT count(*) FROM audit_log WHERE action = ?", (f"export.{what}",))


async def test_the_audit_log_pages_and_filters(harness: Harness) -> None:
    for n in range(12):
        await schedule(harness, f"0{1 + n % 9}/12/2026 1{n % 9}:00", title=f"Sessie {n}")
    await harness.send(TEAM, "/sectors")
    await harness.send(TEAM, "/admin")
    first = texts(await harness.tap(TEAM, "adm:log:0.-.0"))[-1]
    lines = [line for line in first.split("\n") if line.startswith("• ")]
    assert len(lines) == 10 and "session.schedule" in lines[0]
    assert "adm:log:1.-.0" in harness.buttons(TEAM)
    second = texts(await harness.tap(TEAM, "adm:log:1.-.0"))[-1]
    assert len([line for line in second.split("\n") if line.startswith("• ")]) == 2
    only = texts(await harness.tap(TEAM, "adm:log:0.session.0"))[-1]
    assert "Only: Sessions" in only
    entries = [line for line in only.split("\n") if line.startswith("• ")]
    assert entries and all("session." in line for line in entries)
    await harness.tap(TEAM, "adm:log:0.broadcast.0")
    nothing = texts(await harness.tap(TEAM, f"adm:log:0.broadcast.{OWNER_ID}"))[-1]
    assert "Nothing yet." in nothing


async def test_an_owner_adds_a_colleague_by_forwarding_and_they_see_the_team_menu(
    harness: Harness,
) -> None:
    """The issue's "done when", second half."""
    colleague = Person(960, "fr", "Amina")
    await harness.send(colleague, "/start")
    await harness.send(TEAM, "/admin")
    card = texts(await harness.tap(TEAM, "adm:go:team"))[-1]
    assert "forward me a message they wrote" in card
    calls = await forward(
        harness, TEAM, {"type": "user", "date": 1_790_000_000, "sender_user": colleague.as_user()}
    )
    assert texts(calls) == ["Add Amina (960) to the pact team?"]
    calls = await harness.tap(TEAM, "team:add:960")
    assert "960 is now on the pact team." in texts(calls)
    [menu] = [c for c in calls if c.method == "setMyCommands"]
    assert menu.params["scope"] == {"type": "chat", "chat_id": 960}
    described = {c["command"] for c in menu.params["commands"]}
    assert {"admin", "broadcast", "team"} <= described
    assert texts(await harness.send(colleague, "/admin"))[0].startswith("<b>Bureau")
    # They are told, in their language, by the bot itself.
    told = [c for c in await harness.dispatch() if c.chat_id == colleague.id]
    assert [c.text for c in told] == [
        "Vous faites maintenant partie de l'équipe du pacte. /admin ouvre le bureau de "
        "l'équipe, et /help liste ses commandes."
    ]
    # Removed from the desk, after a confirmation: the team commands go at once.
    await harness.send(TEAM, "/admin")
    await harness.tap(TEAM, "adm:go:team")
    await harness.tap(TEAM, "team:ask:960")
    calls = await harness.tap(TEAM, "team:remove:960")
    assert [c.params["scope"] for c in calls if c.method == "deleteMyCommands"] == [
        {"type": "chat", "chat_id": 960}
    ]
    assert texts(await harness.send(colleague, "/admin")) == [
        "Cette commande est réservée à l'équipe du pacte."
    ]
    told = [c for c in await harness.dispatch() if c.chat_id == colleague.id]
    assert [c.text for c in told] == [
        "Vous ne faites plus partie de l'équipe du pacte. Merci pour votre travail."
    ]
    # A forward whose author Telegram hides.
    calls = await forward(
        harness, TEAM, {"type": "hidden_user", "date": 1_790_000_000, "sender_user_name": "X"}
    )
    assert "Ask them for their user id" in texts(calls)[0]


def test_export_cells_are_numbers_and_moments_a_spreadsheet_reads() -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator
    from handlers.kit.exports import cell

    brussels = ZoneInfo("Europe/Brussels")
    nl, en = Translator("nl", brussels), Translator("en", brussels)
    assert [cell(v, nl) for v in (6.0, 2.5, 1234567.25, 7, None)] == [
        "6",
        "2,5",
        "1234567,25",
        7,
        "",
    ]
    assert cell(2.5, en) == "2.5"
    assert cell("2026-07-01T22:30:00+00:00", nl) == "2026-07-02 00:30"  # summer time
    assert cell("2027-12-31", nl) == "2027-12-31"  # a date stays a date
