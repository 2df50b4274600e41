"""What Telegram refuses with a 400, so the fake Bot API refuses it too: HTML it cannot
parse, text over 4,096 characters (captions over 1,024), empty messages, button data over
64 bytes, pop-ups over 200 characters."""

from __future__ import annotations

import json
import re
from typing import Any

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALERT_LIMIT = 200
CALLBACK_DATA_LIMIT = 64

_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "tg-emoji", "code", "pre", "blockquote",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


def parse_html(text: str) -> str:
    """The text a person sees, or ValueError with Telegram's kind of complaint."""
    shown: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if match is None:
                raise ValueError(f"can't parse entities: unexpected '<' at {position}")
            closing, name, _attributes = match.groups()
            name = name.lower()
            if name not in _TAGS:
                raise ValueError(f'can\'t parse entities: unsupported start tag "{name}"')
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise ValueError(f'can\'t parse entities: unexpected end tag "{name}"')
                open_tags.pop()
            else:
                open_tags.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if match is None:
                raise ValueError(f"can't parse entities: unsupported entity at {position}")
            shown.append(_unescape(match.group()))
            position = match.end()
        elif char == ">":
            raise ValueError(f"can't parse entities: unexpected '>' at {position}")
        else:
            shown.append(char)
            position += 1
    if open_tags:
        raise ValueError(f"can't parse entities: can't find end tag \"{open_tags[-1]}\"")
    return "".join(shown)


def _unescape(entity: str) -> str:
    named = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}
    if entity in named:
        return named[entity]
    number = entity[2:-1]
    return chr(int(number[1:], 16) if number.startswith("x") else int(number))


def length(text: str) -> int:
    """Telegram counts UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def refusal(method: str, params: dict[str, Any]) -> str | None:
    """Telegram's 400 description for this call, or None when it would accept it."""
    if method in ("sendMessage", "editMessageText"):
        problem = _text_problem(params.get("text"), params.get("parse_mode"), TEXT_LIMIT)
        if problem:
            return problem
    if method in ("sendDocument", "sendPhoto") and params.get("caption"):
        problem = _text_problem(params.get("caption"), params.get("parse_mode"), CAPTION_LIMIT)
        if problem:
            return problem.replace("message is too long", "message caption is too long")
    if method == "answerCallbackQuery" and len(str(params.get("text") or "")) > ALERT_LIMIT:
        return "Bad Request: MESSAGE_TOO_LONG"
    markup = params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if not str(button.get("text", "")).strip():
                return "Bad Request: text buttons are unallowed in the inline keyboard"
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                return "Bad Request: BUTTON_DATA_INVALID"
    return None


def _text_problem(text: object, parse_mode: object, limit: int) -> str | None:
    raw = str(text or "")
    if parse_mode == "HTML":
        try:
            shown = parse_html(raw)
        except ValueError as error:
            return f"Bad Request: {error}"
    else:
        shown = raw
    if not shown.strip():
        return "Bad Request: message text is empty"
    if length(shown) > limit:
        return "Bad Request: message is too long"
    return None
