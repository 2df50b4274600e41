"""The layering rules of ARCHITECTURE.md, checked."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_services_and_storage_import_no_telegram() -> None:
    for folder in ("bot/services", "bot/storage"):
        for path in (ROOT / folder).rglob("*.py"):
            bad = {n for n in _imports(path) if n.split(".")[0] in ("telegram", "handlers")}
            assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_handlers_run_no_sql() -> None:
    for path in (ROOT / "handlers").rglob("*.py"):
        bad = {n for n in _imports(path) if n.startswith(("aiosqlite", "sqlite3", "bot.storage"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
        text = path.read_text(encoding="utf-8")
        assert ".execute(" not in text and "fetchall(" not in text and "fetchval(" not in text
