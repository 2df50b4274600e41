"""Engagement intentions: /intention records one (`new`), /mine follows them up with
progress, edits and indicators (`mine`)."""

from bot.i18n import N_
from handlers.intentions import mine, new
from handlers.kit.feature import Command, Feature

FEATURE = Feature(
    name="intentions",
    commands=(
        Command("intention", N_("Record a new engagement intention")),
        Command("mine", N_("Your organisation's intentions and progress"), mine.mine),
    ),
    flows=(new.INTENTION, mine.PROGRESS, mine.EDIT, mine.INDICATOR),
    buttons={"mine": mine.on_button},
)
