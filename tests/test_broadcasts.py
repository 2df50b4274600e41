"""Broadcasts: the team writes per language, chooses an audience, sees the count, previews
and tests, sends; the status message follows it to the end, Cancel stops the rest, a
second member approves a big one, a restart sends nobody anything twice."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from pathlib import Path

from bot.services.organisations import OrganisationDraft
from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, endorse, follow_weekly, open_campaign, register
from tests.harness import FakeClock, Harness, Person, alerts, texts
from tests.telegram_fake import Call, Fault
from tests.test_sessions import schedule

TEAM = Person(OWNER_ID, "en")
WORK = 1
NL_TEXT = "Beste partners, de opvolgdag is op 12 december. <Welkom> & tot dan!"
FR_TEXT = "Chers partenaires, la journée de suivi a lieu le 12 décembre."


def to(person: Person, calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.chat_id == person.id and c.method == "sendMessage"]


async def status_job(h: Harness) -> None:
    app = h.application
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("broadcast:status")
    await job.run(app)


async def write(h: Harness, nl: str = NL_TEXT, fr: str | None = FR_TEXT) -> None:
    """/broadcast → the Dutch text → French (or Skip) → English skipped → no button."""
    await h.send(TEAM, "/broadcast")
    await h.send(TEAM, nl)
    if fr:
        await h.send(TEAM, fr)
    else:
        await h.tap(TEAM, "bc:skip:")
    await h.tap(TEAM, "bc:skip:")
    await h.tap(TEAM, "bc:skip:")


async def education(h: Harness) -> list[Person]:
    people = [Person(800, "nl"), Person(801, "fr"), Person(802, "en"), Person(803, "nl")]
    await register(h, people[0], "School De Brug")
    await register(h, people[1], "École Le Pont")
    await register(h, people[2], "Bridge School")
    await register(h, people[3], "Bedrijf Werkt", WORK)
    await h.dispatch()
    return people


def status_of(h: Harness) -> Call:
    """The status message as the team member sees it now."""
    found = [c for c in h.request.messages(chat_id=TEAM.id) if "Broadcast" in c.text]
    return found[-1]


async def test_a_french_and_dutch_broadcast_to_education_reaches_all_but_the_one_who_blocked(
    harness: Harness,
) -> None:
    """The issue's "done when"."""
    nl, fr, en, work = await education(harness)
    await write(harness)
    await harness.tap(TEAM, "bc:audience:sectors")
    await harness.tap(TEAM, f"bc:sector:{EDUCATION}")
    review = texts(await harness.tap(TEAM, "bc:sector:done"))[-1]
    assert (
        "3 recipients (those who blocked the bot left out): less than a minute at 25 a second."
        in (review)
    )
    assert "French: 1, own text" in review and "English: 1, the Dutch text" in review
    # A preview in each language, and a test to oneself, as the recipients see them.
    preview = texts(await harness.tap(TEAM, "bc:preview:"))
    assert "Beste partners, de opvolgdag is op 12 december. &lt;Welkom&gt; &amp; tot dan!" in (
        preview
    )
    assert FR_TEXT in preview
    test = texts(await harness.tap(TEAM, "bc:test:"))
    assert (
        test[0] == "Beste partners, de opvolgdag is op 12 december. &lt;Welkom&gt; &amp; tot dan!"
    )
    assert to(nl, harness.request.calls[-6:]) == []  # nobody got anything yet
    harness.request.fail(
        Fault("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=en.id)
    )
    await harness.tap(TEAM, "bc:ok:")
    assert "<b>Broadcast 1</b> · sending" in status_of(harness).text
    before = len(harness.request.calls)
    await status_job(harness)  # nothing moved yet: no edit (Telegram refuses a no-op)
    assert harness.request.calls[before:] == []
    sent = await harness.dispatch()
    assert [c.text for c in to(nl, sent)] == [
        "Beste partners, de opvolgdag is op 12 december. &lt;Welkom&gt; &amp; tot dan!"
    ]
    assert [c.text for c in to(fr, sent)] == [FR_TEXT]
    assert to(en, sent) == [] and to(work, sent) == []
    await status_job(harness)
    status = status_of(harness)
    assert status.text == ("<b>Broadcast 1</b> · sent\n2 sent · 1 blocked the bot · 0 failed")
    calls = await harness.tap(TEAM, "bcv:csv:1")
    [document] = [c for c in calls if c.method == "sendDocument"]
    content = document.files["document"]
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Telegram user id", "Why", "Telegram's answer"]
    assert rows[1][:2] == [str(en.id), "blocked the bot"]
    db = harness.application.services.db
    actions = [r[0] for r in await db.fetchall("SELECT action FROM audit_log ORDER BY id")]
    assert "broadcast.send" in actions and "export.broadcast_unreached" in actions


async def test_every_audience_counts_who_it_reaches(harness: Harness) -> None:
    nl, fr, _, _ = await education(harness)
    follower = Person(810, "nl")
    await follow_weekly(harness, follower)
    session_id = await schedule(harness, "01/12/2026 14:30", (EDUCATION,))
    await harness.dispatch()
    await harness.tap(nl, f"rsvp:yes:{session_id}")
    await harness.tap(fr, f"rsvp:maybe:{session_id}")
    services = harness.application.services
    expected = {
        "everyone": 6,  # the team member, four contacts, the follower
        "contacts": 4,
        "followers": 1,
    }
    for kind, n in expected.items():
        counts = await services.broadcasts.count(OWNER_ID, {"kind": kind})
        assert sum(counts.values()) == n, kind
    for answers, n in (("all", 3), ("yes", 1), ("yes_maybe", 2)):
        spec = {"kind": "session", "session_id": session_id, "answers": answers}
        assert sum((await services.broadcasts.count(OWNER_ID, spec)).values()) == n
    # Through the flow: the session, then which invitees.
    await write(harness, fr=None)
    await harness.tap(TEAM, "bc:audience:session")
    await harness.tap(TEAM, f"bc:session:{session_id}")
    review = texts(await harness.tap(TEAM, "bc:answers:yes_maybe"))[-1]
    assert "2 recipients" in review


async def test_bad_input_is_refused_with_what_to_do_and_the_text_is_kept(
    harness: Harness,
) -> None:
    await education(harness)
    await harness.send(TEAM, "/broadcast")
    calls = await harness.send(TEAM, "x" * 4097)
    assert "longer than one Telegram message (4,096 characters)" in texts(calls)[0]
    calls = await harness.send(TEAM, "   ")
    assert "The message is empty" in texts(calls)[0]
    await harness.send(TEAM, NL_TEXT)
    await harness.tap(TEAM, "bc:skip:")
    await harness.tap(TEAM, "bc:skip:")
    calls = await harness.send(TEAM, "Lees meer www.example.be")
    assert "label | address" in texts(calls)[0]
    calls = await harness.send(TEAM, "Lees meer | javascript:alert(1)")
    assert "That is not a web address" in texts(calls)[0]
    calls = await harness.send(TEAM, "\n".join(f"Link {n} | www.example.be/{n}" for n in range(4)))
    assert "Three buttons at the most" in texts(calls)[0]
    calls = await harness.send(TEAM, "nl | fr | en | de | www.example.be")
    assert "a label per language" in texts(calls)[0]
    await harness.send(
        TEAM,
        "Lees meer | En savoir plus | Read more | www.vlaanderen.be/integratiepact\n"
        "Agenda | agenda.be",
    )
    await harness.tap(TEAM, "bc:audience:sectors")
    calls = await harness.press(
        TEAM, "bc:sector:done", harness.request.messages(TEAM.id)[-1].message_id or 0
    )
    assert alerts(calls) == ["Tick at least one sector."]
    await harness.tap(TEAM, f"bc:sector:{WORK}")
    await harness.tap(TEAM, "bc:sector:done")
    await harness.tap(TEAM, "bc:ok:")
    sent = await harness.dispatch()
    [message] = [c for c in sent if c.chat_id == 803]
    assert message.buttons == [
        [("Lees meer", "https://www.vlaanderen.be/integratiepact")],
        [("Agenda", "https://agenda.be")],
    ]


async def test_an_audience_of_nobody_cannot_be_sent(harness: Harness) -> None:
    await write(harness, fr=None)
    review = texts(await harness.tap(TEAM, "bc:audience:contacts"))[-1]
    assert "Nobody is in this audience: choose another one." in review
    assert "bc:ok:" not in harness.buttons(TEAM)
    calls = await harness.press(
        TEAM, "bc:ok:", harness.request.messages(TEAM.id)[-1].message_id or 0
    )
    assert harness.application.services.db is not None
    assert await harness.application.services.db.fetchval("SELECT count(*) FROM broadcast") == 0
    assert alerts(calls) == ["Nobody is in this audience (or all of them blocked the bot)."]


async def test_cancel_stops_what_was_not_sent_and_a_late_cancel_is_refused(
    harness: Harness,
) -> None:
    nl, fr, en, work = await education(harness)
    await write(harness)
    await harness.tap(TEAM, "bc:audience:contacts")
    await harness.tap(TEAM, "bc:ok:")
    await harness.tap(TEAM, "bcv:cancel:1")
    calls = await harness.tap(TEAM, "bcv:cancelok:1")
    final = "<b>Broadcast 1</b> · cancelled\n0 sent · 0 blocked the bot · 0 failed · 4 not sent "
    assert final + "(cancelled)" in texts(calls)
    sent = await harness.dispatch()
    assert all(to(p, sent) == [] for p in (nl, fr, en, work))
    calls = await harness.press(TEAM, "bcv:cancelok:1")
    assert alerts(calls) == ["That broadcast was sent or cancelled already."]
    # A cancel after everything was sent says so.
    await write(harness)
    await harness.tap(TEAM, "bc:audience:contacts")
    await harness.tap(TEAM, "bc:ok:")
    await harness.dispatch()
    calls = await harness.press(TEAM, "bcv:cancel:2")
    await status_job(harness)
    calls = await harness.press(TEAM, "bcv:cancel:2")
    assert alerts(calls) == ["That broadcast was sent or cancelled already."]


async def test_a_restart_in_the_middle_sends_nobody_anything_twice(harness: Harness) -> None:
    people = await education(harness)
    await write(harness)
    await harness.tap(TEAM, "bc:audience:contacts")
    await harness.tap(TEAM, "bc:ok:")
    # Two of them are not reached before the bot goes down (Telegram answers 502).
    for person in people[:2]:
        harness.request.fail(Fault("sendMessage", 502, "Bad Gateway", times=9, chat_id=person.id))
    first = await harness.dispatch()
    await harness.kill()
    harness.request.faults.clear()
    await harness.start()
    harness.clock.advance(minutes=5)
    second = await harness.dispatch()
    for person in people:
        assert len(to(person, first + second)) == 1, person
    await status_job(harness)
    assert "4 sent · 0 blocked the bot · 0 failed" in status_of(harness).text


async def test_a_big_broadcast_waits_for_a_second_member(tmp_path: Path, clock: FakeClock) -> None:
    h = Harness(
        tmp_path / "pact.sqlite3",
        clock,
        {"ADMIN_IDS": f"{OWNER_ID},2", "BROADCAST_APPROVAL_OVER": "2"},
    )
    await h.start()
    try:
        people = await education(h)
        second = Person(2, "nl")
        await h.send(second, "/start")
        await write(h)
        review = texts(await h.tap(TEAM, "bc:audience:contacts"))[-1]
        assert "Above the limit: a second team member approves it first." in review
        await h.tap(TEAM, "bc:ok:")
        asked = await h.dispatch()
        assert all(to(p, asked) == [] for p in people)
        [request] = to(second, asked)
        assert request.button_data == ["bcv:approve:1", "bcv:cancel:1"]
        # The approver reads what everyone will get: the audience and every language.
        assert "Aan: Alle contactpersonen van organisaties" in request.text
        assert "<b>Nederlands</b>\nBeste partners" in request.text
        assert f"<b>Frans</b>\n{FR_TEXT}" in request.text
        assert "<b>Engels</b>\n(de Nederlandse tekst)" in request.text
        # The writer cannot approve their own; a stranger cannot at all.
        calls = await h.press(TEAM, "bcv:approve:1")
        assert alerts(calls) == ["A second team member approves it, not the one who wrote it."]
        calls = await h.press(people[0], "bcv:approve:1")
        assert alerts(calls) == ["Dit commando is voor het pactteam."]
        approved = await h.tap(second, "bcv:approve:1")
        # The approver's copy ends in a final state: no counts that stay behind, no buttons.
        [copy] = [c for c in approved if c.method == "editMessageText"]
        assert copy.text.startswith("<b>Rondzendbericht 1</b> · door jou goedgekeurd.")
        assert copy.button_data == []
        calls = await h.press(second, "bcv:approve:1")  # twice: once is enough
        assert alerts(calls) == ["Dat rondzendbericht werd al goedgekeurd of stopgezet."]
        sent = await h.dispatch()
        assert all(len(to(p, sent)) == 1 for p in people)
    finally:
        await h.stop()
    assert h.telegram_refusals() == []


async def test_broadcast_is_for_the_team_only(harness: Harness) -> None:
    stranger = Person(820, "nl")
    calls = await harness.send(stranger, "/broadcast")
    assert texts(calls) == ["Dit commando is voor het pactteam."]
    for data in ("bcv:cancel:1", "bcv:csv:1", "bcv:approve:1"):
        calls = await harness.press(stranger, data)
        assert alerts(calls) == ["Dit commando is voor het pactteam."], data
    for data in ("bcv:csv:999", "bcv:nope:1", "bcv:cancel:x"):
        calls = await harness.press(TEAM, data)
        assert alerts(calls) and alerts(calls)[0] in (
            "That broadcast does not exist.",
            "This button is no longer valid.",
        ), data


async def test_organisations_that_have_not_endorsed_and_a_forged_session(
    harness: Harness,
) -> None:
    nl, fr, en, work = await education(harness)
    campaign = await open_campaign(harness, TEAM)
    await endorse(harness, nl, campaign, "Wij doen mee.", on_behalf=True)
    await endorse(harness, fr, campaign, "Moi aussi.", on_behalf=False)  # personally counts
    await write(harness, fr=None)
    review = texts(await harness.tap(TEAM, "bc:audience:not_endorsed"))[-1]
    assert "2 recipients" in review  # the two organisations nobody endorsed for
    await harness.tap(TEAM, "bc:ok:")
    sent = await harness.dispatch()
    assert [len(to(p, sent)) for p in (nl, fr, en, work)] == [0, 0, 1, 1]
    # A session that does not exist, pressed from an old or forged button.
    await write(harness, fr=None)
    await harness.tap(TEAM, "bc:audience:session")
    question = harness.request.messages(TEAM.id)[-1]
    calls = await harness.press(TEAM, "bc:session:999", shown=question)
    assert alerts(calls) == ["That session does not exist (any more)."]
    await harness.send(TEAM, "/admin")
    listing = texts(await harness.tap(TEAM, "adm:broadcasts:"))[-1]
    assert "<b>Broadcast 1</b> · sending" in listing or "<b>Broadcast 1</b> · sent" in listing


class _RealTime:
    """The sending pace on the real clock: sends wait for their turn for real."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.sleep = asyncio.sleep
        self.monotonic = time.monotonic


async def test_a_cancel_under_a_slow_limit_is_exact_in_status_csv_and_export(
    tmp_path: Path, clock: FakeClock
) -> None:
    """The issue's "done when": 28 recipients at 2 a second, cancelled while messages wait
    for their turn. Nothing arrives after "stopped", and the status (both messages), the
    CSV of who was not reached and the export all say what arrived."""
    h = Harness(
        tmp_path / "pact.sqlite3", clock, {"ADMIN_IDS": str(OWNER_ID), "BROADCAST_RATE": "2"}
    )
    h.time = _RealTime()  # type: ignore[assignment]
    await h.start()
    try:
        services = h.application.services
        people = [Person(9000 + n, ("nl", "fr", "en")[n % 3]) for n in range(28)]
        for n, person in enumerate(people):
            await services.people.greet(person.id, person.language_code)
            await services.organisations.register(
                person.id, "Contact", OrganisationDraft(f"Organisatie {n}", EDUCATION)
            )
        await h.dispatch()  # the digest offers and the like, before the broadcast
        await write(h)
        await h.tap(TEAM, "bc:audience:contacts")
        await h.tap(TEAM, "bc:ok:")
        status_id = status_of(h).message_id

        def arrived() -> list[Call]:
            return [
                c
                for c in h.request.calls
                if c.method == "sendMessage"
                and c.chat_id != TEAM.id
                and c.text.startswith(("Beste partners", "Chers partenaires"))
            ]

        three_went = asyncio.Event()

        async def on_the_way_back(call: Call) -> None:
            if call.text.startswith(("Beste partners", "Chers partenaires")):
                delivered.append(call)
                if len(delivered) == 3:
                    three_went.set()

        delivered: list[Call] = []
        h.request.on_the_way_back = on_the_way_back
        sending = asyncio.create_task(h.dispatch())
        await three_went.wait()
        await h.tap(TEAM, "bcv:cancel:1")
        calls = await h.tap(TEAM, "bcv:cancelok:1")
        shown_then = len(arrived())
        final, on_status = [c.text for c in calls if "cancelled" in c.text]
        assert on_status == final  # the confirmation and the status message alike
        await sending
        await h.dispatch()
        assert len(arrived()) == shown_then, "nothing arrives after the team saw it stopped"
        got = len({c.chat_id for c in arrived()})
        assert got == shown_then < 28
        head, counts = final.split("\n")
        assert head == "<b>Broadcast 1</b> · cancelled"
        assert counts == (
            f"{got} sent · 0 blocked the bot · 0 failed · {28 - got} not sent (cancelled)"
        )
        # The status message itself ends there too, without the Cancel button.
        [status] = [c for c in h.request.messages(TEAM.id) if c.message_id == status_id][-1:]
        assert status.text == final and "bcv:cancel:1" not in status.button_data
        await status_job(h)
        assert [c for c in h.request.messages(TEAM.id) if c.message_id == status_id][-1] == status
        # Who was not reached: everyone else, once each.
        calls = await h.tap(TEAM, "bcv:csv:1")
        [document] = [c for c in calls if c.method == "sendDocument"]
        content = document.files["document"].decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(content), delimiter=";"))[1:]
        assert len(rows) == 28 - got and {r[1] for r in rows} == {"not sent: cancelled"}
        assert {int(r[0]) for r in rows} == {p.id for p in people} - {c.chat_id for c in arrived()}
        # The export adds up to the recipients.
        await h.send(TEAM, "/admin")
        await h.tap(TEAM, "adm:exports:")
        calls = await h.tap(TEAM, "adm:export:broadcasts")
        [export] = [c for c in calls if c.method == "sendDocument"]
        header, row = list(
            csv.reader(io.StringIO(export.files["document"].decode("utf-8-sig")), delimiter=";")
        )
        line = dict(zip(header, row, strict=True))
        assert line["Recipients"] == "28" and line["Sent"] == str(got)
        assert line["Cancelled"] == str(28 - got) and line["Waiting"] == "0"
    finally:
        await h.stop()
    assert h.telegram_refusals() == []


async def test_each_reader_gets_the_link_buttons_in_their_language(harness: Harness) -> None:
    nl, fr, en, _work = await education(harness)
    await harness.send(TEAM, "/broadcast")
    await harness.send(TEAM, NL_TEXT)
    await harness.tap(TEAM, "bc:skip:")
    await harness.tap(TEAM, "bc:skip:")
    await harness.send(
        TEAM, "Lees meer | En savoir plus | Read more | www.example.be\nAgenda | agenda.be"
    )
    review = texts(await harness.tap(TEAM, "bc:audience:contacts"))[-1]
    assert "Button: Lees meer / En savoir plus / Read more → https://www.example.be" in review
    await harness.tap(TEAM, "bc:ok:")
    sent = await harness.dispatch()
    for person, label in ((nl, "Lees meer"), (fr, "En savoir plus"), (en, "Read more")):
        [message] = to(person, sent)
        assert message.buttons == [
            [(label, "https://www.example.be")],
            [("Agenda", "https://agenda.be")],  # one label: the same for everyone
        ], person
