"""No apology for any input: every parser returns a value or a refusal in the person's
language, lengths count as Telegram counts (an emoji is two), forged team presses are
refused before any lookup, and a chat that blocked the bot gets no apology."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.measure import cut, data_bytes, units
from bot.services import validation
from bot.services.broadcasts import check_buttons
from bot.services.broadcasts import check_text as check_broadcast
from bot.services.endorsements import ECHO_MAX, check_paragraph
from bot.services.errors import Invalid
from handlers.kit.common import LABEL_MOST, keyboard
from handlers.kit.render import split_text
from tests.conftest import OWNER_ID
from tests.flows import open_campaign, register
from tests.harness import Harness, Person, alerts, notes, texts
from tests.telegram_fake import Fault
from tests.test_reliability import APOLOGIES

TZ = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
TEAM = Person(OWNER_ID, "en")

# What a hostile run types: anything at all, huge exponents, digit runs of thousands.
ANYTHING = st.one_of(
    st.text(),
    st.text(st.characters(codec=None), max_size=200),
    st.from_regex(r"[+-]?[0-9]{0,5}[.,]?[0-9]{0,3}[eE][+-]?[0-9]{4,12}", fullmatch=True),
    st.text("0123456789/.,:-+ eE", min_size=1, max_size=400),
    st.integers(min_value=5, max_value=5000).map(lambda n: "9" * n),
    st.builds(lambda a, b: f"{a} {b}", st.text("0123456789/-.", max_size=30), st.text(max_size=8)),
)
PARSERS = {
    "number": lambda s: validation.number(s, "nl"),
    "number_fr": lambda s: validation.number(s, "fr"),
    "due_date": lambda s: validation.due_date(s, "en", NOW.date()),
    "due_date_nl": lambda s: validation.due_date(s, "nl", NOW.date()),
    "moment": lambda s: validation.moment(s, "fr", TZ, NOW),
    "moment_nl": lambda s: validation.moment(s, "nl", TZ, NOW),
    "duration": validation.duration,
    "offsets": validation.offsets,
    "telegram_id": validation.telegram_id,
    "website": validation.website,
    "text": lambda s: validation.text(s, max_length=120),
    "paragraph": lambda s: check_paragraph(s, 10, 900),
    "broadcast": check_broadcast,
    "buttons": check_buttons,
}


@pytest.mark.parametrize("parser", sorted(PARSERS))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(typed=ANYTHING)
def test_every_parser_returns_a_value_or_a_refusal(parser: str, typed: str) -> None:
    with contextlib.suppress(Invalid):  # a refusal is fine; anything else fails the test
        PARSERS[parser](typed)


@pytest.mark.parametrize(
    ("typed", "parser"),
    [
        ("1e999999999", "number"),
        ("-1e999999999", "number"),
        ("1e-999999999", "number"),
        ("99999999999/1/1", "due_date"),
        ("+80368042046078128563,3694..19", "due_date"),
        ("30/11/99999999999 14:30", "moment"),
        ("1/1/" + "9" * 5000 + " 14:30", "moment"),
    ],
)
def test_the_inputs_that_got_an_apology_get_a_refusal(typed: str, parser: str) -> None:
    with pytest.raises(Invalid):
        PARSERS[parser](typed)


def test_numbers_within_the_limits_still_read_as_before() -> None:
    assert validation.number("2,5", "nl") == 2.5
    assert validation.number("1.000", "nl") == 1000
    assert validation.number("1e9", "en") == 1_000_000_000
    assert validation.number("100.50000", "en") == 100.5
    assert validation.number("0e999999999", "en") == 0


EMOJI, MARK, ASTRAL = "😀", "e\u0301", "𝔸"


def test_lengths_count_as_telegram_counts() -> None:
    assert units(EMOJI * 5) == 10 and units(MARK) == 2 and units(ASTRAL) == 2
    assert data_bytes("mine:open:1") == 11
    for text in (EMOJI * 50, MARK * 50, ASTRAL * 50, "word " * 50):
        short = cut(text, 31)
        assert units(short) <= 31 and short.endswith("…")
        assert not short[:-1].endswith("\u0301" + "…")
    assert cut("Permanence sociale pour les nouveaux arrivants", 40) == (
        "Permanence sociale pour les nouveaux…"
    )
    with pytest.raises(Invalid, match="too long"):
        validation.text(EMOJI * 61, max_length=120)  # 61 emoji are 122 of Telegram's units


def test_a_paragraph_of_emoji_is_refused_with_a_copy_that_fits() -> None:
    with pytest.raises(Invalid) as refused:
        check_paragraph(EMOJI * 5000, 10, 900)
    echo = str(refused.value.params["text"])
    assert units(echo) <= ECHO_MAX and refused.value.params["length"] == 10_000


@pytest.mark.parametrize("glyph", [EMOJI, MARK, ASTRAL, "a"])
def test_a_long_text_is_split_into_parts_that_fit(glyph: str) -> None:
    parts = split_text(glyph * 9000, 3800)
    assert all(units(part) <= 3800 for part in parts)
    assert "".join(parts) == glyph * 9000


def test_button_labels_stay_whole_characters() -> None:
    markup = keyboard([[(EMOJI * 40, "x:y:1"), (MARK * 40, "x:y:2"), ("OK", "x:y:3")]])
    [[emoji, marks, ok]] = markup["inline_keyboard"]
    assert units(emoji["text"]) <= LABEL_MOST and emoji["text"].endswith(EMOJI + "…")
    assert marks["text"].endswith(MARK + "…") and ok["text"] == "OK"


# -- through the bot ------------------------------------------------------------------------------


async def test_huge_numbers_and_dates_in_the_flows_get_a_refusal(harness: Harness) -> None:
    h = harness
    for person, locale_note in (
        (Person(8101, "nl"), "Stuur een getal tussen"),
        (Person(8102, "fr"), "Envoyez un nombre entre"),
        (Person(8103, "en"), "Send a number between"),
    ):
        await register(h, person, f"Vzw Vijandig {person.id}")
        await h.send(person, "/intention")
        await h.send(person, "Taalcafé")
        await h.send(person, "Elke week een taalcafé in de bibliotheek van de buurt.")
        await h.tap(person, "int:lever:agency")
        calls = await h.send(person, "99999999999/1/1")
        assert not [t for t in texts(calls) if t.startswith(APOLOGIES)]
        await h.send(person, "31/12/2027")
        await h.send(person, "Deelnemers")
        await h.send(person, "mensen")
        calls = await h.send(person, "1e999999999")
        assert notes(calls)[0].startswith(locale_note), notes(calls)
    calls = await h.send(TEAM, "/newsession")
    await h.send(TEAM, "Sectoroverleg")
    await h.tap(TEAM, "ns:sector:2")
    await h.tap(TEAM, "ns:sector:done")
    calls = await h.send(TEAM, "30/11/99999999999 14:30")
    assert notes(calls)[0].startswith("I cannot read that date and time"), notes(calls)


async def test_an_emoji_paragraph_gets_its_copy_and_the_question_again(harness: Harness) -> None:
    h = harness
    campaign_id = await open_campaign(h, TEAM)
    person = Person(8110, "nl")
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    await h.tap(person, "end:name:telegram")
    calls = await h.send(person, EMOJI * 5000)
    [shown] = texts(calls)
    assert "om te kopiëren en in te korten" in shown
    assert "Je paragraaf telt 10.000 tekens; er passen er hoogstens 900." in shown
    copy = shown.split("<pre>", 1)[1].split("</pre>", 1)[0]
    assert copy.startswith(EMOJI * 100) and units(copy) <= ECHO_MAX  # not cut away to fit
    assert "Waarom onderschrijf je het?" in shown.split("</pre>", 1)[1]  # the question again


@pytest.mark.parametrize(
    "data",
    ["dig:report:999999999999999", "dig:report:1", "adm:log:999999999999999.-.0", "adm:log:5.-.0"],
)
async def test_forged_team_presses_are_refused_before_any_lookup(
    harness: Harness, data: str
) -> None:
    calls = await harness.press(TEAM, data)
    assert alerts(calls) == ["This button is no longer valid."]
    assert not [t for t in texts(calls) if t.startswith(APOLOGIES) or "Nothing yet" in t]


async def test_rejecting_a_paragraph_that_does_not_exist_asks_nothing(harness: Harness) -> None:
    calls = await harness.press(TEAM, "rej:start:99999")
    assert alerts(calls) == ["That endorsement does not exist (any more)."]
    assert texts(calls) == []
    assert (harness.application.user_data.get(OWNER_ID) or {}).get("flow") is None
    calls = await harness.send(TEAM, "Het is beledigend.")
    assert texts(calls) == ["I did not ask anything. Type /help to see what I can do."]


async def test_a_chat_that_blocked_the_bot_gets_no_apology(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    person = Person(8120, "nl")
    await h.send(person, "/start")
    blocked = "Forbidden: bot was blocked by the user"
    h.request.fail(Fault("sendMessage", 403, blocked, chat_id=person.id, times=5))
    before = len(h.request.attempts)
    with caplog.at_level(logging.INFO):
        await h.send(person, "/help")
    tried = [c for c in h.request.attempts[before:] if c.method == "sendMessage"]
    assert len(tried) == 1, "the reply, and no apology after its 403"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [r for r in caplog.records if "blocked the bot" in r.getMessage()]
    reachable = await h.application.services.db.fetchval(
        "SELECT reachable FROM person WHERE id = ?", (person.id,)
    )
    assert reachable == 0
