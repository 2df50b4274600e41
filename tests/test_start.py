"""/start, /language and /help as a person sees them."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from tests.conftest import OWNER_ID
from tests.harness import Harness, Person, alerts, texts

BRUSSELS = ZoneInfo("Europe/Brussels")


def tr(locale: str, message: str) -> str:
    return Translator(locale, BRUSSELS).gettext(message)


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [
        ("nl", "nl"),
        ("nl-BE", "nl"),
        ("fr", "fr"),
        ("fr-BE", "fr"),
        ("en", "en"),
        ("de", "nl"),
        (None, "nl"),
    ],
)
async def test_start_welcomes_in_the_phone_language(
    harness: Harness, language_code: str | None, expected: str
) -> None:
    calls = await harness.send(Person(501, language_code), "/start")

    [welcome] = texts(calls)
    assert tr(expected, "<b>Welcome to Pactbot</b>, the bot of the integration pact.") in welcome
    assert "/privacy" in welcome
    assert calls[0].buttons == [
        [(tr(expected, "🏢 Register your organisation"), "reg:start:")],
        [
            ("✓ Nederlands" if expected == "nl" else "Nederlands", "lang:set:nl"),
            ("✓ Français" if expected == "fr" else "Français", "lang:set:fr"),
            ("✓ English" if expected == "en" else "English", "lang:set:en"),
        ],
    ]
    stored = await harness.application.services.db.fetchval(
        "SELECT locale FROM person WHERE id = ?", (501,)
    )
    assert stored == expected


async def test_welcome_texts_really_differ_per_language(harness: Harness) -> None:
    welcomes = {
        code: texts(await harness.send(Person(600 + i, code), "/start"))[0]
        for i, code in enumerate(("nl", "fr", "en"))
    }
    assert "Welkom bij Pactbot" in welcomes["nl"]
    assert "Bienvenue sur Pactbot" in welcomes["fr"]
    assert "Welcome to Pactbot" in welcomes["en"]


async def test_french_phone_switches_to_english_and_keeps_it_after_a_restart(
    harness: Harness,
) -> None:
    person = Person(502, "fr")
    assert "Bienvenue" in texts(await harness.send(person, "/start"))[0]

    calls = await harness.press(person, "lang:set:en")
    assert texts(calls) == [
        "From now on I speak English with you. Type /help to see what I can do."
    ]

    await harness.restart()
    reply = texts(await harness.send(person, "/help"))[0]
    assert reply.startswith("<b>What I can do</b>")
    assert "/language — Choose Nederlands, Français or English" in reply
    # A new /start does not fall back to the phone's French.
    assert "Welcome to Pactbot" in texts(await harness.send(person, "/start"))[-1]


async def test_language_command_offers_the_three_languages(harness: Harness) -> None:
    person = Person(503, "nl")
    await harness.send(person, "/start")
    calls = await harness.send(person, "/language")
    assert texts(calls) == ["Kies je taal."]
    assert calls[0].button_data == ["lang:set:nl", "lang:set:fr", "lang:set:en"]

    calls = await harness.press(person, "lang:set:fr")
    assert texts(calls)[0].startswith("Désormais, je vous parle en français.")


async def test_a_forged_language_button_is_refused_politely(harness: Harness) -> None:
    person = Person(504, "nl")
    await harness.send(person, "/start")
    calls = await harness.press(person, "lang:set:de")
    assert alerts(calls) == ["Deze knop is niet meer geldig."]
    assert texts(calls) == []
    stored = await harness.application.services.db.fetchval(
        "SELECT locale FROM person WHERE id = ?", (504,)
    )
    assert stored == "nl"


async def test_unknown_button_data_is_refused(harness: Harness) -> None:
    calls = await harness.press(Person(505, "en"), "nonsense:do:1")
    assert alerts(calls) == ["This button is no longer valid."]


async def test_help_shows_team_commands_only_to_the_team(harness: Harness) -> None:
    member_help = texts(await harness.send(Person(506, "en"), "/help"))[0]
    owner_help = texts(await harness.send(Person(OWNER_ID, "en"), "/help"))[0]

    assert "/mydata — Get everything stored about you" in member_help
    assert "/team" not in member_help
    assert "<b>Pact team</b>" in owner_help
    assert "/team — See and change the pact team" in owner_help


async def test_an_added_team_member_sees_team_commands(harness: Harness) -> None:
    owner, colleague = Person(OWNER_ID, "en"), Person(507, "fr")
    await harness.send(colleague, "/start")
    calls = await harness.send(owner, "/team add 507")
    assert texts(calls) == ["507 is now on the pact team."]
    [menu] = [c for c in calls if c.method == "setMyCommands"]
    assert menu.params["scope"] == {"type": "chat", "chat_id": 507}
    assert {"command": "team", "description": "Voir et modifier l'équipe du pacte"} in menu.params[
        "commands"
    ]
    assert "/team" in texts(await harness.send(colleague, "/help"))[0]


async def test_a_non_team_member_cannot_use_team_commands(harness: Harness) -> None:
    calls = await harness.send(Person(508, "nl"), "/team add 509")
    assert texts(calls) == ["Dit commando is voor het pactteam."]
    assert await harness.application.services.team.member_ids() == {OWNER_ID}


async def test_only_an_owner_may_press_remove(harness: Harness) -> None:
    owner, member = Person(OWNER_ID, "en"), Person(510, "en")
    await harness.send(owner, "/team add 510")
    calls = await harness.press(member, "team:remove:510")
    assert alerts(calls) == ["Only a pact team owner can change the team."]
    assert 510 in await harness.application.services.team.member_ids()

    calls = await harness.send(owner, "/team remove 510")
    assert calls[0].button_data == ["team:remove:510", "team:keep:0"]
    calls = await harness.press(owner, "team:remove:510")
    assert texts(calls) == ["510 is no longer on the pact team."]
    assert 510 not in await harness.application.services.team.member_ids()


async def test_team_add_with_a_bad_id_says_how_to_fix_it(harness: Harness) -> None:
    calls = await harness.send(Person(OWNER_ID, "en"), "/team add <bob>")
    assert texts(calls) == [
        "A Telegram user id is a number, such as 123456789. You typed: &lt;bob&gt;"
    ]


async def test_commands_are_published_per_language_at_start_up(harness: Harness) -> None:
    menus = harness.request.sent("setMyCommands")
    by_language = {
        m.params.get("language_code"): m.params for m in menus if "scope" not in m.params
    }
    assert set(by_language) == {None, "nl", "fr", "en"}
    nl = {c["command"]: c["description"] for c in by_language["nl"]["commands"]}
    assert nl["forget"] == "Wis alles wat over jou bewaard wordt"
    assert "team" not in nl
    [owner_menu] = [m for m in menus if m.params.get("scope")]
    assert owner_menu.params["scope"] == {"type": "chat", "chat_id": OWNER_ID}


async def test_stray_text_cancel_and_unknown_commands(harness: Harness) -> None:
    person = Person(511, "fr")
    assert texts(await harness.send(person, "hallo")) == [
        "Je n'avais rien demandé. Tapez /help pour voir ce que je sais faire."
    ]
    assert texts(await harness.send(person, "/cancel")) == ["Il n'y a rien à annuler."]
    assert texts(await harness.send(person, "/frobnicate")) == [
        "Je ne connais pas cette commande. Tapez /help pour voir ce que je sais faire."
    ]


async def test_an_unknown_deep_link_still_welcomes(harness: Harness) -> None:
    calls = await harness.send(Person(512, "en"), "/start nosuch_abc")
    assert texts(calls)[0] == "This link is not valid (any more)."
    assert "Welcome to Pactbot" in texts(calls)[1]
