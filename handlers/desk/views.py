"""The pact team's overview: /orgs, /intentions (paged, filtered) and /stats.

List buttons carry their whole view in the data, `page.sector.lever.status`, so a press
on an old message still shows a consistent page; every press re-checks team membership.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from telegram import Update

from bot import stats_chart
from bot.context import PactContext
from bot.delivery.kinds import Photo
from bot.i18n import Translator
from bot.measure import cut
from bot.services.intentions import PAGE_SIZE, Stats
from bot.services.sectors import Sector
from bot.vocabulary import LEVER, LEVERS, STATUS, STATUSES
from handlers.kit.common import (
    esc,
    keyboard,
    no_longer_valid,
    page_shown,
    parse_id,
    parse_page,
    show,
    user_id_of,
)
from handlers.kit.render import (
    figure_lines,
    history_keyboard,
    history_page,
    intention_card,
    intention_line,
    lever_name,
    organisation_summary,
    progress,
    public_page_line,
    sector_name,
    status_name,
    within_budget,
)


@dataclass(frozen=True)
class View:
    page: int = 0
    sector: int = 0
    lever: str = "-"
    status: str = "-"

    def encode(self) -> str:
        return f"{self.page}.{self.sector}.{self.lever}.{self.status}"

    @classmethod
    def decode(cls, text: str) -> View:
        parts = text.split(".")
        if len(parts) != 4:
            raise no_longer_valid()
        lever = parts[2] if parts[2] in LEVER else "-"
        status = parts[3] if parts[3] in STATUS else "-"
        return cls(min(parse_page(parts[0]), MAX_PAGE), parse_id(parts[1]), lever, status)

    def but(self, **changes: object) -> View:
        values = {**self.__dict__, "page": 0, **changes}
        return View(**values)


MAX_PAGE = 100_000  # a page number from a forged button stays one SQLite can offset by


def _pager(prefix: str, view: View, total: int) -> list[tuple[str, str]]:
    pages = max(1, math.ceil(total / PAGE_SIZE))
    row = []
    if view.page > 0:
        row.append(("«", f"{prefix}:page:{view.but(page=view.page - 1).encode()}"))
    row.append((f"{view.page + 1}/{pages}", f"{prefix}:page:{view.encode()}"))
    if view.page + 1 < pages:
        row.append(("»", f"{prefix}:page:{view.but(page=view.page + 1).encode()}"))
    return row


# -- /intentions ---------------------------------------------------------------------------


async def intentions(update: Update, context: PactContext) -> None:
    """Newest first, ten a page, filtered by sector, lever and status."""
    await _intentions_page(update, context, View())


async def _intentions_page(update: Update, context: PactContext, view: View) -> None:
    t = context.i18n
    services = context.services
    found, total = await services.intentions.page(
        user_id_of(update),
        sector_id=view.sector or None,
        lever=None if view.lever == "-" else view.lever,
        status=None if view.status == "-" else view.status,
        page=view.page,
    )
    page_shown(view.page, found)
    sectors = await services.sectors.all()
    filters = [
        sector_name(t, sectors, view.sector) if view.sector else t.gettext("all sectors"),
        lever_name(t, view.lever) if view.lever != "-" else t.gettext("all levers"),
        status_name(t, view.status) if view.status != "-" else t.gettext("every status"),
    ]
    header = t.ngettext("<b>{n} intention</b>", "<b>{n} intentions</b>", total).format(n=total)
    lines = [f"{header} ({esc(', '.join(filters))})"]
    first = view.page * PAGE_SIZE
    for n, (intention, organisation) in enumerate(found, first + 1):
        lines.append(f"{n}. {intention_line(t, intention)}\n<i>{esc(organisation)}</i>")
    if not found:
        lines.append(t.gettext("Nothing matches these filters."))
    state = view.encode()
    rows = [
        [(f"{n}. {cut(i.title, 40)}", f"ti:open:{i.id}.{state}")]
        for n, (i, _) in enumerate(found, first + 1)
    ]
    rows.append(
        [
            (t.gettext("Sector"), f"ti:menu:sector.{state}"),
            (t.gettext("Lever"), f"ti:menu:lever.{state}"),
            (t.gettext("Status"), f"ti:menu:status.{state}"),
        ]
    )
    rows.append(_pager("ti", view, total))
    await show(update, context, "\n\n".join(lines), keyboard(rows))


async def _filter_menu(
    update: Update, context: PactContext, prefix: str, what: str, view: View
) -> None:
    t = context.i18n
    rows: list[list[tuple[str, str]]] = []
    if what == "sector":
        rows.append([(t.gettext("all sectors"), f"{prefix}:page:{view.but(sector=0).encode()}")])
        for sector in await context.services.sectors.all():
            rows.append(
                [(sector.name(t.locale), f"{prefix}:page:{view.but(sector=sector.id).encode()}")]
            )
    elif what == "lever":
        rows.append([(t.gettext("all levers"), f"ti:page:{view.but(lever='-').encode()}")])
        rows += [
            [(t.gettext(lv.name), f"ti:page:{view.but(lever=lv.code).encode()}")] for lv in LEVERS
        ]
    elif what == "status":
        rows.append([(t.gettext("every status"), f"ti:page:{view.but(status='-').encode()}")])
        rows += [
            [(status_name(t, s.code), f"ti:page:{view.but(status=s.code).encode()}")]
            for s in STATUSES
        ]
    else:
        raise no_longer_valid()
    await show(update, context, t.gettext("Show only:"), keyboard(rows))


async def on_intentions_button(
    update: Update, context: PactContext, action: str, value: str
) -> None:
    """`ti:page:<view>`, `ti:menu:<what>.<view>`, `ti:open:<id>.<view>`."""
    if action == "page":
        await _intentions_page(update, context, View.decode(value))
    elif action == "menu":
        what, _, state = value.partition(".")
        await context.services.team.require_member(user_id_of(update))
        await _filter_menu(update, context, "ti", what, View.decode(state))
    elif action == "open":
        number, _, state = value.partition(".")
        await _team_card(update, context, parse_id(number), View.decode(state))
    elif action == "history":
        numbers, _, state = value.partition(".")
        number, _, page_text = numbers.partition("-")
        intention_id, page, view = parse_id(number), parse_page(page_text), View.decode(state)
        t = context.i18n
        intention, entries, total = await context.services.intentions.history(
            user_id_of(update), intention_id, page, team=True
        )
        page_shown(page, entries)
        await show(
            update,
            context,
            history_page(t, intention, entries, page, total),
            history_keyboard(
                t,
                "ti",
                f"{intention_id}-",
                f".{view.encode()}",
                page,
                total,
                f"ti:open:{intention_id}.{view.encode()}",
            ),
        )
    else:
        raise no_longer_valid()


async def _team_card(update: Update, context: PactContext, intention_id: int, view: View) -> None:
    services = context.services
    intention, organisation = await services.intentions.for_team(user_id_of(update), intention_id)
    t = context.i18n
    text = intention_card(t, intention, organisation, await services.sectors.all())
    rows = [[(t.gettext("« Back to the list"), f"ti:page:{view.encode()}")]]
    if intention.history:
        history = f"ti:history:{intention.id}-0.{view.encode()}"
        rows.insert(0, [(t.gettext("📜 History"), history)])
    await show(update, context, text, keyboard(rows))


# -- /orgs --------------------------------------------------------------------------------------


async def orgs(update: Update, context: PactContext) -> None:
    """Organisations by name, ten a page, filtered by sector."""
    await _orgs_page(update, context, View())


async def _orgs_page(update: Update, context: PactContext, view: View) -> None:
    t = context.i18n
    services = context.services
    found, total = await services.organisations.page(
        user_id_of(update), view.sector or None, view.page
    )
    page_shown(view.page, found)
    sectors = await services.sectors.all()
    where = sector_name(t, sectors, view.sector) if view.sector else t.gettext("all sectors")
    header = t.ngettext("<b>{n} organisation</b>", "<b>{n} organisations</b>", total).format(
        n=total
    )
    lines = [f"{header} ({esc(where)})"]
    first = view.page * PAGE_SIZE
    for n, (organisation, count) in enumerate(found, first + 1):
        sector = sector_name(t, sectors, organisation.sector_id)
        counted = t.ngettext("{n} intention", "{n} intentions", count).format(n=count)
        lines.append(f"{n}. <b>{esc(organisation.name)}</b> — {esc(sector)}, {counted}")
    if not found:
        lines.append(t.gettext("Nothing matches these filters."))
    state = view.encode()
    rows = [
        [(f"{n}. {cut(o.name, 40)}", f"to:open:{o.id}.{state}")]
        for n, (o, _) in enumerate(found, first + 1)
    ]
    rows.append([(t.gettext("Sector"), f"to:menu:sector.{state}")])
    rows.append(_pager("to", view, total))
    await show(update, context, "\n".join(lines), keyboard(rows))


async def on_orgs_button(update: Update, context: PactContext, action: str, value: str) -> None:
    """`to:page:<view>`, `to:menu:sector.<view>`, `to:open:<id>.<view>`."""
    services = context.services
    t = context.i18n
    person_id = user_id_of(update)
    if action == "page":
        await _orgs_page(update, context, View.decode(value))
    elif action == "menu" and value.startswith("sector."):
        await services.team.require_member(person_id)
        await _filter_menu(
            update, context, "to", "sector", View.decode(value.removeprefix("sector."))
        )
    elif action == "open":
        number, _, state = value.partition(".")
        view = View.decode(state)
        organisation = await services.organisations.get_for_team(person_id, parse_id(number))
        contacts = await services.organisations.contacts(organisation.id)
        sectors = await services.sectors.all()
        head = [
            organisation_summary(t, organisation, sectors),
            t.ngettext("{n} contact", "{n} contacts", len(contacts)).format(n=len(contacts)),
        ]
        items = [
            f"• {esc(i.title)} — {status_name(t, i.status)}, {progress(t, i.fraction)}"
            for i in await services.intentions.of_organisation(person_id, organisation.id)
        ]
        back = keyboard([[(t.gettext("« Back to the list"), f"to:page:{view.encode()}")]])
        await show(update, context, within_budget(t, head, items)[0], back)
    else:
        raise no_longer_valid()


# -- /stats -----------------------------------------------------------------------------------


STATS_CAMPAIGNS = 3  # the latest campaigns (not drafts) whose endorsements /stats counts


async def stats(update: Update, context: PactContext) -> None:
    """The pact's figures: organisations per sector, intentions per lever and status,
    indicator progress, overdue intentions, and the endorsements of the latest campaigns."""
    t = context.i18n
    services = context.services
    figures = await services.intentions.stats(user_id_of(update))
    sectors = await services.sectors.all()
    lines = [t.gettext("<b>Organisations per sector</b>")]
    for sector in sectors:
        count = figures.organisations_per_sector.get(sector.id, 0)
        lines.append(
            t.gettext("{label}: {value}").format(
                label=esc(sector.name(t.locale)), value=t.number(count)
            )
        )
    lines += ["", t.gettext("<b>Intentions per lever</b>")]
    for lever in LEVERS:
        counts = [
            (s, figures.intentions_per_lever_and_status.get((lever.code, s.code), 0))
            for s in STATUSES
        ]
        total = sum(n for _, n in counts)
        detail = ", ".join(f"{status_name(t, s.code)} {t.number(n)}" for s, n in counts if n)
        lines.append(
            t.gettext("{label}: {value}").format(label=t.gettext(lever.name), value=t.number(total))
            + (f" ({detail})" if detail else "")
        )
    lines.append("")
    if figures.average_indicator_progress is None:
        lines.append(t.gettext("No indicators yet."))
    else:
        lines.append(
            t.ngettext(
                "Average progress of {n} indicator: {progress}",
                "Average progress of {n} indicators: {progress}",
                figures.indicators,
            ).format(
                n=t.number(figures.indicators),
                progress=progress(t, figures.average_indicator_progress),
            )
        )
    lines.append(
        t.ngettext(
            "{n} intention is overdue.", "{n} intentions are overdue.", figures.overdue
        ).format(n=t.number(figures.overdue))
    )
    campaigns = await services.campaigns.all(user_id_of(update))
    for campaign in [c for c in campaigns if c.state != "draft"][:STATS_CAMPAIGNS]:
        endorsed = await services.campaigns.figures(user_id_of(update), campaign.id)
        lines += [
            "",
            f"<b>{esc(campaign.title_in(t.locale))}</b>",
            *figure_lines(t, endorsed, sectors),
        ]
    link = public_page_line(t, services.settings.public_url)
    if link:
        lines += ["", link]
    await show(update, context, "\n".join(lines))
    if figures.indicators or any(figures.intentions_per_lever_and_status.values()):
        chart = await STATS_CHART.png(_chart_figures(t, figures, sectors))
        caption = t.gettext("The pact in figures")
        key = "stats:" + hashlib.sha256(chart).hexdigest()[:32]  # the same picture: its file id
        await context.bot.deliver(user_id_of(update), Photo(chart, key, caption))


STATS_CHART = stats_chart.StatsChart()


def _chart_figures(
    t: Translator, figures: Stats, sectors: list[Sector]
) -> stats_chart.StatsFigures:
    shown = [s for s in sectors if s.id in figures.progress_per_sector]
    progress = tuple(figures.progress_per_sector[s.id] for s in shown)
    return stats_chart.StatsFigures(
        levers_title=t.gettext("Intentions per lever and status"),
        levers=tuple(t.gettext(lever.name) for lever in LEVERS),
        statuses=tuple(status_name(t, s.code) for s in STATUSES),
        counts=tuple(
            tuple(
                figures.intentions_per_lever_and_status.get((lever.code, s.code), 0)
                for s in STATUSES
            )
            for lever in LEVERS
        ),
        sectors_title=t.gettext("Indicator progress per sector"),
        sectors=tuple(s.name(t.locale) for s in shown),
        progress=progress,
        progress_text=tuple(t.percent(round(p, 2)) for p in progress),
        axis=(t.percent(0), t.percent(0.5), t.percent(1)),
    )
