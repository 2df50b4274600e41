"""Broadcasts: /broadcast writes, targets, previews and sends (`broadcasts`), with a live
status message and the messages as sent (`messages`)."""

from bot.i18n import N_
from handlers.broadcasts import broadcasts, messages
from handlers.kit.feature import Command, DeskView, Feature, Job

STATUS_EVERY = 3  # seconds between two edits of a broadcast's status

FEATURE = Feature(
    name="broadcasts",
    commands=(Command("broadcast", N_("Write to everyone or to a segment"), audience="team"),),
    flows=(broadcasts.BROADCAST,),
    buttons={"bcv": broadcasts.on_button},
    kinds=messages.kinds,
    jobs=(Job("broadcast:status", STATUS_EVERY, broadcasts.refresh_status),),
    desk=(DeskView("broadcasts", N_("📨 Broadcasts sent"), broadcasts.sent, below=False),),
)
