"""Follow-up sessions: scheduling, invitations with a calendar file, answers, reminders
at the right local time, moves and cancellations, across restarts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.i18n import Translator
from bot.services import validation
from bot.services.sessions import reminder_time
from handlers.kit.render import offset_text
from tests.conftest import OWNER_ID
from tests.flows import EDUCATION, register
from tests.harness import Harness, Person, alerts, notes, texts
from tests.telegram_fake import Call

BRUSSELS = ZoneInfo("Europe/Brussels")
TEAM = Person(OWNER_ID, "en")
WORK = 1


async def schedule(
    h: Harness,
    when: str = "01/12/2026 14:30",
    sectors: tuple[int, ...] = (EDUCATION,),
    title: str = "Follow-up education",
    offsets: str | None = None,
) -> int:
    await h.send(TEAM, "/newsession")
    await h.send(TEAM, title)
    for sector in sectors:
        await h.tap(TEAM, f"ns:sector:{sector}")
    await h.tap(TEAM, "ns:sector:done")
    await h.send(TEAM, when)
    await h.tap(TEAM, "ns:duration:90")
    await h.send(TEAM, "Vooruitgangstraat 1, Brussel")
    await h.send(TEAM, "meet.example.be/pact")
    await h.send(TEAM, "1. Welcome\n2. Progress per organisation")
    if offsets:
        await h.send(TEAM, offsets)
    else:
        await h.tap(TEAM, "ns:offsets:keep")
    await h.tap(TEAM, "ns:ok:")
    value = await h.application.services.db.fetchval(
        "SELECT max(id) FROM session WHERE title = ?", (title,)
    )
    return int(value)


def to(person: Person, calls: list[Call], method: str = "sendMessage") -> list[Call]:
    return [c for c in calls if c.chat_id == person.id and c.method == method]


def ics_of(call: Call) -> Calendar:
    return Calendar.from_ical(call.files["document"])


async def test_a_session_invites_its_sector_in_each_language_and_reminds(
    harness: Harness,
) -> None:
    teacher, prof, baker = Person(800, "nl"), Person(801, "fr"), Person(802, "en")
    await register(harness, teacher, "Basisschool De Linde")
    await register(harness, prof, "École des Tilleuls")
    await register(harness, baker, "Bakkerij Brood", sector_id=WORK)
    # 23 November 2026, 10:00 in Brussels now; the session is a week and a day ahead.
    session_id = await schedule(harness)
    assert "1 contact is invited" not in harness.last_text(TEAM)
    assert "2 contacts are invited" in harness.last_text(TEAM)

    calls = await harness.dispatch()
    [nl_invite] = to(teacher, calls)
    assert nl_invite.text.startswith("Je bent uitgenodigd op een opvolgbijeenkomst van het pact:")
    assert "dinsdag 1 december 2026, 14:30–16:00" in nl_invite.text
    assert nl_invite.button_data == [
        f"rsvp:yes:{session_id}",
        f"rsvp:maybe:{session_id}",
        f"rsvp:no:{session_id}",
    ]
    [fr_invite] = to(prof, calls)
    assert "mardi 1 décembre 2026, 14:30–16:00" in fr_invite.text
    assert to(baker, calls) == []

    [ics_call] = to(teacher, calls, "sendDocument")
    [event] = ics_of(ics_call).walk("VEVENT")
    assert str(event["uid"]) == f"session-{session_id}@pactbot"
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 1, 14, 30, tzinfo=BRUSSELS)
    assert event["dtstart"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("dtend") == dt.datetime(2026, 12, 1, 16, 0, tzinfo=BRUSSELS)
    assert str(event["summary"]) == "Follow-up education"
    assert str(event["location"]) == "Vooruitgangstraat 1, Brussel"
    assert str(event["url"]) == "https://meet.example.be/pact"
    assert "Progress per organisation" in str(event["description"])
    assert event.decoded("sequence") == 0
    assert ics_of(ics_call).walk("VTIMEZONE")

    # Nothing more is due yet; running again sends nothing twice.
    assert await harness.dispatch() == []

    await harness.tap(teacher, f"rsvp:yes:{session_id}")
    await harness.tap(prof, f"rsvp:no:{session_id}")

    harness.clock.current = dt.datetime(2026, 11, 24, 13, 30, tzinfo=dt.UTC)  # 7 days before
    calls = await harness.dispatch()
    [reminder] = to(teacher, calls)
    assert reminder.text.startswith("Herinnering:")
    assert reminder.buttons[0][0] == ("✓ Ja", f"rsvp:yes:{session_id}")  # her answer, ticked
    assert to(prof, calls) == []  # said no: no reminders


async def test_moving_a_session_replaces_the_reminders_even_across_a_restart(
    harness: Harness,
) -> None:
    teacher = Person(810, "en")
    await register(harness, teacher, "School Noord")
    session_id = await schedule(harness)
    await harness.dispatch()

    await harness.send(TEAM, "/sessions")
    await harness.tap(TEAM, f"ses:open:{session_id}")
    await harness.tap(TEAM, f"mv:start:{session_id}")
    assert notes(await harness.send(TEAM, "20/11/2026 10:00")) == [
        "That moment is in the past. Choose a later one, like 30/11/2026 14:30."
    ]
    await harness.send(TEAM, "08/12/2026 09:00")
    await harness.tap(TEAM, "mv:ok:")

    await harness.restart()  # the bot is killed and restarted before anything is sent
    calls = await harness.dispatch()
    [moved] = to(teacher, calls)
    assert moved.text.startswith(
        "This session has moved from Tuesday, 1 December 2026 at 14:30"
        " to Tuesday, 8 December 2026 at 09:00:"
    )
    assert "Tuesday, 8 December 2026, 09:00–10:30" in moved.text
    [event] = ics_of(to(teacher, calls, "sendDocument")[0]).walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2026, 12, 8, 9, 0, tzinfo=BRUSSELS)
    assert event.decoded("sequence") == 1

    # The old one-day reminder (30 November, 14:30) never comes.
    harness.clock.current = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)
    assert to(teacher, await harness.dispatch()) == []
    # The new one does, for the new time.
    harness.clock.current = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
    [reminder] = to(teacher, await harness.dispatch())
    assert "Tuesday, 8 December 2026, 09:00–10:30" in reminder.text
    states = {
        r[0]: r[1]
        for r in await harness.application.services.db.fetchall(
            "SELECT idempotency_key, state FROM outbox WHERE kind = 'reminder'"
            " AND json_extract(payload, '$.start') = '2026-12-01T13:30:00+00:00'"
        )
    }
    assert states and set(states.values()) == {"void"}


async def move(h: Harness, session_id: int, when: str) -> None:
    await h.send(TEAM, "/sessions")
    await h.tap(TEAM, f"ses:open:{session_id}")
    await h.tap(TEAM, f"mv:start:{session_id}")
    await h.send(TEAM, when)
    await h.tap(TEAM, "mv:ok:")


async def test_a_session_moved_away_and_back_is_reminded_and_followed_up_again(
    harness: Harness,
) -> None:
    teacher = Person(815, "en")
    await register(harness, teacher, "School Terug")
    session_id = await schedule(harness)
    await harness.dispatch()
    await harness.tap(teacher, f"rsvp:yes:{session_id}")
    await move(harness, session_id, "08/12/2026 09:00")
    await move(harness, session_id, "01/12/2026 14:30")  # back where it was
    calls = await harness.dispatch()
    assert to(teacher, calls)[-1].text.startswith(
        "This session has moved from Tuesday, 8 December 2026 at 09:00"
        " to Tuesday, 1 December 2026 at 14:30:"
    )
    # The reminders and the question afterwards are planned again for the old time.
    harness.clock.current = dt.datetime(2026, 11, 30, 13, 30, tzinfo=dt.UTC)
    [reminder] = to(teacher, await harness.dispatch())
    assert reminder.text.startswith("Reminder: the session starts tomorrow at 14:30.")
    harness.clock.current = dt.datetime(2026, 12, 1, 11, 30, tzinfo=dt.UTC)
    [reminder] = to(teacher, await harness.dispatch())
    assert reminder.text.startswith("Reminder: the session starts today at 14:30, in 2 hours.")
    harness.clock.current = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
    [question] = to(teacher, await harness.dispatch())
    assert question.text.startswith("Thank you for coming to")


async def test_a_reminder_due_while_the_bot_was_down_goes_once_and_a_gone_one_is_skipped(
    harness: Harness,
) -> None:
    teacher = Person(820, "nl")
    await register(harness, teacher, "School Zuid")
    await schedule(harness)
    await harness.dispatch()
    await harness.stop()
    # Down until the day before: the 7-day reminder's moment is gone, the 1-day one is due.
    harness.clock.current = dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC)
    await harness.start()
    calls = await harness.dispatch()
    [reminder] = to(teacher, calls)
    assert reminder.text.startswith("Herinnering:")
    assert await harness.dispatch() == []
    skipped = await harness.application.services.db.fetchval(
        "SELECT count(*) FROM outbox WHERE kind = 'reminder' AND state = 'skipped'"
    )
    assert skipped == 1


def test_whole_day_reminders_keep_the_local_time_across_daylight_saving() -> None:
    spring = dt.datetime(2027, 3, 29, 10, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)  # CEST
    assert reminder_time(spring, 7 * 1440, BRUSSELS).astimezone(BRUSSELS).hour == 10
    assert reminder_time(spring, 7 * 1440, BRUSSELS) == dt.datetime(
        2027, 3, 22, 9, 0, tzinfo=dt.UTC
    )
    assert reminder_time(spring, 1440, BRUSSELS) == dt.datetime(2027, 3, 28, 8, 0, tzinfo=dt.UTC)
    assert reminder_time(spring, 120, BRUSSELS) == dt.datetime(2027, 3, 29, 6, 0, tzinfo=dt.UTC)
    autumn = dt.datetime(2027, 11, 1, 10, 0, tzinfo=BRUSSELS).astimezone(dt.UTC)  # CET
    assert reminder_time(autumn, 7 * 1440, BRUSSELS) == dt.datetime(
        2027, 10, 25, 8, 0, tzinfo=dt.UTC
    )
    assert reminder_time(autumn, 1440, BRUSSELS) == dt.datetime(2027, 10, 31, 9, 0, tzinfo=dt.UTC)
    assert reminder_time(autumn, 120, BRUSSELS) == dt.datetime(2027, 11, 1, 7, 0, tzinfo=dt.UTC)


async def test_reminders_fire_at_ten_local_across_the_march_change(harness: Harness) -> None:
    harness.clock.current = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    teacher = Person(830, "en")
    await register(harness, teacher, "School Lente")
    await schedule(harness, when="29/03/2027 10:00")
    await harness.dispatch()
    harness.clock.current = dt.datetime(2027, 3, 22, 8, 59, tzinfo=dt.UTC)  # 09:59 CET
    assert to(teacher, await harness.dispatch()) == []
    harness.clock.current = dt.datetime(2027, 3, 22, 9, 0, tzinfo=dt.UTC)  # 10:00 CET
    assert len(to(teacher, await harness.dispatch())) == 1
    harness.clock.current = dt.datetime(2027, 3, 28, 8, 0, tzinfo=dt.UTC)  # 10:00 CEST
    [day_before] = to(teacher, await harness.dispatch())
    assert "Monday, 29 March 2027, 10:00–11:30" in day_before.text


async def test_a_contact_is_invited_once_and_other_sectors_not_at_all(harness: Harness) -> None:
    teacher, baker = Person(840, "en"), Person(841, "en")
    await register(harness, teacher, "School Een")
    await register(harness, baker, "Bakker Een", sector_id=WORK)
    await schedule(harness, sectors=(EDUCATION, WORK))
    calls = await harness.dispatch()
    assert len(to(teacher, calls)) == 1 and len(to(baker, calls)) == 1
    assert len(to(teacher, calls, "sendDocument")) == 1


async def test_telegram_403_marks_the_person_unreachable(harness: Harness) -> None:
    from tests.telegram_fake import Fault

    teacher, other = Person(860, "en"), Person(861, "en")
    await register(harness, teacher, "School Dicht")
    await register(harness, other, "School Open")
    await schedule(harness)
    harness.request.fail(
        Fault("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=860)
    )
    calls = await harness.dispatch()
    assert to(teacher, calls) == [] and to(teacher, calls, "sendDocument") == []
    assert len(to(other, calls)) == 1
    db = harness.application.services.db
    assert await db.fetchval("SELECT reachable FROM person WHERE id = 860") == 0
    # Later messages to them are not even tried.
    harness.clock.current = dt.datetime(2026, 11, 30, 13, 30, tzinfo=dt.UTC)
    attempts_before = len(harness.request.attempts)
    calls = await harness.dispatch()
    assert all(c.chat_id != 860 for c in harness.request.attempts[attempts_before:])
    assert len(to(other, calls)) == 1


async def test_5xx_retries_with_backoff_then_gives_up_at_the_cap(harness: Harness) -> None:
    from tests.telegram_fake import Fault

    teacher = Person(870, "en")
    await register(harness, teacher, "School Wankel")
    await schedule(harness)
    harness.request.fail(Fault("sendMessage", 502, "Bad Gateway", chat_id=870))
    harness.request.fail(Fault("sendDocument", 500, "Internal Server Error", times=99, chat_id=870))
    # A first failure goes to the back of the queue: the invitation arrives in this run.
    assert len(to(teacher, await harness.dispatch())) == 1
    # The calendar file failed twice; the next try waits 30 s.
    harness.clock.advance(seconds=29)
    attempts = len(harness.request.attempts)
    await harness.dispatch()
    assert len(harness.request.attempts) == attempts
    harness.clock.advance(seconds=1)
    await harness.dispatch()
    assert len(harness.request.attempts) == attempts + 1

    db = harness.application.services.db
    for _ in range(6):
        harness.clock.advance(hours=1)
        await harness.dispatch()
    row = await db.fetchone("SELECT state, attempts, last_error FROM outbox WHERE kind = 'ics'")
    assert row is not None
    assert (row["state"], row["attempts"]) == ("failed", 5)
    assert "Internal Server Error" in row["last_error"]


CANCELLED = {
    "nl": "De bijeenkomst <b>Follow-up education</b> van dinsdag 1 december 2026 om 14:30"
    " gaat niet door.",
    "fr": "La séance <b>Follow-up education</b> du mardi 1 décembre 2026 à 14:30 est annulée.",
    "en": "The session <b>Follow-up education</b> on Tuesday, 1 December 2026 at 14:30"
    " is cancelled.",
}
REMOVE_IT = {
    "nl": "Open dit bestand om de bijeenkomst uit je agenda te halen.",
    "fr": "Ouvrez ce fichier pour retirer la séance de votre agenda.",
    "en": "Open this file to take the session out of your calendar.",
}


async def test_cancelling_tells_everyone_and_takes_it_out_of_their_calendars(
    harness: Harness,
) -> None:
    invitees = [Person(890, "nl"), Person(891, "fr"), Person(892, "en")]
    for n, person in enumerate(invitees):
        await register(harness, person, f"School Afgelast {n}")
    session_id = await schedule(harness)
    await harness.dispatch()
    await harness.tap(invitees[0], f"rsvp:no:{session_id}")
    await harness.send(TEAM, "/sessions")
    await harness.tap(TEAM, f"ses:open:{session_id}")
    calls = await harness.tap(TEAM, f"ses:cancel:{session_id}")
    assert calls[-1].button_data == [f"ses:cancelok:{session_id}", f"ses:open:{session_id}"]
    await harness.tap(TEAM, f"ses:cancelok:{session_id}")
    calls = await harness.dispatch()
    for person in invitees:
        assert person.language_code is not None
        # Everyone who got the calendar file gets the one that removes it, "no" or not.
        [told] = to(person, calls)
        assert told.text == CANCELLED[person.language_code]
        [cancel_file] = to(person, calls, "sendDocument")
        assert cancel_file.text == REMOVE_IT[person.language_code]
        calendar = ics_of(cancel_file)
        assert str(calendar["method"]) == "CANCEL"
        [event] = calendar.walk("VEVENT")
        assert str(event["uid"]) == f"session-{session_id}@pactbot"  # the same event
        assert str(event["status"]) == "CANCELLED"
        assert event.decoded("sequence") == 1  # higher than the invitation's 0
        assert event.decoded("dtstart") == dt.datetime(2026, 12, 1, 14, 30, tzinfo=BRUSSELS)
    harness.clock.current = dt.datetime(2026, 11, 30, 13, 30, tzinfo=dt.UTC)
    assert [c for c in await harness.dispatch() if c.chat_id != OWNER_ID] == []
    assert alerts(await harness.press(invitees[1], f"rsvp:yes:{session_id}")) == [
        "Cette séance a été annulée."
    ]


MOVED = {
    "nl": "Deze bijeenkomst is verplaatst van dinsdag 1 december 2026 om 14:30"
    " naar dinsdag 8 december 2026 om 09:00:",
    "fr": "Cette séance est déplacée du mardi 1 décembre 2026 à 14:30"
    " au mardi 8 décembre 2026 à 09:00 :",
    "en": "This session has moved from Tuesday, 1 December 2026 at 14:30"
    " to Tuesday, 8 December 2026 at 09:00:",
}
REMINDERS = {
    "nl": (
        "Herinnering: de bijeenkomst begint over 7 dagen, op dinsdag 8 december 2026 om 09:00.",
        "Herinnering: de bijeenkomst begint morgen om 09:00.",
        "Herinnering: de bijeenkomst begint vandaag om 09:00, over 2 uur.",
    ),
    "fr": (
        "Rappel : la séance commence dans 7 jours, le mardi 8 décembre 2026 à 09:00.",
        "Rappel : la séance commence demain à 09:00.",
        "Rappel : la séance commence aujourd'hui à 09:00, dans 2 heures.",
    ),
    "en": (
        "Reminder: the session starts in 7 days, on Tuesday, 8 December 2026 at 09:00.",
        "Reminder: the session starts tomorrow at 09:00.",
        "Reminder: the session starts today at 09:00, in 2 hours.",
    ),
}


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
async def test_a_move_says_from_when_to_when_and_reminders_say_how_soon(
    harness: Harness, locale: str
) -> None:
    invitee = Person(895, locale)
    await register(harness, invitee, "School Verhuisd")
    session_id = await schedule(harness)
    await harness.dispatch()
    await move(harness, session_id, "08/12/2026 09:00")
    [moved] = to(invitee, await harness.dispatch())
    assert moved.text.startswith(MOVED[locale])
    seven_days, one_day, two_hours = REMINDERS[locale]
    for moment, expected in (
        (dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), seven_days),
        (dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC), one_day),
        (dt.datetime(2026, 12, 8, 6, 0, tzinfo=dt.UTC), two_hours),
    ):
        harness.clock.current = moment
        [reminder] = to(invitee, await harness.dispatch())
        assert reminder.text.startswith(expected + "\n\n<b>Follow-up education</b>")


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
@pytest.mark.parametrize("offsets", [[10080, 1440, 120], [10], [90], [2880, 30], [60 * 1440, 45]])
def test_the_offsets_question_reads_back_what_the_bot_writes(
    locale: str, offsets: list[int]
) -> None:
    t = Translator(locale, BRUSSELS)
    written = ", ".join(offset_text(t, minutes) for minutes in offsets)
    assert validation.offsets(written) == offsets


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("7 dagen, 1 dag, 2 uur", [10080, 1440, 120]),
        ("10 minuten", [10]),
        ("10 minuten vooraf", [10]),
        ("2 jours, 2 heures avant le début", [2880, 120]),
        ("1 day before", [1440]),
        ("2 heures et 30 minutes", [120, 30]),
        ("1 day and 3 hours", [1440, 180]),
        ("7d 1d 2u", [10080, 1440, 120]),
        ("3j; 2h", [4320, 120]),
        ("1 week", [10080]),
    ],
)
def test_the_offsets_question_takes_every_way_people_write_them(
    typed: str, minutes: list[int]
) -> None:
    assert validation.offsets(typed) == minutes


async def test_reminder_offsets_that_do_not_fit_say_what_is_wrong(harness: Harness) -> None:
    await harness.send(TEAM, "/newsession")
    await harness.send(TEAM, "Short notice")
    await harness.tap(TEAM, f"ns:sector:{EDUCATION}")
    await harness.tap(TEAM, "ns:sector:done")
    await harness.send(TEAM, "01/12/2026 14:30")
    await harness.tap(TEAM, "ns:duration:60")
    await harness.send(TEAM, "Stadhuis")
    await harness.tap(TEAM, "ns:url:none")
    await harness.send(TEAM, "1. Welcome")
    assert notes(await harness.send(TEAM, "1 day, 5 minutes")) == [
        "A reminder comes at least 10 minutes before the start; 5 minutes is too close."
    ]
    assert notes(await harness.send(TEAM, "61 days")) == [
        "A reminder comes at most 60 days before the start; 61 days is too early."
    ]
    assert notes(await harness.send(TEAM, "soon")) == [
        "Write the reminders like 7 days, 1 day, 2 hours (or 7d, 1d, 2h)."
    ]
    [review] = texts(await harness.send(TEAM, "2 days, 10 minutes"))
    assert "Reminders: 2 days, 10 minutes before" in review


async def test_rsvp_only_for_invitees_and_only_before_the_start(harness: Harness) -> None:
    teacher, stranger = Person(900, "en"), Person(901, "en")
    await register(harness, teacher, "School Ja")
    session_id = await schedule(harness)
    await harness.dispatch()
    assert alerts(await harness.press(stranger, f"rsvp:yes:{session_id}")) == [
        "You are not invited to that session."
    ]
    calls = await harness.tap(teacher, f"rsvp:maybe:{session_id}")
    assert alerts(calls) == ["Thank you. Your answer: maybe"]
    [edit] = [c for c in calls if c.method == "editMessageReplyMarkup"]
    assert ("✓ Maybe", f"rsvp:maybe:{session_id}") in edit.buttons[0]
    harness.clock.current = dt.datetime(2026, 12, 1, 14, 0, tzinfo=dt.UTC)
    calls = await harness.tap(teacher, f"rsvp:yes:{session_id}")
    assert alerts(calls) == ["That session has started; answers are closed."]
    # The buttons go with it: nothing on the invitation still looks as if it works.
    assert not [d for d in harness.buttons(teacher) if d.startswith("rsvp:")]


async def test_after_the_session_yes_becomes_a_progress_update(harness: Harness) -> None:
    from tests.flows import record_intention

    teacher = Person(910, "en")
    await register(harness, teacher, "School Daarna")
    await record_intention(harness, teacher, "Buddy project")
    session_id = await schedule(harness)
    await harness.dispatch()
    await harness.tap(teacher, f"rsvp:yes:{session_id}")
    harness.clock.current = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)  # 16:00, the end
    [question] = to(teacher, await harness.dispatch())
    assert question.text.startswith("Thank you for coming to <b>Follow-up education</b>.")
    await harness.tap(teacher, f"next:start:{session_id}")
    await harness.send(teacher, "We will pair ten new buddies in January.")
    intention_id = await harness.application.services.db.fetchval("SELECT id FROM intention")
    await harness.tap(teacher, f"next:pick:{intention_id}")
    assert harness.last_text(teacher) == "Saved as progress on <b>Buddy project</b>."
    text = await harness.application.services.db.fetchval("SELECT text FROM progress")
    assert text.startswith("We will pair ten new buddies in January.")


async def test_attendance_list_as_csv(harness: Harness) -> None:
    teacher = Person(920, "nl")
    await register(harness, teacher, "School Lijst")
    session_id = await schedule(harness)
    await harness.dispatch()
    await harness.tap(teacher, f"rsvp:yes:{session_id}")
    await harness.send(TEAM, "/sessions")
    await harness.tap(TEAM, f"ses:open:{session_id}")
    calls = await harness.tap(TEAM, f"ses:csv:{session_id}")
    [document] = [c for c in calls if c.method == "sendDocument"]
    content = document.files["document"].decode("utf-8-sig").splitlines()
    assert content[0] == "Organisation,Name,Answer,Answered at"
    assert content[1].startswith("School Lijst,Test,yes,")


async def test_only_the_team_schedules_and_past_starts_are_refused(harness: Harness) -> None:
    assert texts(await harness.send(Person(930, "en"), "/newsession")) == [
        "This command is for the pact team."
    ]
    await harness.send(TEAM, "/newsession")
    await harness.send(TEAM, "Too late")
    await harness.tap(TEAM, "ns:sector:done")
    assert alerts(harness.request.calls[-1:]) == ["Tick at least one sector, or All sectors."]
    await harness.tap(TEAM, "ns:sector:all")
    await harness.tap(TEAM, "ns:sector:done")
    assert notes(await harness.send(TEAM, "22/11/2026 10:00")) == [
        "That moment is in the past. Choose a later one, like 30/11/2026 14:30."
    ]
    assert notes(await harness.send(TEAM, "someday")) == [
        "I cannot read that date and time. Write it like 30/11/2026 14:30."
    ]


async def test_blocking_the_bot_is_noticed(harness: Harness) -> None:
    person = Person(940, "en")
    await harness.send(person, "/start")
    await harness.process(
        {
            "my_chat_member": {
                "chat": {"id": 940, "type": "private"},
                "from": person.as_user(),
                "date": 1_700_000_000,
                "old_chat_member": {
                    "status": "member",
                    "user": {"id": 7000001, "is_bot": True, "first_name": "Pactbot"},
                },
                "new_chat_member": {
                    "status": "kicked",
                    "until_date": 0,
                    "user": {"id": 7000001, "is_bot": True, "first_name": "Pactbot"},
                },
            }
        }
    )
    assert (
        await harness.application.services.db.fetchval(
            "SELECT reachable FROM person WHERE id = 940"
        )
        == 0
    )


async def test_start_up_books_a_sweep_that_sends_what_fell_due(harness: Harness) -> None:
    teacher = Person(950, "en")
    await register(harness, teacher, "School Opstart")
    await schedule(harness)
    await harness.restart()
    app = harness.application
    assert app.job_queue is not None
    [sweep] = app.job_queue.get_jobs_by_name("outbox:sweep")
    await sweep.run(app)  # what the JobQueue does right after start-up
    assert len(to(teacher, harness.request.calls)) == 1
    # The run booked a wake-up for the next message due, within the minute or not at all.
    assert app.job_queue.get_jobs_by_name("outbox:next") == ()
    harness.clock.current = dt.datetime(2026, 11, 24, 13, 29, 30, tzinfo=dt.UTC)
    await sweep.run(app)
    [wake_up] = app.job_queue.get_jobs_by_name("outbox:next")
    assert wake_up.callback.__name__ == "_dispatch"


async def test_editing_the_place_tells_the_invitees(harness: Harness) -> None:
    teacher = Person(960, "nl")
    await register(harness, teacher, "School Plaats")
    session_id = await schedule(harness)
    await harness.dispatch()
    await harness.send(TEAM, "/sessions")
    await harness.tap(TEAM, f"ses:open:{session_id}")
    await harness.tap(TEAM, f"sed:start:{session_id}")
    await harness.tap(TEAM, "sed:field:place")
    await harness.send(TEAM, "Stadhuis, Gent")
    assert harness.last_text(TEAM) == "Saved. The invitees are being told."
    calls = await harness.dispatch()
    [changed] = to(teacher, calls)
    assert changed.text.startswith("Deze bijeenkomst is gewijzigd:")
    assert "📍 Stadhuis, Gent" in changed.text
    [event] = ics_of(to(teacher, calls, "sendDocument")[0]).walk("VEVENT")
    assert str(event["location"]) == "Stadhuis, Gent"
    assert event.decoded("sequence") == 1


async def test_contacts_see_their_sessions_and_answer_there(harness: Harness) -> None:
    teacher = Person(970, "fr")
    await register(harness, teacher, "École Vue")
    assert texts(await harness.send(teacher, "/sessions")) == ["Vous n'avez pas de séance à venir."]
    session_id = await schedule(harness)
    [card] = await harness.send(teacher, "/sessions")
    assert "mardi 1 décembre 2026, 14:30–16:00" in card.text
    assert card.text.endswith("Votre réponse : pas encore de réponse")
    await harness.tap(teacher, f"rsvp:yes:{session_id}")
    [card] = await harness.send(teacher, "/sessions")
    assert card.text.endswith("Votre réponse : oui")
    team_view = texts(await harness.send(TEAM, "/sessions"))[-1]
    assert "1 yes, 0 maybe, 0 no, of 1" in team_view
