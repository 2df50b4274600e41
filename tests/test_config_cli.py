"""Configuration errors, `python -m bot --help`, a self-hosted Bot API and clean stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import ConfigError, load_environment, settings_from
from tests.bot_api_server import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST-TOKEN"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "   "}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "nocolon"}, "BOT_TOKEN"),
        ({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "12,abc"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": TOKEN, "TIMEZONE": "Mars/Olympus"}, "TIMEZONE"),
        ({"BOT_TOKEN": TOKEN, "DEFAULT_LOCALE": "de"}, "DEFAULT_LOCALE"),
        ({"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "localhost:8081"}, "TELEGRAM_API_BASE_URL"),
        ({"BOT_TOKEN": TOKEN, "DIGEST_CHAT_ID": "my channel"}, "DIGEST_CHAT_ID"),
        ({"BOT_TOKEN": TOKEN, "PAID_BROADCAST": "maybe"}, "PAID_BROADCAST"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "fast"}, "BROADCAST_RATE"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "0"}, "BROADCAST_RATE"),
        ({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "100"}, "BROADCAST_RATE"),  # free: ≤ 30
        (
            {"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "1500", "PAID_BROADCAST": "yes"},
            "BROADCAST_RATE",
        ),
        ({"BOT_TOKEN": TOKEN, "OUTBOX_RETENTION_DAYS": "0"}, "OUTBOX_RETENTION_DAYS"),
        ({"BOT_TOKEN": TOKEN, "OUTBOX_RETENTION_DAYS": "a month"}, "OUTBOX_RETENTION_DAYS"),
    ],
)
def test_each_configuration_error_names_its_variable(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings_from(env)
    assert str(caught.value).startswith(names)


def test_defaults_and_parsing() -> None:
    settings = settings_from(
        {
            "BOT_TOKEN": TOKEN,
            "ADMIN_IDS": " 1, 2 ,",
            "DIGEST_CHAT_ID": "-100123",
            "DEFAULT_LOCALE": "FR",
        }
    )
    assert settings.admin_ids == {1, 2}
    assert settings.digest_chat_id == -100123
    assert settings.default_locale == "fr"
    assert str(settings.timezone) == "Europe/Brussels"
    assert settings.database_path == Path("pactbot.sqlite3")
    assert settings.api_base_url is None
    assert (settings.broadcast_rate, settings.paid_broadcast) == (25.0, False)
    assert settings.outbox_retention_days == 30


def test_paid_broadcasts_raise_the_rate_only_when_asked() -> None:
    paid = settings_from({"BOT_TOKEN": TOKEN, "PAID_BROADCAST": "true"})
    assert (paid.broadcast_rate, paid.paid_broadcast) == (1000.0, True)
    slower = settings_from({"BOT_TOKEN": TOKEN, "PAID_BROADCAST": "on", "BROADCAST_RATE": "200"})
    assert slower.broadcast_rate == 200.0
    free = settings_from({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "30"})
    assert (free.broadcast_rate, free.paid_broadcast) == (30.0, False)
    with pytest.raises(ConfigError, match="more needs PAID_BROADCAST=true"):
        settings_from({"BOT_TOKEN": TOKEN, "BROADCAST_RATE": "31"})


def test_dotenv_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=1:FROMFILE\nTIMEZONE=Europe/Paris\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIMEZONE", "Europe/Amsterdam")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    settings = settings_from(load_environment())
    assert settings.bot_token == "1:FROMFILE"
    assert str(settings.timezone) == "Europe/Amsterdam"


def _run_bot(env: dict[str, str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    clean.update(env)
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


_VARIABLES = {
    "BOT_TOKEN",
    "DATABASE_PATH",
    "ADMIN_IDS",
    "TELEGRAM_API_BASE_URL",
    "TIMEZONE",
    "DEFAULT_LOCALE",
    "DIGEST_CHAT_ID",
    "BROADCAST_RATE",
    "PAID_BROADCAST",
    "OUTBOX_RETENTION_DAYS",
    "BACKUP_DIR",
    "BACKUP_SCHEDULE",
    "BACKUP_KEEP",
    "LOG_LEVEL",
    "LOG_FORMAT",
}


def test_missing_token_is_one_clear_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    result = _run_bot({}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "pactbot: BOT_TOKEN is not set: put the token from @BotFather in BOT_TOKEN."
    ]
    assert "Traceback" not in result.stderr


def test_an_unreachable_bot_api_is_one_clean_line(tmp_path: Path) -> None:
    """Nothing listens on the discard port: the bot says so once, without a traceback."""
    base = "http://127.0.0.1:9/bot"
    result = _run_bot({"BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base}, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"pactbot: could not reach the Bot API at {base}: httpx.ConnectError: "
        "All connection attempts failed"
    ]


def test_malformed_admin_ids_exit_without_traceback(tmp_path: Path) -> None:
    result = _run_bot({"BOT_TOKEN": TOKEN, "ADMIN_IDS": "me"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("pactbot: ADMIN_IDS")
    assert "Traceback" not in result.stderr


def test_help_explains_the_options(tmp_path: Path) -> None:
    result = _run_bot({}, "--help", cwd=tmp_path)
    assert result.returncode == 0
    for name in _VARIABLES:
        assert name in result.stdout


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_runs_against_a_self_hosted_api_and_stops_cleanly(
    tmp_path: Path, bot_api: str, stop: signal.Signals
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in _VARIABLES}
    env.update(
        {
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": bot_api,
            "PYTHONPATH": str(ROOT),
            "DATABASE_PATH": str(tmp_path / "run.sqlite3"),
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not any(p.endswith("/getUpdates") for p in FakeBotApi.seen):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the bot never polled"
            time.sleep(0.05)
        process.send_signal(stop)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert f"/bot{TOKEN}/getMe" in FakeBotApi.seen
    assert (tmp_path / "run.sqlite3").exists()


def test_check_passes_on_a_sound_install_and_names_each_problem(
    tmp_path: Path, bot_api: str
) -> None:
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": bot_api,
        "DATABASE_PATH": str(tmp_path / "pact.sqlite3"),
    }
    assert _run_bot(env, "backup", cwd=tmp_path).returncode == 1  # no database yet
    sound = _run_bot(env, "check", cwd=tmp_path)
    assert sound.returncode == 0, sound.stdout + sound.stderr
    assert sound.stdout == ""
    assert f"/bot{TOKEN}/getWebhookInfo" in FakeBotApi.seen
    (tmp_path / "pact.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    env["TELEGRAM_API_BASE_URL"] = "http://127.0.0.1:9/bot"  # nobody listens there
    broken = _run_bot(env, "check", cwd=tmp_path)
    assert broken.returncode == 1
    lines = broken.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["database", "telegram"], lines
    assert "Traceback" not in broken.stderr
