"""The chart under /stats (a PNG made with matplotlib's object API, no pyplot): the
intentions per lever, by status, and the indicators' average progress per sector. Drawn
in a worker thread, so the bot keeps answering meanwhile."""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections import OrderedDict
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

STATUS_COLOURS = ("#cbd5e0", "#90cdf4", "#4299e1", "#2f855a", "#e53e3e")
BLUE = "#2b6cb0"


@dataclass(frozen=True, slots=True)
class StatsFigures:
    """Every text in the reader's language, and the numbers."""

    levers_title: str
    levers: tuple[str, ...]
    statuses: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]  # per lever, per status
    sectors_title: str
    sectors: tuple[str, ...]
    progress: tuple[float | None, ...]  # per sector, from baseline (0) to target (1)
    progress_text: tuple[str, ...]
    axis: tuple[str, str, str]  # 0%, 50%, 100%


def draw(figures: StatsFigures) -> bytes:
    figure = Figure(figsize=(8, 4.4), dpi=100)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1]})
    rows = range(len(figures.levers))
    starts = [0] * len(figures.levers)
    for s, (name, colour) in enumerate(zip(figures.statuses, STATUS_COLOURS, strict=False)):
        widths = [counts[s] for counts in figures.counts]
        left.barh(rows, widths, left=starts, color=colour, label=name)
        starts = [a + b for a, b in zip(starts, widths, strict=True)]
    left.set_yticks(rows, [textwrap.fill(n, 20) for n in figures.levers], fontsize=8)
    left.invert_yaxis()
    left.set_title(figures.levers_title, fontsize=10)
    left.legend(fontsize=7, loc="lower right", frameon=False)
    left.tick_params(axis="x", labelsize=8)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    rows = range(len(figures.sectors))
    values = [min(max(p or 0.0, 0.0), 1.0) for p in figures.progress]
    right.barh(rows, values, height=0.6, color=BLUE)
    for i, (value, text) in enumerate(zip(values, figures.progress_text, strict=True)):
        right.text(value + 0.02, i, text, va="center", fontsize=8)
    right.set_yticks(rows, [textwrap.fill(n, 20) for n in figures.sectors], fontsize=8)
    right.set_ylim(max(len(figures.sectors), 4) - 0.5, -0.5)  # at least four rows high
    right.set_xlim(0, 1.25)
    right.set_xticks([0, 0.5, 1], list(figures.axis), fontsize=8)
    right.set_title(figures.sectors_title, fontsize=10)
    figure.subplots_adjust(left=0.17, right=0.98, wspace=0.75, top=0.9, bottom=0.08)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


class StatsChart:
    """The chart of the latest figures, kept: /stats asked again before anything changed
    sends the same picture (by Telegram's file id) without drawing it again."""

    def __init__(self, kept: int = 16) -> None:
        self._kept = kept
        self._charts: OrderedDict[StatsFigures, bytes] = OrderedDict()

    async def png(self, figures: StatsFigures) -> bytes:
        found = self._charts.get(figures)
        if found is None:
            found = self._charts[figures] = await asyncio.to_thread(draw, figures)
            if len(self._charts) > self._kept:
                self._charts.popitem(last=False)
        return found
