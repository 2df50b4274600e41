"""Whole conversations as a person goes through them, for tests and benches."""

from __future__ import annotations

from tests.harness import Harness, Person

EDUCATION = 2  # the second default sector


async def register(h: Harness, person: Person, name: str, sector_id: int = EDUCATION) -> None:
    await h.send(person, "/register")
    await h.send(person, name)
    await h.tap(person, f"reg:sector:{sector_id}")
    await h.tap(person, "reg:skip:")
    await h.tap(person, "reg:skip:")
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
) -> None:
    """Through /intention to the review screen, and (`confirm`) save it there."""
    await h.send(person, "/intention")
    await h.send(person, title)
    await h.send(person, "Mentoring newcomers towards a first job, with local employers.")
    await h.tap(person, f"int:sector:{EDUCATION}")
    await h.tap(person, f"int:lever:{lever}")
    await h.tap(person, "int:preconditions:cooperation")
    await h.tap(person, "int:preconditions:")
    await h.tap(person, "int:characteristics:")
    await h.send(person, due)
    if indicator:
        await h.tap(person, "int:indicator:add")
        for answer in indicator:
            await h.send(person, answer)
    await h.tap(person, "int:indicator:done")
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
