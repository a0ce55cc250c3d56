"""Bar charts drawn on the server as inline SVG: geometry here, markup in `templates/charts.html`.

No JavaScript and no chart library: a chart is a handful of rectangles and labels computed from whole
numbers (e.g. cents). Each chart is an image with a title and a description for screen readers, and the
page shows its figures as a table beside it, so nothing is known only from the picture.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Column charts (e.g. months) are drawn in this box; CSS scales it to the page.
COLUMNS_WIDTH, COLUMNS_HEIGHT = 520, 240
#: Where the plot sits in the column chart's box: room for the scale on the left and labels below.
_LEFT, _RIGHT, _TOP, _BOTTOM = 64, 8, 12, 40
#: Horizontal bar charts (e.g. communities): each row is a label line above its bar.
BARS_WIDTH = 360
_ROW, _LABEL, _BAR = 40, 17, 14
#: The longest label a bar's row shows in full (the table beside it always has the whole name).
LABEL_CHARACTERS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    value_text: str
    x: float
    y: float
    width: float
    height: float
    note: str = ""  #: a second label line, e.g. the year under January


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    """A chart ready to draw: its box, bars and scale (ticks are empty for horizontal bars)."""

    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    plot_left: float = 0  #: where the plot begins (right of the scale's labels)
    plot_right: float = 0  #: where it ends

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def nice_step(raw: float, smallest: int = 1) -> int:
    """A round step for a scale at least `raw`: 1, 2 or 5 times a power of ten (and at least `smallest`)."""
    if raw <= smallest:
        return smallest
    power = 10 ** math.floor(math.log10(raw))
    return next(int(m * power) for m in (1, 2, 5, 10) if m * power >= raw)


def columns(
    points: Sequence[tuple[str, int, str]],
    *,
    value_text: Callable[[int], str],
    scale_text: Callable[[int], str],
    smallest_step: int = 1,
    ticks: int = 4,
) -> Chart:
    """Vertical columns, one per (label, value, note), with a scale of `ticks` round steps from zero."""
    plot_width = COLUMNS_WIDTH - _LEFT - _RIGHT
    plot_height = COLUMNS_HEIGHT - _TOP - _BOTTOM
    top = max((value for _label, value, _note in points), default=0)
    step = nice_step(top / ticks, smallest_step)
    ceiling = step * max(1, math.ceil(top / step))
    baseline = _TOP + plot_height
    band = plot_width / max(1, len(points))
    bars = []
    for index, (label, value, note) in enumerate(points):
        height = plot_height * value / ceiling
        bars.append(
            Bar(
                label=label,
                value=value,
                value_text=value_text(value),
                x=round(_LEFT + index * band + band * 0.18, 2),
                y=round(baseline - height, 2),
                width=round(band * 0.64, 2),
                height=round(height, 2),
                note=note,
            )
        )
    scale = [
        Tick(round(baseline - plot_height * k * step / ceiling, 2), scale_text(k * step))
        for k in range(ceiling // step + 1)
    ]
    return Chart(COLUMNS_WIDTH, COLUMNS_HEIGHT, bars, scale, _LEFT, COLUMNS_WIDTH - _RIGHT)


def bars(points: Sequence[tuple[str, int]], *, value_text: Callable[[int], str]) -> Chart:
    """Horizontal bars, one row per (label, value) in the order given: the label and value above the bar."""
    top = max((value for _label, value in points), default=0)
    rows = []
    for index, (label, value) in enumerate(points):
        width = BARS_WIDTH * value / top if top else 0
        rows.append(
            Bar(
                label=shorten(label),
                value=value,
                value_text=value_text(value),
                x=0,
                y=index * _ROW + _LABEL + 4,
                width=round(width, 2),
                height=_BAR,
            )
        )
    return Chart(BARS_WIDTH, max(1, len(points)) * _ROW, rows, [], 0, BARS_WIDTH)


def shorten(label: str, characters: int = LABEL_CHARACTERS) -> str:
    """A label that fits its row: cut at a word where it can be, with an ellipsis."""
    if len(label) <= characters:
        return label
    cut = label[: characters - 1].rsplit(" ", 1)[0] if " " in label[: characters - 1] else label
    return cut[: characters - 1].rstrip(" ,.;:") + "…"
