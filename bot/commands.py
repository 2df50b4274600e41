"""Every command a person can type, with its one-line description and who may use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.i18n import N_

Audience = Literal["everyone", "team", "owner"]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str  # a message id, translated where it is shown
    audience: Audience = "everyone"


COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Welcome, language and privacy")),
    Command("help", N_("What I can do for you")),
    Command("register", N_("Register your organisation")),
    Command("intention", N_("Record a new engagement intention")),
    Command("mine", N_("Your organisation's intentions and progress")),
    Command("invite", N_("Invite a colleague as a contact")),
    Command("sessions", N_("Upcoming follow-up sessions and your answers")),
    Command("endorse", N_("Endorse the pact's opinion text")),
    Command("follow", N_("Follow the pact's digest: sectors, how often")),
    Command("unfollow", N_("Stop the digest")),
    Command("language", N_("Choose Nederlands, Français or English")),
    Command("cancel", N_("Stop what you are doing")),
    Command("privacy", N_("What is stored about you and why")),
    Command("mydata", N_("Get everything stored about you")),
    Command("forget", N_("Delete everything stored about you")),
    Command("intentions", N_("All intentions, filtered by sector, lever, status"), "team"),
    Command("orgs", N_("All organisations, by sector"), "team"),
    Command("stats", N_("The pact's figures"), "team"),
    Command("sectors", N_("See and add sectors"), "team"),
    Command("newsession", N_("Schedule a follow-up session"), "team"),
    Command("campaigns", N_("Put the opinion text up for endorsement; exports"), "team"),
    Command("moderate", N_("Review the endorsement paragraphs waiting"), "team"),
    Command("digest", N_("Preview the digest, or send it now"), "team"),
    Command("broadcast", N_("Write to everyone or to a segment"), "team"),
    Command("admin", N_("The team's desk: everything in one menu"), "team"),
    Command("team", N_("See and change the pact team"), "team"),
)


def commands_for(*, team: bool) -> list[Command]:
    """Owners see the team commands too; owner-only actions are checked inside them."""
    return [c for c in COMMANDS if c.audience == "everyone" or team]
