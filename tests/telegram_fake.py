"""A recording fake Bot API: a `BaseRequest` that answers like Telegram, offline.

It records every call that succeeded, can be told to fail (429, 403, 5xx) for chosen
calls, and fabricates the `Message` objects Telegram would return.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from tests.telegram_rules import refusal

BOT_ID = 7000001

# The Bot API takes method names in any case; the fake names them as the docs do.
_METHODS = (
    "getMe", "getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup",
    "answerCallbackQuery", "sendDocument", "sendPhoto", "setMyCommands", "deleteMyCommands",
    "deleteWebhook", "close", "logOut",
)  # fmt: skip
_CANONICAL = {name.lower(): name for name in _METHODS}


def canonical(method: str) -> str:
    return _CANONICAL.get(method.lower(), method)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)
    message_id: int | None = None  # of the message this call sent or edited
    at: float = 0.0  # when it reached the fake, on the harness's sending clock
    # An edit that only took an answered question's buttons and "(/cancel …)" hint away:
    # nothing new to read.
    retired: bool = False

    @property
    def chat_id(self) -> int | str | None:
        """A person's or group's id, or a channel's @name."""
        value = self.params.get("chat_id")
        if value is None:
            return None
        text = str(value)
        return int(text) if text.lstrip("-").isdigit() else text

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [
            [(b["text"], b.get("callback_data", b.get("url", ""))) for b in row]
            for row in markup.get("inline_keyboard", [])
        ]

    @property
    def button_data(self) -> list[str]:
        return [data for row in self.buttons for _, data in row]


@dataclass
class Fault:
    """Answer `status` instead of success to the next `times` matching calls."""

    method: str
    status: int
    description: str = "fault injected by the test"
    retry_after: int | None = None
    times: int = 1
    chat_id: int | None = None
    # Instead of an answer: a timeout before the request left ("connect": not delivered),
    # or after it was delivered, when the answer was lost on the way back ("read").
    timeout: Literal["connect", "read"] | None = None


Responder = Callable[[str, dict[str, Any]], Any]


class RecordingRequest(BaseRequest):
    check_rules = True  # refuse what Telegram refuses (benches turn it off: it is the fake's cost)

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.attempts: list[Call] = []
        self.faults: list[Fault] = []
        self._next_message_id = 100
        self._answered: set[str] = set()
        self._by_chat: dict[int | str, list[Call]] = {}
        self.stamp: Callable[[], float] = lambda: 0.0
        # Awaited after a call was delivered and before its answer goes back: a test's
        # model of the network (latency, answers held back while the bot is killed).
        self.on_the_way_back: Callable[[Call], Awaitable[None]] | None = None
        self.in_flight = 0
        self.most_in_flight = 0
        self.refused: list[tuple[Call, str]] = []  # calls Telegram would refuse, and why
        self.files: dict[str, bytes] = {}  # files people sent, by file_id, to download
        self.photo_ids: set[str] = set()  # pictures the bot uploaded, to send again by id

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    def fail(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        self.calls.clear()
        self.attempts.clear()
        self._by_chat.clear()

    def sent(self, method: str | None = None, chat_id: int | str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if (method is None or c.method == method) and (chat_id is None or c.chat_id == chat_id)
        ]

    def messages(self, chat_id: int | str | None = None) -> list[Call]:
        """Messages a person would see: new messages, edits and documents."""
        if chat_id is not None:
            return list(self._by_chat.get(chat_id, []))
        return [c for calls in self._by_chat.values() for c in calls]

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a download of a file someone sent (getFile gave its path)
            file_id = url.rsplit("/", 1)[-1]
            if file_id not in self.files:
                return 404, b'{"ok": false, "error_code": 404, "description": "Not Found"}'
            return 200, self.files[file_id]
        api_method = canonical(url.rsplit("/", 1)[-1])
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, bytes] = {}
        if request_data is not None:
            for name, part in request_data.multipart_data.items():
                content = part[1]
                files[name] = content if isinstance(content, bytes) else content.read()
        call = Call(api_method, params, files, at=self.stamp())
        self.attempts.append(call)
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            return await self._answer(call)
        finally:
            self.in_flight -= 1

    async def _answer(self, call: Call) -> tuple[int, bytes]:
        api_method, params = call.method, call.params
        fault = self._take_fault(call)
        if fault is not None and fault.timeout is not None:
            if fault.timeout == "connect":
                raise TimedOut() from httpx.ConnectTimeout("connect timed out")
            self._result(call)  # Telegram got it and delivered it; the answer was lost
            self.calls.append(call)
            raise TimedOut() from httpx.ReadTimeout("read timed out")
        if fault is None and self.check_rules:
            problem = refusal(api_method, params)
            if problem is not None:  # what Telegram itself refuses
                self.refused.append((call, problem))
                fault = Fault(api_method, 400, problem)
        if fault is None and api_method == "sendPhoto":
            fault = self._photo_fault(call)
            if fault is not None:
                self.refused.append((call, fault.description))
        if fault is None and api_method == "getFile" and params.get("file_id") not in self.files:
            fault = Fault(api_method, 400, "Bad Request: invalid file_id")
        if fault is None and api_method == "answerCallbackQuery":
            query_id = str(params.get("callback_query_id"))
            if query_id in self._answered:  # Telegram accepts one answer per press
                fault = Fault(api_method, 400, "Bad Request: query is too old or already answered")
            self._answered.add(query_id)
        if fault is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.status,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            return fault.status, json.dumps(body).encode()
        self.calls.append(call)
        result = self._result(call)
        if self.on_the_way_back is not None:
            await self.on_the_way_back(call)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _photo_fault(self, call: Call) -> Fault | None:
        """A picture is an image Telegram can read, or the id of one sent before."""
        if "photo" in call.files:
            if not call.files["photo"].startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
                return Fault("sendPhoto", 400, "Bad Request: IMAGE_PROCESS_FAILED")
            return None
        if call.params.get("photo") not in self.photo_ids:
            return Fault("sendPhoto", 400, "Bad Request: wrong file identifier/HTTP URL specified")
        return None

    def _take_fault(self, call: Call) -> Fault | None:
        for fault in self.faults:
            if fault.method == call.method and (fault.chat_id in (None, call.chat_id)):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def _result(self, call: Call) -> Any:
        if call.method == "getMe":
            return {
                "id": BOT_ID,
                "is_bot": True,
                "first_name": "Pactbot",
                "username": "pactbot_test_bot",
                "can_join_groups": False,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if call.method == "getUpdates":
            return []
        if call.method == "getFile":
            file_id = str(call.params.get("file_id"))
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}",
            }
        if call.method in ("sendMessage", "editMessageText", "sendDocument", "sendPhoto"):
            message = self._message(call)
            call.message_id = message["message_id"]
            chat = self._by_chat.setdefault(call.chat_id or 0, [])
            if call.method == "editMessageText" and self.check_rules and not call.button_data:
                before = next((c for c in reversed(chat) if c.message_id == call.message_id), None)
                call.retired = before is not None and _retires(before.text, call.text)
            chat.append(call)
            return message
        if call.method == "editMessageReplyMarkup":
            # The message keeps its text, with these buttons (or none) from now on.
            call.message_id = int(call.params.get("message_id", 0))
            chat = self._by_chat.setdefault(call.chat_id or 0, [])
            previous = next((c for c in reversed(chat) if c.message_id == call.message_id), None)
            if previous is not None and "text" not in call.params:
                call.params.setdefault("text", previous.params.get("text"))
                call.params.setdefault("caption", previous.params.get("caption"))
            chat.append(call)
        return True

    def _message(self, call: Call) -> dict[str, Any]:
        if call.method == "editMessageText":
            message_id = int(call.params.get("message_id", 0))
        else:
            self._next_message_id += 1
            message_id = self._next_message_id
        chat_id = call.chat_id or 0
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": 1_700_000_000,
            "chat": {
                "id": chat_id if isinstance(chat_id, int) else -1009999,
                "type": "private" if isinstance(chat_id, int) and chat_id > 0 else "channel",
            },
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Pactbot"},
        }
        if call.method == "sendPhoto":
            file_id = str(call.params.get("photo")) if "photo" not in call.files else ""
            if not file_id:
                file_id = f"photo-{message_id}"
                self.photo_ids.add(file_id)
            message["photo"] = [
                {"file_id": file_id, "file_unique_id": file_id, "width": 640, "height": 360}
            ]
            if call.params.get("caption"):
                message["caption"] = call.params["caption"]
        elif call.method == "sendDocument":
            name = next(iter(call.files), "document")
            message["document"] = {"file_id": f"file-{message_id}", "file_unique_id": name}
            if call.params.get("caption"):
                message["caption"] = call.params["caption"]
        else:
            message["text"] = call.params.get("text", "")
        return message


def _retires(before: str, after: str) -> bool:
    """`after` is `before` without its last paragraph, the italic hint of a live question."""
    kept, _, hint = before.rpartition("\n\n")
    return kept == after and hint.startswith("<i>") and hint.endswith("</i>")
