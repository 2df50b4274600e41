"""A capability declares itself once, beside its code: its commands, flows, button areas,
deep links, outbox kinds, repeating jobs and desk views (`Feature`). The composition root
(`handlers/__init__.py`) puts a tuple of them together (`Wiring`); two features claiming
the same command, button area, deep-link prefix, desk view or job stop the bot at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from telegram import Update
from telegram.ext import BaseHandler

from bot.context import PactContext
from bot.delivery.kinds import Kind
from handlers.kit.flow import Flow

if TYPE_CHECKING:
    from bot.app import PactApplication
    from bot.services import Services

Audience = Literal["everyone", "team", "owner"]
Callback = Callable[[Update, PactContext], Coroutine[Any, Any, None]]
# A button press `area:action:value`: the area's function gets the action and the value and
# checks for itself that this person may do this to this object.
Route = Callable[[Update, PactContext, str, str], Coroutine[Any, Any, None]]
# `/start <prefix>_<value>`: the feature that made the link gets the value.
DeepLink = Callable[[Update, PactContext, str], Coroutine[Any, Any, None]]
Kinds = Callable[["Services"], Iterable[Kind]]
JobCallback = Callable[[PactContext], Coroutine[Any, Any, None]]
Handlers = Callable[["PactApplication"], Iterable[BaseHandler[Update, PactContext, Any]]]


@dataclass(frozen=True)
class Command:
    """A command in the menu and in /help. Without a `callback`, one of the feature's own
    flows starts with it."""

    name: str
    description: str  # a message id (N_), translated where it is shown
    callback: Callback | None = None
    audience: Audience = "everyone"


@dataclass(frozen=True)
class Job:
    """A repeating job (JobQueue), scheduled once the database is open."""

    name: str
    every: float  # seconds (ignored with `once`)
    callback: JobCallback
    first: float = 1.0
    once: bool = False  # run once, `first` seconds after the start


@dataclass(frozen=True)
class DeskView:
    """A view the team's desk (/admin) opens with `adm:go:<key>`; `below`: the view comes
    as a new message under the desk menu, which stays; otherwise it replaces the menu."""

    key: str
    label: str  # a message id (N_)
    open: Callback
    below: bool = True


@dataclass(frozen=True)
class Feature:
    """One capability: what a person can type, press or open to reach it, and what it
    sends on its own."""

    name: str
    commands: Sequence[Command] = ()
    flows: Sequence[Flow] = ()
    buttons: Mapping[str, Route] = field(default_factory=dict)
    deep_links: Mapping[str, DeepLink] = field(default_factory=dict)
    kinds: Kinds | None = None
    jobs: Sequence[Job] = ()
    desk: Sequence[DeskView] = ()
    # Handlers of another shape (a forwarded message), placed before every flow.
    handlers: Handlers | None = None


class Wiring:
    """The features put together: who answers which command, button area and deep link,
    and the command menu in the features' order. Built once, at start-up."""

    def __init__(self, features: Sequence[Feature]) -> None:
        self.features = tuple(features)
        self.commands: tuple[Command, ...] = tuple(c for f in features for c in f.commands)
        self.flows: tuple[Flow, ...] = tuple(flow for f in features for flow in f.flows)
        self.routes: dict[str, Route] = {}
        self.deep_links: dict[str, DeepLink] = {}
        self.desk: dict[str, DeskView] = {}
        claims: dict[tuple[str, str], str] = {}

        def claim(what: str, key: str, feature: Feature) -> None:
            owner = claims.setdefault((what, key), feature.name)
            if owner != feature.name:
                raise ValueError(
                    f"{what} {key!r} is claimed twice: by the features "
                    f"{owner!r} and {feature.name!r}"
                )

        for feature in features:
            seen: dict[str, set[str]] = {}
            for what, keys in (
                ("the command", [c.name for c in feature.commands]),
                ("the button area", [*feature.buttons, *(flow.name for flow in feature.flows)]),
                ("the deep link", list(feature.deep_links)),
                ("the desk view", [v.key for v in feature.desk]),
                ("the job", [j.name for j in feature.jobs]),
            ):
                for key in keys:
                    if key in seen.setdefault(what, set()):
                        raise ValueError(f"{what} {key!r} is claimed twice by {feature.name!r}")
                    seen[what].add(key)
                    claim(what, key, feature)
            _check_flow_commands(feature)
            self.routes.update(feature.buttons)
            self.deep_links.update(feature.deep_links)
            self.desk.update({view.key: view for view in feature.desk})

    def menu(self, *, team: bool) -> list[Command]:
        """The commands a person sees; owners and members see the team's too (owner-only
        actions are checked inside them)."""
        return [c for c in self.commands if c.audience == "everyone" or team]


def _check_flow_commands(feature: Feature) -> None:
    started = {flow.command for flow in feature.flows if flow.command}
    declared = {c.name for c in feature.commands if c.callback is None}
    if started != declared:
        raise ValueError(
            f"feature {feature.name!r}: the commands its flows start with ({sorted(started)}) "
            f"and those it declares without a callback ({sorted(declared)}) differ"
        )


def wiring(context: PactContext) -> Wiring:
    """The bot's wiring, from the update's application."""
    found = getattr(context.application, "wiring", None)
    if not isinstance(found, Wiring):
        raise RuntimeError("the handlers are not registered (handlers.register)")
    return found
