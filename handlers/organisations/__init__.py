"""Organisations: /register, contacts joining through an /invite link, join requests."""

from bot.i18n import N_
from handlers.kit.feature import Command, Feature
from handlers.organisations import organisations

FEATURE = Feature(
    name="organisations",
    commands=(
        Command("register", N_("Register your organisation")),
        Command("invite", N_("Invite a colleague as a contact"), organisations.invite),
    ),
    flows=(organisations.REGISTER,),
    buttons={"org": organisations.on_button},
    deep_links={"join": organisations.join_link},
    kinds=organisations.kinds,
)
