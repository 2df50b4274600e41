"""The pact's fixed lists, as data with translations (from the 2017 process report).

Codes are stored; names and explanations are message ids translated where shown.
Sectors are not here: they are data in the database, so the team can add them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True, slots=True)
class Term:
    code: str
    name: str
    explanation: str = ""


LEVERS: tuple[Term, ...] = (
    Term(
        "rights",
        N_("Guarantee fundamental rights"),
        N_("The rule of law, democracy and the welfare state as the basis of everything."),
    ),
    Term(
        "agency",
        N_("Increase agency"),
        N_("People can take responsibility for their own well-being and that of all."),
    ),
    Term(
        "redistribute",
        N_("Redistribute"),
        N_("Sharing what is created through mechanisms of solidarity."),
    ),
    Term(
        "added_value",
        N_("Create added value"),
        N_("Economic, ecological and social added value for the whole of society."),
    ),
    Term(
        "quality_of_life",
        N_("Guarantee quality of life"),
        N_("Basic certainties such as decent housing, education and care."),
    ),
    Term("trust", N_("Build trust"), N_("Social capital and mutual trust between people.")),
)

PRECONDITIONS: tuple[Term, ...] = (
    Term("resources", N_("Resources")),
    Term("cooperation", N_("Cooperation")),
    Term("mindset", N_("Mindset")),
    Term("policy", N_("Policy")),
    Term("engagement", N_("Engagement")),
    Term("legal_framework", N_("Legal framework")),
    Term("visibility", N_("Visibility")),
    Term("monitoring", N_("Monitoring")),
)

CHARACTERISTICS: tuple[Term, ...] = (
    Term("diversity_visible", N_("Visibility and normalisation of diversity")),
    Term("continuity", N_("Continuity")),
    Term("low_threshold", N_("Low threshold")),
    Term("sharing", N_("Sharing knowledge and stories")),
    Term("meeting", N_("Meeting each other")),
    Term("talents", N_("Discovering talents")),
    Term("drivers", N_("Committed drivers")),
)

# Intention status: bottom-up intention → formal commitment → in progress → achieved;
# withdrawn from any state.
STATUSES: tuple[Term, ...] = (
    Term("intention", N_("intention")),
    Term("committed", N_("committed")),
    Term("in_progress", N_("in progress")),
    Term("achieved", N_("achieved")),
    Term("withdrawn", N_("withdrawn")),
)

NEXT_STATUS = {"intention": "committed", "committed": "in_progress", "in_progress": "achieved"}


def by_code(terms: tuple[Term, ...]) -> dict[str, Term]:
    return {t.code: t for t in terms}


LEVER = by_code(LEVERS)
PRECONDITION = by_code(PRECONDITIONS)
CHARACTERISTIC = by_code(CHARACTERISTICS)
STATUS = by_code(STATUSES)
