"""Text measured the way Telegram measures it: in UTF-16 code units (an emoji or any
character beyond the Basic Multilingual Plane counts twice), and callback data in UTF-8
bytes. Every cap, cut and split of the bot counts with these (no telegram import)."""

from __future__ import annotations

import unicodedata

ELLIPSIS = "…"
WORD_BACKOFF = 0.7  # a cut looks for a space in the last 30% of what fits


def units(text: str) -> int:
    """The length Telegram gives `text` (UTF-16 code units)."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def data_bytes(text: str) -> int:
    """The size of callback data (Telegram allows 64 bytes)."""
    return len(text.encode("utf-8"))


def fitting(text: str, limit: int) -> int:
    """How many characters of `text` (code points) fit in `limit` units, never leaving a
    combining mark apart from its letter."""
    if len(text) * 2 <= limit:  # every character fits even at two units each
        return len(text)
    used = 0
    end = 0
    for end, ch in enumerate(text):  # noqa: B007 - `end` is read after the loop
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > limit:
            break
    else:
        return len(text)
    while end > 0 and (unicodedata.combining(text[end]) or text[end] in "\u200d\ufe0f"):
        end -= 1  # keep a letter with its accents, an emoji with its joiners
    return end


def cut(text: str, limit: int) -> str:
    """`text` within `limit` units: whole, or cut at a word boundary when one is near,
    with "…" to show that more was written."""
    if len(text) * 2 <= limit or units(text) <= limit:  # the first test is free
        return text
    end = fitting(text, limit - 1)
    space = text.rfind(" ", 0, end + 1)
    if space > 0 and space >= end * WORD_BACKOFF:
        end = space
    return text[:end].rstrip() + ELLIPSIS
