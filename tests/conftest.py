from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

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
