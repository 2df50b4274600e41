"""A static copy of the public pages and the open data, linked relatively, for a team that
hosts them elsewhere: `python -m bot publish DIR`."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from bot import SUPPORTED_LOCALES
from bot.i18n import translator
from bot.public import pages
from bot.public.pages import StaticLinks, list_name
from bot.services.public import Filters
from bot.vocabulary import LEVERS

if TYPE_CHECKING:
    from bot.services import Services


async def files(services: Services) -> dict[str, bytes]:
    """Every page in every language, the style and the open data, by relative path."""
    settings = services.settings
    sectors = await services.sectors.all()
    glance = await services.public.glance()
    opinions = await services.public.opinions()
    found: dict[str, bytes] = {}
    for locale in SUPPORTED_LOCALES:
        t = translator(locale, settings.timezone)
        top, below = StaticLinks(locale, 1), StaticLinks(locale, 2)
        found[f"{locale}/index.html"] = pages.glance(t, glance, sectors, top).encode()
        found[f"{locale}/opinions.html"] = pages.opinions(t, opinions, top).encode()
        numbers: set[int] = set()
        lists = [
            (None, None),
            *((s.id, None) for s in sectors),
            *((None, lv.code) for lv in LEVERS),
        ]
        for sector, lever in lists:
            page = 0
            while True:
                chosen = Filters(sector, lever, None, page)
                items, more = await services.public.commitments(chosen)
                name = list_name(sector, lever, page)
                found[f"{locale}/commitments/{name}.html"] = pages.commitments(
                    t, items, more, chosen, sectors, below
                ).encode()
                numbers |= {item.id for item in items}
                if not more:
                    break
                page += 1
        for number in sorted(numbers):
            one = await services.public.commitment(number)
            if one is not None:
                found[f"{locale}/commitments/{number}.html"] = pages.commitment(
                    t, *one, below
                ).encode()
    found["static/style.css"] = (
        resources.files("bot.public").joinpath("static", "style.css").read_bytes()
    )
    home = f"{settings.default_locale}/index.html"
    found["index.html"] = (
        f'<!DOCTYPE html><html lang="{settings.default_locale}"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={home}"><title>Pactbot</title></head>'
        f'<body><a href="{home}">{home}</a></body></html>'
    ).encode()
    package = await services.opendata.package()
    found.update({f"opendata/{name}": content for name, content in package.files.items()})
    return found
