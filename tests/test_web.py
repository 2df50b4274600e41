"""The bot's web server: /health for platforms and monitors, and updates by webhook, each
checked against the secret Telegram sends; in-process through the ASGI app, and for real
with `python -m bot` against an emulated Bot API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import httpx

from bot.web import SECRET_HEADER, web_app
from tests.bot_api_server import FakeBotApi, free_port
from tests.harness import FakeClock, Harness, Person
from tests.test_config_cli import ROOT, TOKEN

SECRET = "s3cret-token-0123456789"


def _update(person: Person, text: str, update_id: int = 9001) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 5,
            "date": 1_790_000_000,
            "chat": {"id": person.id, "type": "private", "first_name": "A"},
            "from": person.as_user(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_health_and_a_webhook_that_checks_its_secret(tmp_path: Path) -> None:
    env = {
        "ADMIN_IDS": "1",
        "WEB_PORT": "8443",
        "WEBHOOK_URL": "https://pact.example.be/telegram/hook",
        "WEBHOOK_SECRET": SECRET,
    }
    h = Harness(tmp_path / "pact.sqlite3", FakeClock(), env)
    app = await h.start()
    try:
        transport = httpx.ASGITransport(app=web_app(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            # Before the dispatcher's first run the health says so.
            answer = await client.get("/health")
            assert answer.status_code == 503 and answer.json()["problems"] == ["dispatcher"]
            await h.dispatch()
            app.services.operations.last_dispatch_at = h.clock.now()
            answer = await client.get("/health")
            assert answer.status_code == 200, answer.text
            report = answer.json()
            assert report["ok"] is True and report["mode"] == "webhook"
            assert set(report) >= {"last_update_at", "outbox_oldest_due", "last_backup_at"}
            person = Person(777, "en")
            body = json.dumps(_update(person, "/help"))
            refused = await client.post("/telegram/hook", content=body)
            assert refused.status_code == 403
            forged = await client.post(
                "/telegram/hook", content=body, headers={SECRET_HEADER: "wrong-" + SECRET}
            )
            assert forged.status_code == 403
            broken = await client.post(
                "/telegram/hook", content="{not json", headers={SECRET_HEADER: SECRET}
            )
            assert broken.status_code == 400
            assert app.update_queue.empty()
            taken = await client.post(
                "/telegram/hook", content=body, headers={SECRET_HEADER: SECRET}
            )
            assert taken.status_code == 200
            update = app.update_queue.get_nowait()
            before = len(h.request.calls)
            await app.process_update(update)
            replies = [c for c in h.request.calls[before:] if c.method == "sendMessage"]
            assert replies and replies[0].chat_id == 777
            assert (await client.get("/nowhere")).status_code == 404
            assert (await client.post("/health")).status_code == 405
    finally:
        await h.stop()


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait(predicate: Any, process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 30
    while not predicate():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_python_m_bot_by_webhook_then_back_to_polling(tmp_path: Path, bot_api: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEB", "BOT_", "DATABASE"))}
    env.update(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot_api,
            "PYTHONPATH": str(ROOT),
            "DATABASE_PATH": str(tmp_path / "run.sqlite3"),
            "WEB_PORT": str(port),
            "WEBHOOK_URL": "https://pact.example.be/hook",
            "WEBHOOK_SECRET": SECRET,
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], env=env, cwd=tmp_path, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(lambda: any(p.endswith("/setWebhook") for p in FakeBotApi.seen), process, "hook")

        def serving() -> bool:
            try:
                return _get(f"http://127.0.0.1:{port}/health")[0] in (200, 503)
            except OSError:
                return False

        _wait(serving, process, "the web server never answered")
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/hook",
            data=json.dumps(_update(Person(778, "en"), "/start")).encode(),
            headers={SECRET_HEADER: SECRET, "content-type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 200
        _wait(
            lambda: any(p.lower().endswith("/sendmessage") for p in FakeBotApi.seen),
            process,
            "reply",
        )
        assert not any(p.endswith("/getUpdates") for p in FakeBotApi.seen)
        status, report = _get(f"http://127.0.0.1:{port}/health")
        assert status == 200 and report["mode"] == "webhook", report
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/?lang=en", timeout=5) as page:
            assert page.status == 200 and b"<h1>The pact at a glance</h1>" in page.read()
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    # Back to long polling: the webhook is deleted first, then updates are fetched.
    FakeBotApi.seen.clear()
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET"):
        env.pop(name)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], env=env, cwd=tmp_path, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait(lambda: any(p.endswith("/getUpdates") for p in FakeBotApi.seen), process, "poll")
        methods = [p.rsplit("/", 1)[-1] for p in FakeBotApi.seen]
        assert methods.index("deleteWebhook") < methods.index("getUpdates")
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
