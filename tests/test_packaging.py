"""`pip install .` ships the translations and the SQL; `python -m bot` runs from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
from zoneinfo import ZoneInfo
import bot, bot.i18n
from bot.storage.db import migrations
assert not bot.__file__.startswith({root!r}), bot.__file__
t = bot.i18n.Translator("fr", ZoneInfo("Europe/Brussels"))
print(t.gettext("Choose your language."))
print(len(migrations()))
"""


def test_the_installed_package_carries_catalogs_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("pactbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for locale in ("nl", "fr", "en"):
        assert f"bot/locales/{locale}/LC_MESSAGES/messages.po" in names
    for migration in (ROOT / "bot" / "storage" / "migrations").glob("*.sql"):
        assert f"bot/storage/migrations/{migration.name}" in names
    # Every module of both packages, the capability folders under handlers/ included.
    for folder in ("bot", "handlers"):
        for module in (ROOT / folder).rglob("*.py"):
            assert module.relative_to(ROOT).as_posix() in names, module

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(root=str(ROOT))],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Choisissez votre langue."
    assert int(lines[1]) == len(list((ROOT / "bot" / "storage" / "migrations").glob("*.sql")))
    help_run = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert help_run.returncode == 0 and "BOT_TOKEN" in help_run.stdout
