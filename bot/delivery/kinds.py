"""Kinds of message the bot sends on its own, each with its renderer and its rules.

A feature registers its kinds once, beside its messages (`handlers/*_messages.py`):

    Kind("reminder", render=reminder, bulk=True)

`render` turns a due outbox row into what to send, in the recipient's language, or
raises `Skip` when the message no longer holds (the session moved, the request was
answered). What it returns is one message, or several in a row (`Parts`: a digest's
chart, then its text in as many messages as it needs), sent in order as one row. It runs
before the message takes a send slot, so a skipped row costs none.
`bulk` kinds go to many people at once: one-off notices (a join request, a moderation
decision) are sent before them, and paid broadcasts, when switched on, apply to them only.
Which later row replaces an earlier one is the row's `collapse` key, set by the service
that queues it. Nothing here imports `telegram`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.delivery.outbox import Due
    from bot.i18n import Translator

Markup = dict[str, Any]
"""An inline keyboard as the Bot API's own JSON: {"inline_keyboard": [[{...}]]}."""

NOTICE, BULK = 0, 1  # priorities: lower goes first


class Skip(Exception):
    """A renderer's way to say this message no longer makes sense (moved, cancelled…)."""


@dataclass(frozen=True, slots=True)
class Text:
    """An HTML message without link preview."""

    text: str
    markup: Markup | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A file, such as a calendar file, with an optional HTML caption."""

    content: bytes
    filename: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture, such as a chart (PNG), with an optional HTML caption and buttons. `key`
    names its content: sent once, it goes again by Telegram's file id, not uploaded."""

    content: bytes
    key: str
    caption: str | None = None
    markup: Markup | None = None


Outgoing = Text | Document | Photo
Parts = tuple[Outgoing, ...]
Render = Callable[["Due", "Translator"], Awaitable[Outgoing | Parts]]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    render: Render
    bulk: bool = True

    @property
    def priority(self) -> int:
        return BULK if self.bulk else NOTICE


class Kinds:
    """Every registered kind by name; queueing an unknown kind is a programming error."""

    def __init__(self) -> None:
        self._kinds: dict[str, Kind] = {}

    def register(self, *kinds: Kind) -> None:
        for kind in kinds:
            if kind.name in self._kinds:
                raise ValueError(f"outbox kind {kind.name!r} is registered twice")
            self._kinds[kind.name] = kind

    def get(self, name: str) -> Kind | None:
        return self._kinds.get(name)

    def __getitem__(self, name: str) -> Kind:
        kind = self._kinds.get(name)
        if kind is None:
            raise KeyError(f"no outbox kind {name!r} is registered")
        return kind

    def __contains__(self, name: object) -> bool:
        return name in self._kinds
