"""Drive the real Application with real `Update`s against a real SQLite file."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update

from bot.app import PactApplication, build_application
from bot.config import Settings, settings_from
from tests.telegram_fake import BOT_ID, Call, RecordingRequest

_update_ids = itertools.count(1)


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@dataclass(frozen=True)
class Person:
    id: int
    language_code: str | None = "nl"
    first_name: str = "Test"

    def as_user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            user["language_code"] = self.language_code
        return user


class FakeTime:
    """The sending pace's clock: `sleep` records the pause and moves time on at once."""

    def __init__(self) -> None:
        self.current = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.current

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.current += max(seconds, 0.0)


class Harness:
    """One bot on one database; `restart()` builds a fresh Application on the same file."""

    def __init__(
        self,
        db_path: Path,
        clock: FakeClock,
        env: dict[str, str] | None = None,
        request_class: type[RecordingRequest] = RecordingRequest,
    ) -> None:
        self.request_class = request_class
        self.env = {"BOT_TOKEN": "123456:TEST-TOKEN", "DATABASE_PATH": str(db_path)}
        self.env.update(env or {})
        self.clock = clock
        self.request = RecordingRequest()
        self.app: PactApplication | None = None
        self.time = FakeTime()  # pauses the bot asked for are recorded, not slept
        self.refused: list[tuple[Call, str]] = []  # what Telegram would have refused

    @property
    def settings(self) -> Settings:
        return settings_from(self.env)

    @property
    def sleeps(self) -> list[float]:
        return self.time.sleeps

    @property
    def application(self) -> PactApplication:
        assert self.app is not None, "the harness is not started"
        return self.app

    async def start(self) -> PactApplication:
        self.refused.extend(self.request.refused)
        self.request = self.request_class()
        self.request.stamp = self.time.monotonic
        app = build_application(
            self.settings,
            request=self.request,
            clock=self.clock,
            sleep=self.time.sleep,
            monotonic=self.time.monotonic,
        )
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        self.app = app
        return app

    def telegram_refusals(self) -> list[str]:
        """Every send Telegram would have refused (broken HTML, too long…), as text."""
        return [f"{c.method}: {why}" for c, why in [*self.refused, *self.request.refused]]

    async def stop(self) -> None:
        if self.app is None:
            return
        await self.app.shutdown()
        if self.app.post_shutdown:
            await self.app.post_shutdown(self.app)
        self.app = None

    async def kill(self) -> None:
        """The process dies: no shutdown, nothing written that was not on disk already."""
        app = self.application
        await app.services.db.close()
        self.app = None

    async def restart(self) -> PactApplication:
        await self.stop()
        return await self.start()

    async def process(self, data: dict[str, Any]) -> list[Call]:
        app = self.application
        before = len(self.request.calls)
        data = {"update_id": next(_update_ids), **data}
        await app.process_update(Update.de_json(data, app.bot))
        return self.request.calls[before:]

    async def dispatch(self) -> list[Call]:
        """Run the dispatcher now, as the JobQueue would; the calls it made."""
        app = self.application
        before = len(self.request.calls)
        await app.dispatcher.run(app.bot)
        return self.request.calls[before:]

    async def send(self, person: Person, text: str) -> list[Call]:
        """The person types `text` in their private chat with the bot."""
        message: dict[str, Any] = {
            "message_id": next(_update_ids),
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": person.as_user(),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.process({"message": message})

    async def upload(self, person: Person, file_name: str, content: bytes) -> list[Call]:
        """The person sends a file (as a document) in their private chat with the bot."""
        file_id = f"upload-{next(_update_ids)}"
        self.request.files[file_id] = content
        message: dict[str, Any] = {
            "message_id": next(_update_ids),
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": person.id, "type": "private", "first_name": person.first_name},
            "from": person.as_user(),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": file_name,
                "file_size": len(content),
            },
        }
        return await self.process({"message": message})

    async def press(
        self, person: Person, data: str, message_id: int = 1, shown: Call | None = None
    ) -> list[Call]:
        """The person presses an inline button carrying `data`, on the message `shown`
        (as the fake Bot API last drew it) or on a message with id `message_id`."""
        message: dict[str, Any] = {
            "message_id": shown.message_id if shown and shown.message_id else message_id,
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": person.id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Pactbot"},
            "text": shown.text if shown and shown.text else "…",
        }
        if shown is not None and shown.buttons:
            message["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": value} for label, value in row]
                    for row in shown.buttons
                ]
            }
        query = {
            "id": str(next(_update_ids)),
            "from": person.as_user(),
            "chat_instance": "ci",
            "data": data,
            "message": message,
        }
        calls = await self.process({"callback_query": query})
        answers = [c for c in calls if c.method == "answerCallbackQuery"]
        assert [c.params["callback_query_id"] for c in answers] == [query["id"]], (
            f"the press {data!r} was answered {len(answers)} times"
        )
        return calls

    async def tap(self, person: Person, data: str) -> list[Call]:
        """Press a button the person can see: on the latest message that shows it, as
        that message looks now (edits and buttons taken away included)."""
        seen: set[int | None] = set()
        for call in reversed(self.request.messages(chat_id=person.id)[-40:]):
            if call.message_id in seen:
                continue  # an older look of a message drawn again since
            seen.add(call.message_id)
            if data in call.button_data:
                return await self.press(person, data, shown=call)
        raise AssertionError(f"no button {data!r} in the chat of {person.id}")

    def buttons(self, person: Person) -> list[str]:
        """Every button the person can press now, in every message of theirs."""
        seen: set[int | None] = set()
        live: list[str] = []
        for call in reversed(self.request.messages(chat_id=person.id)):
            if call.message_id not in seen:
                seen.add(call.message_id)
                live += call.button_data
        return live

    def last_text(self, person: Person) -> str:
        """The text of the bottom message of the chat, as it looks now."""
        shown = self.request.messages(chat_id=person.id)
        bottom = max((c.message_id or 0) for c in shown)
        return [c for c in shown if (c.message_id or 0) == bottom][-1].text


def texts(calls: list[Call]) -> list[str]:
    """What there is to read: new messages and edits, not a question merely retired."""
    shown = ("sendMessage", "editMessageText", "sendDocument", "sendPhoto")
    return [c.text for c in calls if c.method in shown and not c.retired]


def notes(calls: list[Call]) -> list[str]:
    """The first paragraph of each message: what a refusal says above the question it
    asks again."""
    return [text.split("\n\n", 1)[0] for text in texts(calls)]


def alerts(calls: list[Call]) -> list[str]:
    return [str(c.params.get("text", "")) for c in calls if c.method == "answerCallbackQuery"]
