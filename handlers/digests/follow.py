"""/follow and /unfollow: anyone follows the pact's digest, for all sectors or some, weekly
or daily, and stops it in one tap (also from under every digest)."""

from __future__ import annotations

from telegram import Update

from bot.context import PactContext
from bot.i18n import N_, Translator
from bot.measure import cut
from bot.services.digests import Subscription, check_sectors
from bot.services.sectors import Sector
from handlers.digests.messages import sectors_text
from handlers.kit.common import answer, keyboard, no_longer_valid, parse_id, send, show, user_id_of

FREQUENCY_NAMES = {"weekly": N_("Weekly"), "daily": N_("Daily"), "none": N_("None")}


async def follow(update: Update, context: PactContext) -> None:
    """A follower sees the card to change what they follow; anyone else sees what the
    digest is and chooses how often: nothing is followed before they choose."""
    person_id = user_id_of(update)
    found = await context.services.digests.subscription(person_id)
    if found is None or not found.following:
        await send(update, context, *_offer(context))
        return
    await send(update, context, *await _card(context, found))


def _offer(context: PactContext) -> tuple[str, dict[str, object]]:
    t = context.i18n
    lines = [
        t.gettext("<b>The pact's digest</b>"),
        t.gettext(
            "New intentions, status changes, progress, the sessions ahead and published "
            "endorsements of the sectors you follow, with a chart. Nothing happened: nothing "
            "is sent."
        ),
        "",
        t.gettext("How often do you want it? You choose the sectors next."),
    ]
    rows = [
        [(t.gettext("🔔 Weekly") + f" ({when_text(t, context, 'weekly')})", "fol:freq:weekly")],
        [(t.gettext("🔔 Daily") + f" ({when_text(t, context, 'daily')})", "fol:freq:daily")],
    ]
    return "\n".join(lines), keyboard(rows)


async def unfollow(update: Update, context: PactContext) -> None:
    await context.services.digests.stop(user_id_of(update))
    await send(update, context, *_stopped(context.i18n))


def when_text(t: Translator, context: PactContext, frequency: str) -> str:
    settings = context.services.settings
    at = f"{settings.digest_time:%H:%M}"
    if frequency == "weekly":
        return t.gettext("every {day} at {time}").format(
            day=t.weekday(settings.digest_weekday), time=at
        )
    if frequency == "daily":
        return t.gettext("every day at {time}").format(time=at)
    return t.gettext("not")


async def _card(context: PactContext, subscription: Subscription) -> tuple[str, dict[str, object]]:
    t = context.i18n
    sectors = await context.services.sectors.all()
    lines = [
        t.gettext("<b>The pact's digest</b>"),
        t.gettext(
            "New intentions, status changes, progress, the sessions ahead and published "
            "endorsements of the sectors you follow, with a chart. Nothing happened: nothing "
            "is sent."
        ),
        "",
        t.gettext("You get it: {when}").format(when=when_text(t, context, subscription.frequency)),
        t.gettext("Sectors: {sectors}").format(
            sectors=sectors_text(t, sectors, subscription.sectors)
        ),
    ]
    return "\n".join(lines), keyboard(_buttons(t, subscription, sectors))


def _buttons(
    t: Translator, subscription: Subscription, sectors: list[Sector]
) -> list[list[tuple[str, str]]]:
    rows = [
        [
            (("✓ " if subscription.frequency == code else "") + t.gettext(name), f"fol:freq:{code}")
            for code, name in FREQUENCY_NAMES.items()
        ],
        [(("☑ " if subscription.sectors is None else "☐ ") + t.gettext("All sectors"), "fol:all:")],
    ]
    chosen = subscription.sectors or ()
    boxes = [
        (("☑ " if s.id in chosen else "☐ ") + cut(s.name(t.locale), 30), f"fol:sector:{s.id}")
        for s in sectors
    ]
    rows += [boxes[i : i + 2] for i in range(0, len(boxes), 2)]
    return rows


def _stopped(t: Translator) -> tuple[str, dict[str, object]]:
    text = t.gettext("You no longer get the digest. /follow follows it again.")
    return text, keyboard([[(t.gettext("🔔 Follow again"), "fol:again:")]])


async def on_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`fol:menu|again|stop|all:`, `fol:freq:<frequency>`, `fol:sector:<id>`,
    `fol:quick:<sector>` (the offer after registering)."""
    t = context.i18n
    person_id = user_id_of(update)
    digests = context.services.digests
    found = await digests.subscription(person_id)
    if action == "stop":  # under a digest: the digest stays, a new message says it
        await digests.stop(person_id)
        await answer(update, context, t.gettext("You no longer get the digest."))
        await send(update, context, *_stopped(t))
        return
    if action in ("menu", "again", "quick"):
        if action == "quick":
            sector = parse_id(value)
            if sector not in {s.id for s in await context.services.sectors.all()}:
                raise no_longer_valid()
            found = await digests.follow(person_id, "weekly", (sector,))
        elif found is None or not found.following:
            found = await digests.follow(person_id, "weekly", found.sectors if found else None)
        await answer(update, context)
        await send(update, context, *await _card(context, found))
        return
    if action == "freq":  # also the first choice of someone who does not follow yet
        found = await digests.follow(person_id, value, found.sectors if found else None)
        await show(update, context, *await _card(context, found))
        return
    if found is None:
        raise no_longer_valid()
    if action == "all":
        found = await digests.follow(person_id, _active(found), None)
    elif action == "sector":
        sector = parse_id(value)
        if sector not in {s.id for s in await context.services.sectors.all()}:
            raise no_longer_valid()
        chosen = set(found.sectors or ())
        chosen ^= {sector}
        found = await digests.follow(person_id, _active(found), check_sectors(False, chosen))
    else:
        raise no_longer_valid()
    await show(update, context, *await _card(context, found))


def _active(subscription: Subscription) -> str:
    """Choosing sectors is following: weekly, unless it was daily."""
    return subscription.frequency if subscription.following else "weekly"
