"""Whole conversations as a person goes through them, for tests and benches."""

from __future__ import annotations

from tests.harness import Harness, Person

EDUCATION = 2  # the second default sector


async def register(h: Harness, person: Person, name: str, sector_id: int = EDUCATION) -> None:
    """/register with a name and a sector: the shortest way, four interactions."""
    await h.send(person, "/register")
    await h.send(person, name)
    await h.tap(person, f"reg:sector:{sector_id}")
    await h.tap(person, "reg:ok:")


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
