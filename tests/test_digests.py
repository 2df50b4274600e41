"""Digests: following, the digest clock with its cursors (weekly, daily, the channel), what a
digest holds, its chart, splitting, exactly once across a restart, and the team's /digest."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from matplotlib.image import imread

from bot.services.digests import Subscription
from handlers.digests.messages import pack
from tests.conftest import OWNER_ID
from tests.flows import (
    EDUCATION,
    endorse,
    follow_weekly,
    log_progress,
    open_campaign,
    record_intention,
    register,
)
from tests.harness import FakeClock, Harness, Person, alerts, texts
from tests.telegram_fake import Call, Fault
from tests.test_sessions import schedule

TEAM = Person(OWNER_ID, "en")
WORK = 1
# The first digest moment after the harness's clock (Monday 23/11/2026 10:00 in Brussels):
# Monday 30/11/2026 09:00 in Brussels.
MONDAY = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def to(person: Person | int | str, calls: list[Call], method: str | None = None) -> list[Call]:
    chat = person.id if isinstance(person, Person) else person
    shown = (method,) if method else ("sendMessage", "sendPhoto")
    return [c for c in calls if c.chat_id == chat and c.method in shown]


async def sweep(h: Harness) -> list[Call]:
    """What the JobQueue runs every minute: the digest clock, then sending."""
    app = h.application
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name("outbox:sweep")
    before = len(h.request.calls)
    await job.run(app)
    return h.request.calls[before:]


async def intention_id(h: Harness, title: str) -> int:
    value = await h.application.services.db.fetchval(
        "SELECT id FROM intention WHERE title = ?", (title,)
    )
    return int(value)


async def pact_week(h: Harness, contact: Person) -> int:
    """A contact registers, records an intention with an indicator and logs progress."""
    await register(h, contact, "Buurthuis De Brug")
    await record_intention(h, contact, "Taalcafé voor nieuwkomers")
    found = await intention_id(h, "Taalcafé voor nieuwkomers")
    await log_progress(h, contact, found, "Eerste vier sessies gehouden.", "4")
    return found


# -- the "done when", as a reader on a phone sees it ------------------------------------

SEEN = {
    "nl": (
        "<b>De nieuwsbrief van het pact</b> · 23 nov 2026 – 30 nov 2026\nSectoren: Alle sectoren",
        "<b>Nieuwe engagementen</b>\n"
        "• <b>Taalcafé voor nieuwkomers</b> — Buurthuis De Brug · Handelingsvermogen vergroten\n\n"
        "<b>Voortgang</b>\n"
        "• <b>Taalcafé voor nieuwkomers</b> — Buurthuis De Brug: ‘Eerste vier sessies "
        "gehouden.’\n"
        "   Jobs found: van 0% naar 40%\n\n"
        "<b>Bijeenkomsten de komende twee weken</b>\n"
        "• 1/12/2026 14:30 — <b>Follow-up education</b>\n\n",
        ("⚙️ Wat ik volg", "🔕 Nieuwsbrief stopzetten"),
    ),
    "fr": (
        "<b>Le récapitulatif du pacte</b> · 23 nov. 2026 – 30 nov. 2026\n"
        "Secteurs : Tous les secteurs",
        "<b>Nouveaux engagements</b>\n"
        "• <b>Taalcafé voor nieuwkomers</b> — Buurthuis De Brug · Renforcer la capacité d'agir\n\n"
        "<b>Progrès</b>\n"
        "• <b>Taalcafé voor nieuwkomers</b> — Buurthuis De Brug : « Eerste vier sessies "
        "gehouden. »\n"
        "   Jobs found : de 0\xa0% à 40\xa0%\n\n"
        "<b>Séances des deux prochaines semaines</b>\n"
        "• 1/12/2026 14:30 — <b>Follow-up education</b>\n\n",
        ("⚙️ Ce que je suis", "🔕 Arrêter le récapitulatif"),
    ),
    "en": (
        "<b>The pact's digest</b> · 23 Nov 2026 – 30 Nov 2026\nSectors: All sectors",
        "<b>New intentions</b>\n"
        "• <b>Taalcafé voor nieuwkomers</b> — Buurthuis De Brug · Increase agency\n\n"
        "<b>Progress</b>\n"
        "• <b>Taalcafé voor nieuwkomers</b> — Buurthuis De Brug: “Eerste vier sessies "
        "gehouden.”\n"
        "   Jobs found: from 0% to 40%\n\n"
        "<b>Sessions in the next two weeks</b>\n"
        "• 01/12/2026 14:30 — <b>Follow-up education</b>\n\n",
        ("⚙️ What I follow", "🔕 Stop the digest"),
    ),
}


@pytest.mark.parametrize("locale", ["nl", "fr", "en"])
async def test_a_follower_gets_the_week_with_a_chart_in_their_language(
    harness: Harness, locale: str
) -> None:
    caption, news, buttons = SEEN[locale]
    reader = Person(700, locale)
    await follow_weekly(harness, reader)
    assert "fol:stop:" not in harness.buttons(reader)  # the card, not a digest
    await pact_week(harness, Person(701, locale))
    await schedule(harness, "01/12/2026 14:30", (EDUCATION,))
    await harness.dispatch()  # the invitations
    harness.clock.current = MONDAY - dt.timedelta(minutes=1)
    assert to(reader, await sweep(harness)) == []  # not before its moment
    harness.clock.current = MONDAY
    photo, text = to(reader, await sweep(harness))
    assert photo.method == "sendPhoto" and photo.text == caption
    image = imread(io.BytesIO(photo.files["photo"]), format="png")
    assert image.shape[0] >= 300 and image.shape[1] >= 600  # a picture, readable on a phone
    assert text.text.startswith(news)  # one heading: the chart's caption
    assert "Onderwijs" in text.text or "Enseignement" in text.text or "Education" in text.text
    assert "digest</b>" not in text.text and "nieuwsbrief van" not in text.text
    assert [label for row in text.buttons for label, _ in row] == list(buttons)
    # A minute later, and after a restart, nothing more: one digest per period.
    harness.clock.advance(minutes=1)
    assert to(reader, await sweep(harness)) == []
    await harness.restart()
    assert to(reader, await sweep(harness)) == []


async def test_three_readers_each_get_their_sectors_once_and_the_missed_monday_after_downtime(
    harness: Harness,
) -> None:
    """The issue's "done when": three people follow different sectors in nl, fr and en;
    during the week intentions are added, committed and updated; on Monday each gets one
    digest in their language with only their sectors and a chart; the bot is down over the
    next Monday and on return each gets that week's digest once."""
    care = 3
    readers = {WORK: Person(790, "nl"), EDUCATION: Person(791, "fr"), care: Person(792, "en")}
    for sector, reader in readers.items():
        await follow_weekly(harness, reader)
        await harness.tap(reader, f"fol:sector:{sector}")
    titles = {WORK: "Jobcoaching", EDUCATION: "Huiswerkklas", care: "Buddyzorg"}
    contacts = {}
    for n, (sector, title) in enumerate(titles.items()):
        contact = contacts[sector] = Person(793 + n, "nl")
        await register(harness, contact, f"Organisatie {title}", sector)
        await record_intention(harness, contact, title)
        found = await intention_id(harness, title)
        await harness.send(contact, "/mine")
        await harness.tap(contact, f"mine:open:{found}")
        await harness.tap(contact, f"mine:status:{found}-committed")
        await log_progress(harness, contact, found, f"Update {title}", "5")
    harness.clock.current = MONDAY
    calls = await sweep(harness)
    committed = {"nl": "toegezegd", "fr": "engagé", "en": "committed"}
    for sector, reader in readers.items():
        photo, text = to(reader, calls)
        assert photo.method == "sendPhoto" and photo.files["photo"].startswith(b"\x89PNG")
        assert f"<b>{titles[sector]}</b>" in text.text
        assert committed[reader.language_code or "nl"] in text.text
        assert f"Update {titles[sector]}" in text.text
        others = [title for other, title in titles.items() if other != sector]
        assert not any(title in text.text for title in others)
    # The next week: more progress, and the bot is down over Monday.
    for sector, title in titles.items():
        await log_progress(
            harness, contacts[sector], await intention_id(harness, title), f"Meer {title}", "8"
        )
    await harness.stop()
    harness.clock.current = MONDAY + dt.timedelta(days=7, hours=30)
    await harness.start()
    calls = await sweep(harness) + await sweep(harness)
    for sector, reader in readers.items():
        photo, text = to(reader, calls)
        assert f"Meer {titles[sector]}" in text.text and f"Update {titles[sector]}" not in text.text


async def test_missed_monday_is_sent_once_after_the_restart_and_the_next_goes_on_from_it(
    harness: Harness,
) -> None:
    reader = Person(702, "en")
    await follow_weekly(harness, reader)
    await pact_week(harness, Person(703, "en"))
    await harness.stop()
    # Down from Friday to Wednesday: the Monday digest was missed.
    harness.clock.current = MONDAY + dt.timedelta(days=2, hours=3)
    await harness.start()
    first = to(reader, await sweep(harness))
    assert [c.method for c in first] == ["sendPhoto", "sendMessage"]
    assert "23 Nov 2026 – 30 Nov 2026" in first[0].text  # up to the missed moment, not now
    await harness.kill()  # even killed right after
    await harness.start()
    assert to(reader, await sweep(harness)) == []
    # What happens after the missed Monday is in the next digest, not lost.
    found = await intention_id(harness, "Taalcafé voor nieuwkomers")
    await log_progress(harness, Person(703, "en"), found, "Acht sessies nu.", "8")
    harness.clock.current = MONDAY + dt.timedelta(days=7)
    second = to(reader, await sweep(harness))
    assert "30 Nov 2026 – 7 Dec 2026" in second[0].text
    assert "Acht sessies nu." in second[1].text and "from 40% to 80%" in second[1].text
    assert "Eerste vier" not in second[1].text
    db = harness.application.services.db
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE kind = 'digest'") == 2


async def test_a_period_with_nothing_sends_nothing_and_moves_on(harness: Harness) -> None:
    reader = Person(704, "nl")
    await follow_weekly(harness, reader)
    harness.clock.current = MONDAY
    assert to(reader, await sweep(harness)) == []
    db = harness.application.services.db
    assert await db.fetchval("SELECT state FROM outbox WHERE kind = 'digest'") == "skipped"
    subscription = await harness.application.services.digests.subscription(reader.id)
    assert subscription is not None and subscription.covered_until == MONDAY


# -- following -----------------------------------------------------------------------------------


async def test_a_new_contact_is_offered_their_sector_once_and_follows_in_one_tap(
    harness: Harness,
) -> None:
    contact = Person(705, "nl")
    await register(harness, contact, "Buurthuis De Brug")
    [offer] = [
        c
        for c in harness.request.messages(chat_id=contact.id)
        if "Ik kan je elke week sturen wat er in het pact gebeurt in je sector" in c.text
    ]
    assert f"fol:quick:{EDUCATION}" in offer.button_data
    await harness.tap(contact, f"fol:quick:{EDUCATION}")
    assert "Je krijgt ze: elke maandag om 09:00" in harness.last_text(contact)
    assert "Sectoren: Onderwijs en vorming" in harness.last_text(contact)
    digests = harness.application.services.digests
    assert await digests.subscription(contact.id) == Subscription(
        contact.id, "weekly", (EDUCATION,), harness.clock.now()
    )
    assert not await digests.offer(contact.id)  # offered once, never again


async def test_sectors_and_frequency_are_chosen_with_toggles(harness: Harness) -> None:
    reader = Person(706, "en")
    await follow_weekly(harness, reader)
    assert "You get it: every Monday at 09:00" in harness.last_text(reader)
    await harness.tap(reader, f"fol:sector:{WORK}")
    await harness.tap(reader, f"fol:sector:{EDUCATION}")
    assert "Sectors: Work and business, Education and training" in harness.last_text(reader)
    await harness.tap(reader, "fol:freq:daily")
    assert "You get it: every day at 09:00" in harness.last_text(reader)
    await harness.tap(reader, f"fol:sector:{WORK}")
    calls = await harness.tap(reader, f"fol:sector:{EDUCATION}")  # the last one
    assert "Choose at least one sector, or all sectors." in alerts(calls) + texts(calls)[-1:]
    found = await harness.application.services.digests.subscription(reader.id)
    assert found is not None and (found.frequency, found.sectors) == ("daily", (EDUCATION,))
    await harness.tap(reader, "fol:all:")
    found = await harness.application.services.digests.subscription(reader.id)
    assert found is not None and found.sectors is None
    # Forged or stale presses: an unknown sector, frequency or action.
    for data in ("fol:sector:999", "fol:freq:hourly", "fol:sector:x", "fol:nope:"):
        calls = await harness.press(reader, data)
        assert alerts(calls) == ["This button is no longer valid."], data


async def test_only_the_sectors_followed(harness: Harness) -> None:
    work, education = Person(707, "en"), Person(708, "en")
    for reader, sector in ((work, WORK), (education, EDUCATION)):
        await follow_weekly(harness, reader)
        await harness.tap(reader, f"fol:sector:{sector}")
    await pact_week(harness, Person(709, "en"))  # in education
    harness.clock.current = MONDAY
    calls = await sweep(harness)
    assert to(work, calls) == []
    assert len(to(education, calls)) == 2


async def test_daily_followers_get_each_day_that_had_news(harness: Harness) -> None:
    reader = Person(710, "en")
    await follow_weekly(harness, reader)
    await harness.tap(reader, "fol:freq:daily")
    await pact_week(harness, Person(711, "en"))
    tuesday = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    harness.clock.current = tuesday
    [photo, _] = to(reader, await sweep(harness))
    assert "23 Nov 2026 – 24 Nov 2026" in photo.text
    harness.clock.current = tuesday + dt.timedelta(days=1)  # nothing happened on Tuesday
    assert to(reader, await sweep(harness)) == []
    # and a weekly Monday means nothing to a daily reader
    harness.clock.current = MONDAY
    assert to(reader, await sweep(harness)) == []


async def test_unfollow_from_under_a_digest_in_one_tap_stops_the_next_already_queued(
    harness: Harness,
) -> None:
    reader = Person(712, "en")
    contact = Person(713, "en")
    await follow_weekly(harness, reader)
    found = await pact_week(harness, contact)
    harness.clock.current = MONDAY
    await sweep(harness)
    await log_progress(harness, contact, found, "Acht sessies nu.", "8")
    harness.clock.current = MONDAY + dt.timedelta(days=7)
    assert await harness.application.services.digests.catch_up() == 1  # queued, not sent
    calls = await harness.tap(reader, "fol:stop:")
    assert alerts(calls) == ["You no longer get the digest."]
    assert texts(calls) == ["You no longer get the digest. /follow follows it again."]
    assert to(reader, await harness.dispatch()) == []
    db = harness.application.services.db
    states = await db.fetchall("SELECT state FROM outbox WHERE kind = 'digest' ORDER BY id")
    assert [r[0] for r in states] == ["sent", "void"]
    # /unfollow says the same, and /follow takes them back with what they followed.
    assert texts(await harness.send(reader, "/unfollow")) == [
        "You no longer get the digest. /follow follows it again."
    ]
    await harness.tap(reader, "fol:again:")
    assert "You get it: every Monday at 09:00" in harness.last_text(reader)


# -- what a digest holds ------------------------------------------------------------------------


async def test_a_contact_is_told_what_their_organisation_should_look_at(
    harness: Harness,
) -> None:
    contact = Person(714, "en")
    await register(harness, contact, "Buurthuis De Brug")
    await harness.tap(contact, f"fol:quick:{EDUCATION}")
    await record_intention(harness, contact, "Huiswerkklas", due="28/11/2026")
    late = await intention_id(harness, "Huiswerkklas")
    harness.clock.current = MONDAY
    [_, text] = to(contact, await sweep(harness))
    assert "<b>Your organisation</b>\n• <b>Huiswerkklas</b>: past its due date, 28/11/2026" in (
        text.text
    )
    assert f"prog:start:{late}" in text.button_data
    await harness.tap(contact, f"prog:start:{late}")
    assert "Huiswerkklas" in harness.last_text(contact)
    # No progress for 30 days is pointed out too.
    await record_intention(harness, contact, "Buddywerking", due="31/12/2027")
    quiet = await intention_id(harness, "Buddywerking")
    harness.clock.current = MONDAY + dt.timedelta(days=35)
    [_, text] = to(contact, await sweep(harness))
    assert "• <b>Buddywerking</b>: no progress for 30 days" in text.text
    assert f"prog:start:{quiet}" in text.button_data


async def test_published_endorsements_are_in_the_week_they_are_published(
    harness: Harness,
) -> None:
    reader = Person(715, "en")
    await follow_weekly(harness, reader)
    campaign = await open_campaign(harness, TEAM, titles=(None, "Stronger together"))
    await endorse(harness, Person(716, "en", "Lena"), campaign, "Samen maken we het verschil.")
    await harness.send(TEAM, "/moderate")
    await harness.tap(TEAM, harness.buttons(TEAM)[0])
    harness.clock.current = dt.datetime(2026, 12, 11, 9, 0, tzinfo=dt.UTC)  # after the deadline
    await harness.send(TEAM, "/campaigns")
    await harness.tap(TEAM, f"cmpv:open:{campaign}")
    await harness.tap(TEAM, f"pub:start:{campaign}")
    await harness.send(TEAM, "De Standaard, 12 december")
    await harness.tap(TEAM, "pub:ok:")
    harness.clock.current = dt.datetime(2026, 12, 14, 8, 0, tzinfo=dt.UTC)
    [_, text] = to(reader, await sweep(harness))
    assert (
        "<b>Newly published endorsements</b>\n"
        "• “Samen maken we het verschil.” — Lena (Stronger together)"  # the reader's title
    ) in text.text


async def test_a_long_digest_is_split_between_items_never_inside_one(harness: Harness) -> None:
    reader = Person(717, "en")
    await follow_weekly(harness, reader)
    contact = Person(718, "en")
    await register(harness, contact, "Buurthuis De Brug met een lange naam voor dit voorbeeld")
    titles = [f"Engagement {n:02} " + "met een lange titel " * 5 for n in range(25)]
    for title in titles:
        await record_intention(harness, contact, title.strip(), indicator=None)
    harness.clock.current = MONDAY
    parts = to(reader, await sweep(harness))
    assert [c.method for c in parts][:1] == ["sendPhoto"] and len(parts) >= 3
    messages = [c.text for c in parts[1:]]
    assert all(len(text) <= 4096 for text in messages)
    shown = [line for text in messages for line in text.split("\n") if line.startswith("• ")]
    assert len(shown) == 20  # a section shows 20 items, then says how many more
    assert any("… and 5 more." in text for text in messages)
    for line in shown:  # each item whole, in one message
        assert sum(line in text for text in messages) == 1
    assert parts[-1].button_data == ["fol:menu:", "fol:stop:"]
    assert all(c.button_data == [] for c in parts[:-1])


def test_pack_keeps_sections_whole_where_they_fit() -> None:
    sections = [("H1", ["a" * 50, "b" * 50]), ("H2", ["c" * 50]), ("H3", ["d" * 90, "e" * 90])]
    assert pack(sections, budget=130) == [
        "H1\n" + "a" * 50 + "\n" + "b" * 50,
        "H2\n" + "c" * 50,
        "H3\n" + "d" * 90,
        "e" * 90,
    ]
    assert pack(sections, budget=10_000) == ["\n\n".join("\n".join([h, *i]) for h, i in sections)]


# -- delivery: each part once, whatever Telegram answers -----------------------------------------


async def test_a_429_or_5xx_in_the_middle_of_a_digest_sends_the_rest_not_the_chart_again(
    harness: Harness,
) -> None:
    first, second = Person(720, "en"), Person(721, "en")
    for reader in (first, second):
        await follow_weekly(harness, reader)
    await pact_week(harness, Person(722, "en"))
    harness.clock.current = MONDAY
    await harness.application.services.digests.catch_up()
    harness.request.fail(Fault("sendMessage", 502, "Bad Gateway", chat_id=first.id))
    harness.request.fail(
        Fault("sendMessage", 429, "Too Many Requests: retry after 5", 5, chat_id=second.id)
    )
    calls = await harness.dispatch()
    assert [c.method for c in to(first, calls)] == ["sendPhoto", "sendMessage"]
    assert [c.method for c in to(second, calls)] == ["sendPhoto"]
    db = harness.application.services.db
    assert (
        await db.fetchval(
            "SELECT parts_sent FROM outbox WHERE kind = 'digest' AND recipient_id = ?", (second.id,)
        )
        == 1
    )
    await harness.restart()  # even across a restart, the chart is not sent twice
    harness.clock.advance(seconds=6)
    calls = await harness.dispatch()
    assert [c.method for c in to(second, calls)] == ["sendMessage"]
    assert to(first, calls) == []
    states = await harness.application.services.db.fetchall(
        "SELECT state, count(*) FROM outbox WHERE kind = 'digest' GROUP BY 1"
    )
    assert [tuple(r) for r in states] == [("sent", 2)]


async def test_a_reader_who_blocked_the_bot_is_not_tried_again(harness: Harness) -> None:
    gone, stays = Person(723, "en"), Person(724, "en")
    for reader in (gone, stays):
        await follow_weekly(harness, reader)
    contact = Person(725, "en")
    found = await pact_week(harness, contact)
    harness.request.fail(Fault("sendPhoto", 403, "Forbidden: bot was blocked", chat_id=gone.id))
    harness.clock.current = MONDAY
    calls = await sweep(harness)
    assert to(gone, calls) == [] and len(to(stays, calls)) == 2
    await log_progress(harness, contact, found, "Acht sessies nu.", "8")
    harness.clock.current = MONDAY + dt.timedelta(days=7)
    before = len(harness.request.attempts)
    calls = await sweep(harness)
    assert all(c.chat_id != gone.id for c in harness.request.attempts[before:])
    assert len(to(stays, calls)) == 2
    # They unblock the bot: the next digest reaches them, with the weeks they missed.
    bot = {"id": 7000001, "is_bot": True, "first_name": "Pactbot"}
    await harness.process(
        {
            "my_chat_member": {
                "chat": {"id": gone.id, "type": "private"},
                "from": gone.as_user(),
                "date": 1_700_000_000,
                "old_chat_member": {"status": "kicked", "until_date": 0, "user": bot},
                "new_chat_member": {"status": "member", "user": bot},
            }
        }
    )
    await log_progress(harness, contact, found, "Tien sessies.", "10")
    harness.clock.current = MONDAY + dt.timedelta(days=14)
    [photo, text] = to(gone, await sweep(harness))
    # (the weeks they were away are not piled up: from the last digest moment on)
    assert "7 Dec 2026 – 14 Dec 2026" in photo.text and "Tien sessies." in text.text


async def test_the_chart_is_uploaded_once_and_sent_again_by_its_file_id(harness: Harness) -> None:
    readers = [Person(730 + n, "nl") for n in range(3)]
    for reader in readers:
        await follow_weekly(harness, reader)
    await pact_week(harness, Person(735, "nl"))
    harness.clock.current = MONDAY
    photos = [c for c in await sweep(harness) if c.method == "sendPhoto"]
    assert len(photos) == 3
    uploaded = [c for c in photos if "photo" in c.files]
    assert len(uploaded) == 1
    again = [c.params["photo"] for c in photos if "photo" not in c.files]
    assert len(again) == 2 and set(again) <= harness.request.photo_ids


# -- the digest channel ----------------------------------------------------------------------


async def test_the_channel_gets_all_sectors_in_the_default_language_once_per_period(
    tmp_path: Path, clock: FakeClock
) -> None:
    channel = -1001234567890
    h = Harness(
        tmp_path / "pact.sqlite3",
        clock,
        {"ADMIN_IDS": str(OWNER_ID), "DIGEST_CHAT_ID": str(channel)},
    )
    await h.start()
    try:
        await pact_week(h, Person(740, "fr"))
        clock.current = MONDAY
        photo, text = to(channel, await sweep(h))
        assert photo.method == "sendPhoto"
        # The first period of a channel is the week before its first moment.
        assert photo.text.startswith("<b>De nieuwsbrief van het pact</b> · 23 nov 2026 – 30 nov")
        assert "Sectoren: Alle sectoren" in photo.text and text.buttons == []
        assert to(channel, await sweep(h)) == []
        await h.restart()
        assert to(channel, await sweep(h)) == []
        clock.current = MONDAY + dt.timedelta(days=7)  # a quiet week: nothing
        assert to(channel, await sweep(h)) == []
    finally:
        await h.stop()
    assert h.telegram_refusals() == []


# -- the pact team's /digest ------------------------------------------------------------------


async def test_the_team_previews_as_a_reader_would_get_it_and_sends_now_with_a_report(
    harness: Harness,
) -> None:
    readers = [Person(750 + n, ("nl", "fr", "en")[n % 3]) for n in range(3)]
    for reader in readers:
        await follow_weekly(harness, reader)
    await pact_week(harness, Person(755, "nl"))
    harness.clock.advance(hours=2)
    card = texts(await harness.send(TEAM, "/digest"))[0]
    assert "Next: Monday, 30 November 2026 at 09:00 (every Monday at 09:00)." in card
    assert "3 recipients" in card
    await harness.tap(TEAM, "dig:lang:fr.0")
    assert "Preview as a reader of: FR, All sectors" in harness.last_text(TEAM)
    await harness.tap(TEAM, f"dig:lang:fr.{1 << WORK:x}")
    calls = await harness.tap(TEAM, f"dig:view:fr.{1 << WORK:x}")
    assert "Nothing happened for these sectors since" in texts(calls)[0]
    await harness.tap(TEAM, "dig:lang:fr.0")
    await harness.tap(TEAM, f"dig:lang:fr.{1 << EDUCATION:x}")
    calls = await harness.tap(TEAM, f"dig:view:fr.{1 << EDUCATION:x}")
    preview = to(TEAM, calls)
    assert [c.method for c in preview] == ["sendMessage", "sendPhoto", "sendMessage"]
    assert preview[1].text.startswith("<b>Le récapitulatif du pacte</b> · 23 nov. 2026")
    assert "Secteurs : Enseignement et formation" in preview[1].text
    assert "Renforcer la capacité d'agir" in preview[2].text
    calls = await harness.tap(TEAM, f"dig:send:fr.{1 << EDUCATION:x}")
    assert texts(calls)[-1] == (
        "Send the digest now to 3 recipients? Each gets what happened since their last digest;"
        " at 25 messages a second it takes less than a minute."
    )
    calls = await harness.tap(TEAM, "dig:sendok:")
    assert "3 digests queued." in texts(calls)[-1]
    sent = await harness.dispatch()
    for reader in readers:
        assert [c.method for c in to(reader, sent)] == ["sendPhoto", "sendMessage"]
    [refresh] = [d for d in harness.buttons(TEAM) if d.startswith("dig:report:")]
    calls = await harness.tap(TEAM, refresh)
    assert "3 delivered, 0 waiting, 0 blocked the bot, 0 failed" in texts(calls)[-1]
    audit = await harness.application.services.db.fetchval(
        "SELECT count(*) FROM audit_log WHERE action = 'digest.send_now'"
    )
    assert audit == 1
    # The next Monday goes on from now: what was sent is not sent again.
    found = await intention_id(harness, "Taalcafé voor nieuwkomers")
    await log_progress(harness, Person(755, "nl"), found, "Acht sessies nu.", "8")
    harness.clock.current = MONDAY
    calls = await sweep(harness)
    for reader in readers:
        [_, text] = to(reader, calls)
        assert "Acht sessies nu." in text.text and "Eerste vier" not in text.text


async def test_digest_is_for_the_team_only(harness: Harness) -> None:
    stranger = Person(760, "en")
    await follow_weekly(harness, stranger)
    await pact_week(harness, Person(761, "en"))
    calls = await harness.send(stranger, "/digest")
    assert texts(calls) == ["This command is for the pact team."]
    for data in ("dig:sendok:", "dig:view:nl.0", "dig:report:1800000000"):
        calls = await harness.press(stranger, data)
        assert alerts(calls) == ["This command is for the pact team."], data
    db = harness.application.services.db
    assert await db.fetchval("SELECT count(*) FROM outbox WHERE kind = 'digest'") == 0
    # Forged choices from a team member are refused politely too.
    for data in ("dig:view:de.0", "dig:lang:nl.zz", "dig:nope:nl.0", "dig:report:x"):
        calls = await harness.press(TEAM, data)
        assert alerts(calls) == ["This button is no longer valid."], data


# -- never empty: news, or nothing --------------------------------------------------------------


async def test_a_session_announced_before_rides_along_and_sends_nothing_on_its_own(
    harness: Harness,
) -> None:
    reader = Person(770, "en")
    await follow_weekly(harness, reader)
    await harness.tap(reader, "fol:freq:daily")
    contact = Person(771, "en")
    found = await pact_week(harness, contact)
    monday_morning = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)
    harness.clock.current = monday_morning
    await schedule(harness, "01/12/2026 14:30", (EDUCATION,))  # a newly scheduled session
    await harness.dispatch()
    harness.clock.current = dt.datetime(2026, 11, 24, 8, 0, tzinfo=dt.UTC)
    [_, text] = to(reader, await sweep(harness))
    assert "Follow-up education" in text.text
    for day in (25, 26):  # the same session ahead, nothing new: nothing is sent
        harness.clock.current = dt.datetime(2026, 11, day, 8, 0, tzinfo=dt.UTC)
        assert to(reader, await sweep(harness)) == [], day
    await log_progress(harness, contact, found, "Zes sessies.", "6")
    harness.clock.current = dt.datetime(2026, 11, 27, 8, 0, tzinfo=dt.UTC)
    [_, text] = to(reader, await sweep(harness))
    assert "Zes sessies." in text.text and "Follow-up education" in text.text  # rides along


async def test_the_readers_organisation_comes_first_and_totals_leave_out_the_zeros(
    harness: Harness,
) -> None:
    contact = Person(772, "en")
    await pact_week(harness, contact)
    await record_intention(harness, contact, "Overdue plan", due="27/11/2026", indicator=None)
    await follow_weekly(harness, contact)
    harness.clock.current = MONDAY
    [photo, text] = to(contact, await sweep(harness))
    assert photo.text.count("digest</b>") == 1 and "digest</b>" not in text.text  # one heading
    assert text.text.startswith("<b>Your organisation</b>\n• <b>Overdue plan</b>: past its due")
    assert "Increase agency 2" in text.text
    assert " 0," not in text.text and not text.text.rstrip().endswith(" 0")
    assert "Build trust" not in text.text  # a lever nobody works on is left out
    labels = [label for row in text.buttons for label, _ in row]
    assert "📈 Progress: Overdue plan" in labels


async def test_a_period_of_one_day_is_written_once(harness: Harness) -> None:
    await pact_week(harness, Person(773, "en"))
    harness.clock.current = dt.datetime(2026, 11, 23, 20, 0, tzinfo=dt.UTC)
    await harness.send(TEAM, "/digest")
    calls = await harness.tap(TEAM, "dig:view:en.0")
    [photo] = [c for c in calls if c.method == "sendPhoto"]
    assert photo.text.startswith("<b>The pact's digest</b> · 23 Nov 2026\n")


async def test_follow_subscribes_only_once_the_person_chooses(harness: Harness) -> None:
    person = Person(774, "nl")
    offer = texts(await harness.send(person, "/follow"))[0]
    assert "Hoe vaak wil je ze?" in offer
    assert harness.buttons(person) == ["fol:freq:weekly", "fol:freq:daily"]
    db = harness.application.services.db
    assert await db.fetchval("SELECT count(*) FROM subscription WHERE person_id = 774") == 0
    await harness.tap(person, "fol:freq:daily")
    assert await db.fetchval("SELECT frequency FROM subscription WHERE person_id = 774") == "daily"


async def test_the_same_chart_for_other_sectors_is_not_uploaded_again(harness: Harness) -> None:
    """Two readers of different sectors whose figures are the same get the same picture:
    uploaded once, sent again by its file id."""
    first, second = Person(775, "en"), Person(776, "en")
    await follow_weekly(harness, first)
    await follow_weekly(harness, second)
    await harness.tap(second, f"fol:sector:{EDUCATION}")  # all sectors hold only education
    await pact_week(harness, Person(777, "en"))
    harness.clock.current = MONDAY
    photos = [c for c in await sweep(harness) if c.method == "sendPhoto"]
    assert len(photos) == 2
    assert len([c for c in photos if "photo" in c.files]) == 1
