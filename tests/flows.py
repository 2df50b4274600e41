"""Whole conversations as a person goes through them, for tests and benches."""

from __future__ import annotations

import re

from tests.harness import Harness, Person, texts

EDUCATION = 2  # the second default sector


async def register(h: Harness, person: Person, name: str, sector_id: int = EDUCATION) -> None:
    """/register with a name and a sector: the shortest way, four interactions."""
    await h.send(person, "/register")
    await h.send(person, name)
    await h.tap(person, f"reg:sector:{sector_id}")
    await h.tap(person, "reg:ok:")


async def add_colleague(h: Harness, contact: Person, colleague: Person) -> Person:
    """The contact's /invite link, opened and accepted by the colleague."""
    link = texts(await h.send(contact, "/invite"))[0]
    code = re.search(r"join_([\w-]+)", link).group(1)  # type: ignore[union-attr]
    await h.send(colleague, f"/start join_{code}")
    await h.tap(colleague, f"org:join:{code}")
    return colleague


async def record_intention(
    h: Harness,
    person: Person,
    title: str,
    *,
    due: str = "31/12/2027",
    indicator: tuple[str, str, str, str] | None = ("Jobs found", "people", "0", "10"),
    lever: str = "agency",
    confirm: bool = True,
    precondition: str | None = "cooperation",
) -> None:
    """Through /intention to the review screen (ticking one precondition there), and
    (`confirm`) save it."""
    await h.send(person, "/intention")
    await h.send(person, title)
    await h.send(person, "Mentoring newcomers towards a first job, with local employers.")
    await h.tap(person, f"int:lever:{lever}")
    await h.send(person, due)
    if indicator:
        for answer in indicator:
            await h.send(person, answer)
    else:
        await h.tap(person, "int:indicator:none")
    if precondition:
        await h.tap(person, "int:edit:preconditions")
        await h.tap(person, f"int:preconditions:{precondition}")
        await h.tap(person, "int:preconditions:")
    if confirm:
        await h.tap(person, "int:ok:")


async def log_progress(
    h: Harness, person: Person, intention_id: int, text: str, *values: str
) -> None:
    await h.send(person, "/mine")
    await h.tap(person, f"mine:open:{intention_id}")
    await h.tap(person, f"prog:start:{intention_id}")
    await h.send(person, text)
    for value in values:
        await h.send(person, value)


OPINION_NL = (
    "Integratie is een gedeelde verantwoordelijkheid.\n\n"
    "Wij vragen dat iedereen die hier woont gelijke kansen krijgt op werk, onderwijs en "
    "wonen, en dat organisaties samen optrekken."
)
OPINION_FR = (
    "L'intégration est une responsabilité partagée.\n\n"
    "Nous demandons que chaque personne qui vit ici ait les mêmes chances."
)


async def open_campaign(
    h: Harness,
    team: Person,
    title: str = "Samen sterker",
    texts: tuple[str, ...] = (OPINION_NL, OPINION_FR),
    deadline: str = "10/12/2026 17:00",
    open_it: bool = True,
    titles: tuple[str | None, str | None] = (None, None),
) -> int:
    """/campaigns → a new campaign with its Dutch title (and French and English ones, or
    skipped), its texts (Dutch, then French and English or skipped), the default caps,
    saved and (`open_it`) opened; its id."""
    await h.send(team, "/campaigns")
    await h.tap(team, "cmp:start:")
    await h.send(team, title)
    for other in titles:
        if other:
            await h.send(team, other)
        else:
            await h.tap(team, "cmp:skip:")
    for locale, text in zip(("nl", "fr", "en"), (*texts, "", ""), strict=False):
        if text:
            await h.send(team, text)
            await h.tap(team, f"cmp:text:{locale}")
        else:
            await h.tap(team, "cmp:skip:")
    await h.send(team, deadline)
    await h.tap(team, "cmp:caps:keep")
    await h.tap(team, "cmp:ok:")
    campaign_id = int(
        await h.application.services.db.fetchval(
            "SELECT id FROM campaign WHERE title = ? ORDER BY id DESC", (title,)
        )
    )
    if open_it:
        await h.tap(team, f"cmpv:openask:{campaign_id}")
        await h.tap(team, f"cmpv:openok:{campaign_id}")
    return campaign_id


async def endorse(
    h: Harness,
    person: Person,
    campaign_id: int,
    paragraph: str,
    consents: tuple[str, ...] = ("name", "paragraph", "notify"),
    on_behalf: bool | None = None,
    name: str | None = None,
    confirm: bool = True,
) -> None:
    """/endorse → Endorse → (personally or on behalf, for a contact) → the name (typed, or
    the one Telegram gives) → the paragraph → the consents ticked → (`confirm`) Confirm."""
    await h.send(person, "/endorse")
    await h.tap(person, f"end:start:{campaign_id}")
    if on_behalf is not None:
        await h.tap(person, "end:who:organisation" if on_behalf else "end:who:me")
    if name is None:
        await h.tap(person, "end:name:telegram")
    else:
        await h.send(person, name)
    await h.send(person, paragraph)
    for consent in consents:
        await h.tap(person, f"end:consent:{consent}")
    await h.tap(person, "end:consent:")
    if confirm:
        await h.tap(person, "end:ok:")


async def follow_weekly(h: Harness, person: Person) -> None:
    """/follow, then Weekly: nothing is followed before the person chooses."""
    await h.send(person, "/follow")
    await h.tap(person, "fol:freq:weekly")
