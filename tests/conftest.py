from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from tests.bot_api_server import bot_api  # noqa: F401  (a fixture for every test)
from tests.harness import FakeClock, Harness

OWNER_ID = 1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def harness(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Harness]:
    h = Harness(tmp_path / "pact.sqlite3", clock, {"ADMIN_IDS": str(OWNER_ID)})
    await h.start()
    yield h
    await h.stop()
    assert h.telegram_refusals() == [], "the bot sent what Telegram refuses"


@pytest.fixture(autouse=True)
def nothing_cut_to_fit(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every view is made to fit: the bot's last-resort cut (`botapi.fit`) never acts."""
    yield
    cut = [r.getMessage() for r in caplog.records if "was cut to" in r.getMessage()]
    assert cut == [], "a message was cut to fit"
