"""Every message in the code is translated in nl, fr and en, with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import SUPPORTED_LOCALES
from bot.i18n import catalog_path

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TAG = re.compile(r"</?(\w+)")


def _code_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")]
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as handle:
        return read_po(handle, locale=locale)


def _forms(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, tuple | list) else [""]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    catalog = _catalog(locale)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = _code_messages() - ids
    assert not missing, f"{locale}: not in the catalog (run the update step in README): {missing}"
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"{locale}: fuzzy {message.id!r}"
        assert all(_forms(message.string)), f"{locale}: untranslated {message.id!r}"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_translations_keep_placeholders_and_markup(locale: str) -> None:
    for message in _catalog(locale):
        if not message.id:
            continue
        source = " ".join(_forms(message.id))
        for form in _forms(message.string):
            assert set(PLACEHOLDER.findall(form)) <= set(PLACEHOLDER.findall(source)), (
                f"{locale}: {message.id!r} → {form!r}"
            )
            assert sorted(TAG.findall(form)) == sorted(TAG.findall(_forms(message.id)[0])), (
                f"{locale}: markup differs in {form!r}"
            )
        if isinstance(message.id, str):
            [form] = _forms(message.string)
            assert set(PLACEHOLDER.findall(form)) == set(PLACEHOLDER.findall(source))


def test_english_says_english_dutch_says_dutch() -> None:
    msgid = "From now on I speak English with you. Type /help to see what I can do."
    assert _forms(_catalog("nl")[msgid].string)[0].startswith("Vanaf nu spreek ik Nederlands")
    assert _forms(_catalog("fr")[msgid].string)[0].startswith("Désormais, je vous parle en")


def test_no_message_hides_inside_an_f_string() -> None:
    """`pybabel extract` does not look inside f-strings: a message there is never
    translated (the published opinion's headings were English in every language)."""
    hidden = re.compile(r"""\bf(["']).*\{[^}]*\b(?:gettext|ngettext|N_)\(\s*["']""")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("bot", "handlers")
        for path in (ROOT / folder).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if hidden.search(line)
    ]
    assert found == []
