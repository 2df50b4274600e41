"""Charts as PNG pictures, made with matplotlib's object API (no pyplot and its global
state: a `Figure` of our own on an Agg canvas).

A digest goes to thousands of people who follow different sectors, so one run draws many
charts that differ only in their numbers. Each layout (the labels, in one language) is
drawn once; a chart then restores that background and draws only its bars and values on
top (blitting), which takes a fraction of a full draw (measured: about 18 ms a chart
against 110 ms for a fresh figure; `bench/digest.py` counts them in). Drawing happens in a
worker thread, one chart at a time, so the bot keeps answering meanwhile.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
import threading
from dataclasses import dataclass

from matplotlib import image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

BLUE, GREY = "#2b6cb0", "#a0aec0"
LAYOUTS_KEPT = 12  # layouts (languages × lever lists) kept drawn


@dataclass(frozen=True, slots=True)
class DigestLabels:
    """Every text of the digest chart, in the reader's language."""

    progress_title: str
    levers: tuple[str, ...]
    axis: tuple[str, str, str]  # 0%, 50%, 100%
    activity_title: str
    kinds: tuple[str, ...]  # new intentions, status changes, progress updates
    this_period: str
    previous_period: str


@dataclass(frozen=True, slots=True)
class DigestFigures:
    progress: tuple[float | None, ...]  # per lever, from baseline (0) to target (1)
    progress_text: tuple[str, ...]  # the same, as the reader writes percentages
    this_period: tuple[int, ...]  # per kind of activity
    previous_period: tuple[int, ...]


class _Layout:
    """One chart layout drawn once, with the artists that change per chart."""

    def __init__(self, labels: DigestLabels) -> None:
        self.figure = Figure(figsize=(7.2, 3.8), dpi=100)
        self.canvas = FigureCanvasAgg(self.figure)
        left, right = self.figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2.3]})
        rows = range(len(labels.levers))
        self.progress = list(left.barh(rows, [0.0] * len(labels.levers), color=BLUE))
        left.set_yticks(rows, [textwrap.fill(name, 22) for name in labels.levers], fontsize=8)
        left.set_xlim(0, 1.22)
        left.set_xticks([0, 0.5, 1], list(labels.axis), fontsize=8)
        left.set_ylim(len(labels.levers) - 0.5, -0.5)
        left.set_title(labels.progress_title, fontsize=10)
        self.progress_values = [left.text(0, i, "", va="center", fontsize=8) for i in rows]
        kinds = range(len(labels.kinds))
        self.now = list(
            right.bar(kinds, [0.0] * len(kinds), width=0.4, color=BLUE, label=labels.this_period)
        )
        self.before = list(
            right.bar(
                [k + 0.4 for k in kinds],
                [0.0] * len(kinds),
                width=0.4,
                color=GREY,
                label=labels.previous_period,
            )
        )
        right.set_ylim(0, 1.6)  # the tallest bar at 1, the legend above it
        right.set_yticks([])
        names = [textwrap.fill(k, 13, break_long_words=False) for k in labels.kinds]
        right.set_xticks([k + 0.2 for k in kinds], names)
        right.tick_params(axis="x", labelsize=7.5)
        right.set_title(labels.activity_title, fontsize=10)
        right.legend(fontsize=8, loc="upper left", frameon=False)
        self.counts = [
            right.text(0, 0, "", ha="center", va="bottom", fontsize=8)
            for _ in range(2 * len(kinds))
        ]
        self.figure.subplots_adjust(left=0.27, right=0.98, bottom=0.16, top=0.9, wspace=0.12)
        self.left, self.right = left, right
        changing: list[Artist] = [
            *self.progress,
            *self.progress_values,
            *self.now,
            *self.before,
            *self.counts,
        ]
        for artist in changing:
            artist.set_animated(True)  # left out of the background
        self.canvas.draw()  # type: ignore[no-untyped-call]
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[no-untyped-call]

    def draw(self, figures: DigestFigures) -> bytes:
        self.canvas.restore_region(self.background)  # type: ignore[no-untyped-call]
        for i, (bar, value, text) in enumerate(
            zip(self.progress, figures.progress, figures.progress_text, strict=True)
        ):
            width = min(max(value or 0.0, 0.0), 1.0)  # beyond the target: a full bar
            bar.set_width(width)
            self.left.draw_artist(bar)
            label = self.progress_values[i]
            label.set_position((width + 0.02, i))
            label.set_text(text)
            self.left.draw_artist(label)
        counts = [*figures.this_period, *figures.previous_period]
        top = max(counts, default=0) or 1
        for bar, count, label in zip([*self.now, *self.before], counts, self.counts, strict=True):
            bar.set_height(count / top)
            self.right.draw_artist(bar)
            label.set_position((bar.get_x() + bar.get_width() / 2, count / top))
            label.set_text(str(count))
            self.right.draw_artist(label)
        out = io.BytesIO()
        pixels = self.canvas.buffer_rgba()  # type: ignore[no-untyped-call]
        image.imsave(out, pixels, format="png", pil_kwargs={"compress_level": 1})
        return out.getvalue()


class DigestChart:
    """Indicator progress per lever, and this period's activity against the one before."""

    def __init__(self) -> None:
        self._layouts: dict[DigestLabels, _Layout] = {}
        self._lock = threading.Lock()  # one chart at a time: a layout is one canvas

    async def png(self, labels: DigestLabels, figures: DigestFigures) -> bytes:
        return await asyncio.to_thread(self.draw, labels, figures)

    def draw(self, labels: DigestLabels, figures: DigestFigures) -> bytes:
        with self._lock:
            layout = self._layouts.get(labels)
            if layout is None:
                if len(self._layouts) >= LAYOUTS_KEPT:
                    del self._layouts[next(iter(self._layouts))]
                layout = self._layouts[labels] = _Layout(labels)
            return layout.draw(figures)
