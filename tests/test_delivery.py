"""Delivery: several sends in flight under one pace, Telegram's 429 in the middle of them,
a kill with messages in flight, start-up, notices before bulk, paid broadcasts, chats as
recipients, timeouts, and the outbox's retention."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.delivery.kinds import Kind, Text
from bot.delivery.outbox import Due, Message
from bot.delivery.pace import Pace
from bot.i18n import Translator
from bot.services.organisations import OrganisationDraft
from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, register
from tests.harness import FakeClock, FakeTime, Harness, Person, texts
from tests.telegram_fake import Call, Fault
from tests.test_sessions import TEAM, schedule

WINDOW = 4  # sends in flight at BROADCAST_RATE=8


@pytest.fixture
async def slow(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    """A bot whose dispatcher keeps at most four sends in flight."""
    h = Harness(
        tmp_path / "pact.sqlite3", clock, {"ADMIN_IDS": str(OWNER_ID), "BROADCAST_RATE": "8"}
    )
    await h.start()
    assert h.application.dispatcher.window == WINDOW
    yield h
    await h.stop()


async def contacts(h: Harness, count: int, first_id: int = 5000) -> list[Person]:
    """`count` contacts of as many organisations in education, registered through the
    service (the flow itself is tested elsewhere)."""
    services = h.application.services
    people = [Person(first_id + n, ("nl", "fr", "en")[n % 3]) for n in range(count)]
    for n, person in enumerate(people):
        await services.people.greet(person.id, person.language_code)
        await services.organisations.register(
            person.id, f"Contact {n}", OrganisationDraft(f"School {first_id + n}", EDUCATION)
        )
    return people


def delivered(calls: list[Call]) -> Counter[tuple[int | str | None, str]]:
    """How often each chat got each kind of send, the team's own replies left out."""
    return Counter(
        (c.chat_id, c.method)
        for c in calls
        if c.method in ("sendMessage", "sendDocument") and c.chat_id != OWNER_ID
    )


def hold_answers(
    h: Harness, release: Callable[[list[asyncio.Future[None]]], bool]
) -> list[asyncio.Future[None]]:
    """Telegram delivers each message at once but its answer waits until `release(held)`
    says the answers held so far may go back."""
    held: list[asyncio.Future[None]] = []

    async def on_the_way_back(call: Call) -> None:
        if call.method not in ("sendMessage", "sendDocument"):
            return
        answer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        held.append(answer)
        if release(held):
            for waiting in held:
                if not waiting.done():
                    waiting.set_result(None)
        await answer

    h.request.on_the_way_back = on_the_way_back
    return held


async def test_several_sends_are_in_flight_at_once_never_more_than_the_window(
    slow: Harness,
) -> None:
    people = await contacts(slow, 12)
    await schedule(slow)  # an invitation and a calendar file for each: 24 sends
    sent = 0

    def release(held: list[asyncio.Future[None]]) -> bool:
        # Answers go back only once the window is full (or all that is left is in it):
        # a dispatcher that waits for each answer before the next send never gets there.
        nonlocal sent
        waiting = sum(1 for f in held if not f.done())
        if waiting == min(WINDOW, 24 - sent):
            sent += waiting
            return True
        return False

    hold_answers(slow, release)
    calls = await asyncio.wait_for(slow.dispatch(), timeout=10)
    assert slow.request.most_in_flight == WINDOW
    assert delivered(calls) == Counter(
        {(p.id, m): 1 for p in people for m in ("sendMessage", "sendDocument")}
    )
    # Each person's invitation went before their calendar file.
    for person in people:
        assert [c.method for c in calls if c.chat_id == person.id] == [
            "sendMessage",
            "sendDocument",
        ]


async def test_a_429_in_the_middle_of_a_batch_pauses_everyone_and_loses_nobody(
    slow: Harness,
) -> None:
    people = await contacts(slow, 8)
    session_id = await schedule(slow)
    unlucky = people[3]
    slow.request.fail(
        Fault(
            "sendMessage",
            429,
            "Too Many Requests: retry after 7",
            retry_after=7,
            chat_id=unlucky.id,
        )
    )
    calls = await slow.dispatch()
    [refused] = [c for c in slow.request.attempts if c.chat_id == unlucky.id]
    # Sends under way when Telegram said 429 finish; every send after it waits 7 s.
    later = [c for c in slow.request.attempts if c.at > refused.at]
    assert later and all(c.at >= refused.at + 7 for c in later)
    assert (unlucky.id, "sendMessage") not in delivered(calls)
    db = slow.application.services.db
    row = await db.fetchone(
        "SELECT state, attempts, due_at FROM outbox WHERE kind = 'invite' AND recipient_id = ?",
        (unlucky.id,),
    )
    assert row is not None
    # Postponed, not counted as an attempt, due once Telegram's wait is over.
    assert (row["state"], row["attempts"]) == ("pending", 0)
    assert row["due_at"] == "2026-11-23T09:00:07+00:00"

    slow.clock.advance(seconds=7)
    calls += await slow.dispatch()
    assert delivered(calls) == Counter(
        {(p.id, m): 1 for p in people for m in ("sendMessage", "sendDocument")}
    )
    # The calendar file still came after the invitation it belongs to.
    assert [c.method for c in calls if c.chat_id == unlucky.id] == ["sendMessage", "sendDocument"]
    report = await slow.application.services.outbox.report(f"session:{session_id}:invite:0")
    assert (report.queued, report.sent, report.pending) == (8, 8, 0)


async def test_a_kill_with_messages_in_flight_repeats_only_those(
    slow: Harness,
) -> None:
    people = await contacts(slow, 10)
    await schedule(slow)
    full = asyncio.Event()
    answered = 0

    def release(held: list[asyncio.Future[None]]) -> bool:
        # The first six answers come back; after that Telegram delivers but the answers
        # never arrive, and the bot is killed once the window is full of them.
        nonlocal answered
        if answered < 6:
            answered += 1
            return True
        if sum(1 for f in held if not f.done()) == WINDOW:
            full.set()
        return False

    hold_answers(slow, release)
    run = asyncio.create_task(slow.dispatch())
    await asyncio.wait_for(full.wait(), timeout=10)
    in_flight = slow.request.in_flight
    before = list(slow.request.calls)
    run.cancel()  # killed: nothing more is written
    with pytest.raises(asyncio.CancelledError):
        await run
    await slow.restart()
    await slow.dispatch()
    counts = delivered(before + slow.request.calls)
    assert set(counts) == {(p.id, m) for p in people for m in ("sendMessage", "sendDocument")}
    assert in_flight == WINDOW
    assert sorted(counts.values()) == [1] * (20 - WINDOW) + [2] * WINDOW


async def test_overdue_messages_go_out_right_after_start(harness: Harness) -> None:
    """The bot is down while 1,000 reminders fall due; started again, the JobQueue sends
    them at once (not at the first sweep a minute later), each once, and the 7-day
    reminders that fell due too are skipped for the 1-day ones."""
    people = await contacts(harness, 1000)
    session_id = await schedule(harness)
    await harness.dispatch()
    await harness.stop()
    harness.clock.current = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)  # a day before
    app = await harness.start()
    done = asyncio.Event()
    dispatcher = app.dispatcher
    real_run = dispatcher.run

    async def run_and_tell(bot: object) -> object:
        report = await real_run(app.bot)
        done.set()
        return report

    dispatcher.run = run_and_tell  # type: ignore[method-assign, assignment]
    await app.start()
    try:
        assert app.job_queue is not None
        [sweep] = app.job_queue.get_jobs_by_name("outbox:sweep")
        assert sweep.next_t is not None
        assert (sweep.next_t - dt.datetime.now(dt.UTC)).total_seconds() > 50
        await asyncio.wait_for(done.wait(), timeout=30)
    finally:
        await app.stop()
    reminders = [
        c for c in harness.request.calls if c.text.startswith(("Herinnering", "Rappel", "Reminder"))
    ]
    assert Counter(c.chat_id for c in reminders) == Counter({p.id: 1 for p in people})
    db = app.services.db
    states = await db.fetchall(
        "SELECT json_extract(payload, '$.offset'), state, count(*) FROM outbox"
        " WHERE kind = 'reminder' AND subject = ? GROUP BY 1, 2",
        (f"session:{session_id}",),
    )
    assert {(r[0], r[1]): r[2] for r in states} == {
        (10080, "skipped"): 1000,
        (1440, "sent"): 1000,
        (120, "pending"): 1000,
    }


async def test_a_join_request_goes_before_a_backlog_of_invitations(harness: Harness) -> None:
    await contacts(harness, 30)
    await schedule(harness)  # 60 bulk messages queued, not sent yet
    founder, newcomer = Person(601, "en"), Person(602, "en")
    await register(harness, founder, "Vzw Voorrang")
    await harness.send(newcomer, "/register")
    await harness.send(newcomer, "vzw voorrang")
    await harness.tap(newcomer, "reg:join:")
    calls = await harness.dispatch()
    sends = [c for c in calls if c.method in ("sendMessage", "sendDocument")]
    assert sends[0].chat_id == founder.id
    assert sends[0].text == "Test asks to join Vzw Voorrang as a contact."
    assert len(sends) == 61


async def test_paid_broadcasts_are_for_bulk_messages_only(tmp_path: Path, clock: FakeClock) -> None:
    h = Harness(
        tmp_path / "paid.sqlite3",
        clock,
        {"ADMIN_IDS": str(OWNER_ID), "PAID_BROADCAST": "true", "BROADCAST_RATE": "500"},
    )
    await h.start()
    try:
        assert h.application.dispatcher.window == 250
        [teacher] = await contacts(h, 1)
        founder, newcomer = Person(611, "en"), Person(612, "en")
        await register(h, founder, "Vzw Betaald")
        await h.send(newcomer, "/register")
        await h.send(newcomer, "vzw betaald")
        await h.tap(newcomer, "reg:join:")
        await schedule(h)
        calls = await h.dispatch()
        [invitation] = [c for c in calls if c.chat_id == teacher.id and c.method == "sendMessage"]
        [calendar] = [c for c in calls if c.chat_id == teacher.id and c.method == "sendDocument"]
        [join_request] = [c for c in calls if "asks to join" in c.text]
        assert invitation.params["allow_paid_broadcast"] is True
        assert calendar.params["allow_paid_broadcast"] in (True, "true")
        assert "allow_paid_broadcast" not in join_request.params
        # Replies to people are never paid broadcasts.
        assert all(
            "allow_paid_broadcast" not in c.params for c in h.request.calls if c.chat_id == OWNER_ID
        )
    finally:
        await h.stop()


async def test_a_channel_is_a_recipient_too(harness: Harness) -> None:
    async def note(message: Due, t: Translator) -> Text:
        return Text(t.gettext("Yes") + f" {message.payload['n']}")

    services = harness.application.services
    services.outbox.kinds.register(Kind("test-note", note))
    now = harness.clock.now()
    async with services.db.transaction() as tx:
        await services.outbox.enqueue(
            tx,
            [
                Message("@pactdigest", "test-note", now, "note:1", {"n": 1}),
                Message(-1001234, "test-note", now, "note:2", {"n": 2, "locale": "fr"}),
            ],
        )
    calls = await harness.dispatch()
    assert [(c.chat_id, c.text) for c in calls] == [
        ("@pactdigest", "Ja 1"),  # the default language, Dutch
        (-1001234, "Oui 2"),
    ]


async def test_timeouts_retry_only_what_never_reached_telegram(harness: Harness) -> None:
    first, second = Person(621, "en"), Person(622, "en")
    await register(harness, first, "School Verbinding")
    await register(harness, second, "School Antwoord")
    await schedule(harness)
    harness.request.fail(Fault("sendMessage", 0, chat_id=first.id, timeout="connect"))
    harness.request.fail(Fault("sendMessage", 0, chat_id=second.id, timeout="read"))
    calls = await harness.dispatch()
    counts = delivered(calls)
    # The connection never opened: tried again at the back of the queue, delivered once,
    # and the calendar file behind it waited for it.
    assert counts[(first.id, "sendMessage")] == 1
    assert [c.method for c in calls if c.chat_id == first.id] == ["sendMessage", "sendDocument"]
    # The answer was lost after Telegram delivered it: not sent a second time.
    assert counts[(second.id, "sendMessage")] == 1
    db = harness.application.services.db
    row = await db.fetchone(
        "SELECT state, last_error FROM outbox WHERE kind = 'invite' AND recipient_id = ?",
        (second.id,),
    )
    assert row is not None and row["state"] == "sent" and "Timed out" in row["last_error"]


async def test_a_reply_that_gets_a_429_waits_and_arrives(harness: Harness) -> None:
    person = Person(631, "en")
    harness.request.fail(
        Fault("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3, chat_id=631)
    )
    calls = await harness.send(person, "/help")
    assert len(texts(calls)) == 1
    assert 3.0 in harness.sleeps


async def test_settled_messages_are_deleted_after_the_retention(harness: Harness) -> None:
    teacher = Person(641, "en")
    await register(harness, teacher, "School Bewaren")
    await schedule(harness)
    await harness.dispatch()
    outbox = harness.application.services.outbox
    db = harness.application.services.db

    async def states() -> Counter[str]:
        rows = await db.fetchall("SELECT state FROM outbox")
        return Counter(r[0] for r in rows)

    before = await states()
    assert before["sent"] == 2 and before["pending"] == 4  # 3 reminders and the follow-up
    harness.clock.advance(days=29, hours=23)
    assert await outbox.prune() == 0
    harness.clock.advance(hours=2)
    assert await outbox.prune() == 2
    assert await states() == Counter({"pending": 4})


async def test_each_session_card_shows_how_the_invitations_went(harness: Harness) -> None:
    reached, gone = Person(651, "en"), Person(652, "en")
    await register(harness, reached, "School Bereikt")
    await register(harness, gone, "School Weg")
    session_id = await schedule(harness)
    harness.request.fail(Fault("sendMessage", 403, "Forbidden: bot was blocked", chat_id=gone.id))
    await harness.dispatch()
    await harness.send(TEAM, "/sessions")
    [card] = texts(await harness.tap(TEAM, f"ses:open:{session_id}"))
    assert "Invitations: 1 delivered, 0 waiting, 1 blocked the bot, 0 failed" in card


async def test_replies_never_wait_for_bulk_sends_which_make_room_after_them() -> None:
    time = FakeTime()
    pace = Pace(10, sleep=time.sleep, monotonic=time.monotonic)
    start = time.current
    for _ in range(5):
        await pace.bulk()
    assert time.current == pytest.approx(start + 0.4)  # ten a second
    pace.reply()
    pace.reply()
    assert time.current == pytest.approx(start + 0.4)  # replies did not wait
    await pace.bulk()
    assert time.current == pytest.approx(start + 0.7)  # the next bulk send went after them


async def test_a_pause_stops_every_send_and_a_channel_keeps_its_own_pace() -> None:
    time = FakeTime()
    pace = Pace(30, sleep=time.sleep, monotonic=time.monotonic)
    start = time.current
    pace.pause(7)
    await pace.bulk()
    assert time.current == pytest.approx(start + 7)
    await pace.until_clear()  # replies wait out the pause too, and nothing more
    assert time.current == pytest.approx(start + 7)
    # Telegram allows 20 a minute in a group or channel: three go at once, then one
    # every three seconds.
    first = time.current
    for _ in range(3):
        await pace.bulk(chat="@pactdigest")
    assert time.current < first + 0.1
    await pace.bulk(chat="@pactdigest")
    assert time.current == pytest.approx(first + 3, abs=0.05)
