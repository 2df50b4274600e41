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


FEATURES = sorted(
    p.name for p in (ROOT / "handlers").iterdir() if p.is_dir() and (p / "__init__.py").exists()
)


def test_bot_imports_handlers_only_in_the_composition_root() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        found = {n for n in _imports(path) if n.split(".")[0] == "handlers"}
        if path == ROOT / "bot" / "app.py":
            assert found == {"handlers"}, f"bot/app.py imports {found}, not only register"
        else:
            assert not found, f"{path.relative_to(ROOT)} imports {found}"


def test_features_import_each_other_only_through_the_kit() -> None:
    assert "kit" in FEATURES and len(FEATURES) >= 9
    for feature in FEATURES:
        for path in (ROOT / "handlers" / feature).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] != "handlers":
                    continue
                assert len(parts) > 1, f"{path.relative_to(ROOT)} imports the root"
                allowed = ("kit",) if feature == "kit" else ("kit", feature)
                assert parts[1] in allowed, f"{path.relative_to(ROOT)} imports {name}"


def test_every_feature_declares_itself_and_is_listed_once() -> None:
    from handlers import FEATURES as LISTED

    folders = [f for f in FEATURES if f != "kit"]
    modules = [feature.name for feature in LISTED]
    assert sorted(modules) == folders, "a folder under handlers/ is one line in FEATURES"
    top = {p.name for p in (ROOT / "handlers").glob("*.py")}
    assert top == {"__init__.py"}, "handlers/ holds folders only, besides the composition root"
