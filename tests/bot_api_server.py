"""Just enough of the Bot API over real HTTP, for tests that run `python -m bot`."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest


class FakeBotApi(BaseHTTPRequestHandler):
    """Just enough of the Bot API for start-up and long polling."""

    seen: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        method = self.path.rsplit("/", 1)[-1].lower()  # PTB writes some in lower case
        type(self).seen.append(self.path)
        result: object = True
        if method == "getme":
            result = {"id": 7, "is_bot": True, "first_name": "Pactbot", "username": "pb_bot"}
        elif method == "getupdates":
            time.sleep(0.2)
            result = []
        elif method == "getwebhookinfo":
            result = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        elif method == "sendmessage":
            result = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def bot_api() -> Iterator[str]:
    FakeBotApi.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeBotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/bot"
    server.shutdown()


def free_port() -> int:
    """A port nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
