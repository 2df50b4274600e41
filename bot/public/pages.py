"""The public pages, in the reader's language: the texts come from the bot's catalogs, the
structure from Jinja2 templates (autoescaped), dates and numbers as Babel writes them. No
JavaScript; a chart is an SVG drawn here. Nothing about any person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape

from bot import SUPPORTED_LOCALES
from bot.i18n import LANGUAGE_NAMES, N_, Translator
from bot.services.endorsements import Campaign, Endorsement
from bot.services.public import Commitment, Filters, Glance
from bot.services.sectors import Sector
from bot.vocabulary import LEVER, LEVERS, STATUS

ENV = Environment(
    loader=PackageLoader("bot.public", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=False,
)
BAR_WIDTH = 300

LABELS = {
    "site": N_("The integration pact in public"),
    "skip": N_("Skip to the content"),
    "menu": N_("Menu"),
    "languages": N_("Languages"),
    "glance": N_("At a glance"),
    "commitments": N_("Commitments"),
    "opinions": N_("Opinion texts"),
    "opendata": N_("Open data"),
    "footer": N_(
        "Organisations show their commitments here when they agree to. The same data: "
        "/opendata/ (CSV and JSON)."
    ),
    "figures": N_("The pact in figures"),
    "per_sector": N_("Per sector"),
    "per_lever": N_("Indicator progress per lever"),
    "bars": N_("Average progress of the indicators, per lever"),
    "sector": N_("Sector"),
    "lever": N_("Lever"),
    "status": N_("Status"),
    "organisations": N_("Organisations"),
    "intentions": N_("Intentions"),
    "committed": N_("Committed"),
    "average": N_("average progress"),
    "recent": N_("The last 30 days"),
    "nothing_recent": N_("Nothing changed in the last 30 days."),
    "sessions": N_("Sessions ahead"),
    "no_sessions": N_("No session is scheduled."),
    "all": N_("All"),
    "filter": N_("Show"),
    "none": N_("No commitment matches these choices."),
    "pages": N_("Pages"),
    "newer": N_("« Newer"),
    "older": N_("Older »"),
    "website": N_("website"),
    "due": N_("due"),
    "indicators": N_("Indicators"),
    "indicator": N_("Indicator"),
    "baseline": N_("Baseline"),
    "target": N_("Target"),
    "latest": N_("Latest value"),
    "progress": N_("Progress"),
    "history": N_("Progress, newest first"),
    "no_history": N_("No progress logged yet."),
    "back": N_("« All commitments"),
    "endorsed_by": N_("Endorsed by"),
    "why": N_("Why they endorse it"),
    "no_opinions": N_("No opinion text has been published yet."),
    "missing": N_("There is no page at this address."),
    "home": N_("To the pact at a glance"),
}
WHAT = {
    "created": N_("new"),
    "status": N_("status changed"),
    "progress": N_("progress"),
}


class Links:
    """The web server's addresses: filters and the language in the query."""

    forms = True

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def other(self, lang: str) -> Links:
        return type(self)(lang)

    def home(self) -> str:
        return f"/?lang={self.lang}"

    def commitments(
        self, page: int = 0, sector: int | None = None, lever: str | None = None,
        status: str | None = None,
    ) -> str:  # fmt: skip
        query = {"sector": sector, "lever": lever, "status": status, "page": page or None}
        shown = {k: v for k, v in query.items() if v is not None}
        return "/commitments?" + urlencode({**shown, "lang": self.lang})

    def commitment(self, number: int) -> str:
        return f"/commitments/{number}?lang={self.lang}"

    def opinions(self) -> str:
        return f"/opinions?lang={self.lang}"

    def opendata(self) -> str:
        return "/opendata/"

    def style(self) -> str:
        return "/static/style.css"

    def form_action(self) -> str:
        return "/commitments"


class StaticLinks(Links):
    """A static copy's files, linked relatively (`depth`: folders below the root):
    `<lang>/index.html`, `<lang>/commitments/<list>.html` for all, a sector or a lever,
    `<lang>/commitments/<id>.html`, `<lang>/opinions.html`; no forms."""

    forms = False

    def __init__(self, lang: str, depth: int = 2) -> None:
        super().__init__(lang)
        self.depth = depth
        self._up = "../" * depth

    def other(self, lang: str) -> Links:
        return StaticLinks(lang, self.depth)

    def home(self) -> str:
        return f"{self._up}{self.lang}/index.html"

    def commitments(
        self, page: int = 0, sector: int | None = None, lever: str | None = None,
        status: str | None = None,
    ) -> str:  # fmt: skip
        return f"{self._up}{self.lang}/commitments/{list_name(sector, lever, page)}.html"

    def commitment(self, number: int) -> str:
        return f"{self._up}{self.lang}/commitments/{number}.html"

    def opinions(self) -> str:
        return f"{self._up}{self.lang}/opinions.html"

    def opendata(self) -> str:
        return f"{self._up}opendata/datapackage.json"

    def style(self) -> str:
        return f"{self._up}static/style.css"


def list_name(sector: int | None, lever: str | None, page: int) -> str:
    base = f"sector-{sector}" if sector is not None else f"lever-{lever}" if lever else "index"
    return f"{base}-{page + 1}" if page else base


def choose_locale(asked: str | None, accept: str | None, default: str) -> str:
    """`?lang=` first, then the browser's `Accept-Language` (by its order), else the
    default."""
    if asked in SUPPORTED_LOCALES:
        return str(asked)
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED_LOCALES:
            return code
    return default


def _page(
    t: Translator,
    links: Links,
    template: str,
    title: str,
    here: str,
    same: Callable[[Links], str],
    **extra: Any,
) -> str:
    """`same`: this page's address in another language's links (the language switch)."""
    labels = {key: t.gettext(message) for key, message in LABELS.items()}
    languages = [
        (code, LANGUAGE_NAMES[code], same(links.other(code))) for code in SUPPORTED_LOCALES
    ]
    return ENV.get_template(template).render(
        lang=t.locale, l=labels, title=title, here=here, links=links, languages=languages,
        **extra,
    )  # fmt: skip


def _sector_names(t: Translator, sectors: list[Sector]) -> dict[int, str]:
    return {s.id: s.name(t.locale) for s in sectors}


def glance(t: Translator, found: Glance, sectors: list[Sector], links: Links) -> str:
    names = _sector_names(t, sectors)
    rows = []
    for sector in sectors:
        counts = [n for (s, _, _), n in found.intentions.items() if s == sector.id]
        committed = [
            n
            for (s, _, status), n in found.intentions.items()
            if s == sector.id and status in ("committed", "in_progress", "achieved")
        ]
        rows.append(
            {
                "id": sector.id,
                "name": names[sector.id],
                "organisations": t.number(found.organisations.get(sector.id, 0)),
                "intentions": t.number(sum(counts)),
                "committed": t.number(sum(committed)),
            }
        )
    levers = []
    for lever in LEVERS:
        average = found.progress.get(lever.code)
        count = sum(n for (_, code, _), n in found.intentions.items() if code == lever.code)
        levers.append(
            {
                "code": lever.code,
                "name": t.gettext(lever.name),
                "width": round(BAR_WIDTH * (average or 0.0)),
                "shown": "–" if average is None else t.percent(round(average, 2)),
                "count": t.number(count),
            }
        )
    total_orgs = sum(found.organisations.values())
    total_intentions = sum(found.intentions.values())
    totals = t.gettext("{organisations} organisations, {intentions} intentions.").format(
        organisations=t.number(total_orgs), intentions=t.number(total_intentions)
    )
    recent = [
        {
            "when": t.date(at, "short"),
            "id": intention_id,
            "title": title,
            "organisation": organisation,
            "what": t.gettext(WHAT.get(kind, WHAT["created"])),
        }
        for kind, at, intention_id, title, organisation in found.recent
    ]
    upcoming = [
        {
            "when": t.datetime(start, "short"),
            "title": title,
            "sectors": t.gettext("all sectors")
            if chosen is None
            else ", ".join(names.get(s, "?") for s in chosen),
        }
        for title, start, chosen in found.upcoming
    ]
    return _page(
        t,
        links,
        "glance.html",
        t.gettext("The pact at a glance"),
        "glance",
        lambda other: other.home(),
        sectors=rows,
        levers=levers,
        totals=totals,
        recent=recent,
        upcoming=upcoming,
    )


def _item(t: Translator, item: Commitment) -> dict[str, Any]:
    return {
        "id": item.id,
        "title": item.title,
        "description": item.description,
        "organisation": item.organisation,
        "website": item.website,
        "lever": t.gettext(LEVER[item.lever].name) if item.lever in LEVER else item.lever,
        "status": t.gettext(STATUS[item.status].name) if item.status in STATUS else item.status,
        "due": t.date(item.due_date, "short"),
        "indicators": [
            {
                "name": f"{ind.name} ({ind.unit})",
                "baseline": t.number(ind.baseline),
                "target": t.number(ind.target),
                "current": "–" if ind.current is None else t.number(ind.current),
                # As the bot shows it: from baseline to target (over 100% past the target).
                "progress": "–" if ind.current is None else t.percent(round(ind.fraction, 2)),
            }
            for ind in item.indicators
        ],
    }


def commitments(
    t: Translator,
    items: list[Commitment],
    more: bool,
    chosen: Filters,
    sectors: list[Sector],
    links: Links,
) -> str:
    def link(page: int, at: Links = links) -> str:
        return at.commitments(page, chosen.sector, chosen.lever, chosen.status)

    names = _sector_names(t, sectors)
    choices = {
        "sector": [(s.id, names[s.id]) for s in sectors],
        "lever": [(lv.code, t.gettext(lv.name)) for lv in LEVERS],
        "status": [(code, t.gettext(s.name)) for code, s in STATUS.items()],
    }
    return _page(
        t,
        links,
        "commitments.html",
        t.gettext("The commitments"),
        "commitments",
        lambda other: link(chosen.page, other),
        items=[_item(t, i) for i in items],
        chosen={"sector": chosen.sector, "lever": chosen.lever, "status": chosen.status},
        choices=choices,
        previous=link(chosen.page - 1) if chosen.page > 0 else None,
        next=link(chosen.page + 1) if more else None,
    )


def commitment(
    t: Translator, item: Commitment, history: list[tuple[Any, str]], links: Links
) -> str:
    return _page(
        t,
        links,
        "commitment.html",
        item.title,
        "commitments",
        lambda other: other.commitment(item.id),
        item=_item(t, item),
        history=[(t.date(at, "short"), text) for at, text in history],
    )


def opinions(t: Translator, found: list[tuple[Campaign, list[Endorsement]]], links: Links) -> str:
    campaigns = []
    for campaign, endorsements in found:
        names = [
            e.published_name + (f" ({e.organisation_name})" if e.organisation_name else "")
            if e.consent_name
            else (e.organisation_name or "")
            for e in endorsements
        ]
        quotes = [
            (
                e.paragraph,
                e.published_name
                if e.consent_name
                else (e.organisation_name or t.gettext("an endorser")),
            )
            for e in endorsements
            if e.consent_paragraph
        ]
        campaigns.append(
            {
                "title": campaign.title_in(t.locale),
                "note": campaign.published_note or "",
                "text": [p.strip() for p in campaign.text(t.locale).split("\n\n") if p.strip()],
                "names": [n for n in names if n],
                "quotes": quotes,
            }
        )
    return _page(
        t, links, "opinions.html", t.gettext("Published opinion texts"), "opinions",
        lambda other: other.opinions(), campaigns=campaigns,
    )  # fmt: skip


def missing(t: Translator, links: Links) -> str:
    return _page(t, links, "missing.html", t.gettext("Not found"), "", lambda o: o.home())
