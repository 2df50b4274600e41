"""Privacy: /privacy explains, /mydata sends everything stored, /forget erases it."""

from bot.i18n import N_
from handlers.kit.feature import Command, Feature
from handlers.privacy import privacy

FEATURE = Feature(
    name="privacy",
    commands=(
        Command("privacy", N_("What is stored about you and why"), privacy.explain),
        Command("mydata", N_("Get everything stored about you"), privacy.my_data),
        Command("forget", N_("Delete everything stored about you"), privacy.ask_forget),
    ),
    buttons={"privacy": privacy.on_button},
)
