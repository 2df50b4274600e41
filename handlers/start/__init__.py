"""Onboarding: /start with its deep links, the language, /help and /cancel."""

from bot.i18n import N_
from handlers.kit import fallback
from handlers.kit.feature import Command, Feature
from handlers.start import help, language, start

FEATURE = Feature(
    name="start",
    commands=(
        Command("start", N_("Welcome, language and privacy"), start.start),
        Command("help", N_("What I can do for you"), help.show_help),
        Command("language", N_("Choose Nederlands, Français or English"), language.choose),
        Command("cancel", N_("Stop what you are doing"), fallback.nothing_to_cancel),
    ),
    buttons={"lang": language.on_button},
)
