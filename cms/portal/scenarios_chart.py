"""The projection chart's geometry: competent WTE and demand, month by month, as inline SVG.

No script. Each series has a colour, a line style AND a marker shape (circle, square, diamond),
and the key names them in words, so nothing depends on telling colours apart; the template
always gives the same figures in a table.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats

from cms.portal.charts import Frame, MarkerShapes, nice_ceiling, number

STYLES = [
    ("#005eb8", "", "circle"),  # competent WTE: solid blue, circles
    ("#425563", "8 4", "square"),  # demand: dashed grey, squares
    ("#007f3b", "2 3", "diamond"),  # a scenario's competent WTE: dotted green, diamonds
    ("#ae2573", "12 3 2 3", "circle"),
]


@dataclass
class Marker(MarkerShapes):
    x: float
    y: float
    value: Decimal
    label: str


@dataclass
class Line:
    label: str
    colour: str
    dash: str
    shape: str
    markers: list[Marker] = field(default_factory=list)

    @property
    def points(self) -> str:
        return " ".join(f"{m.x},{m.y}" for m in self.markers)


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class LineChart(Frame):
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    threshold_y: float | None = None
    below_x: float | None = None  # the first month below threshold, if any


def month_label(day: datetime.date) -> str:
    return formats.date_format(day, "M Y")


def line_chart(
    months: list[datetime.date],
    series: list[tuple[str, list[Decimal]]],
    *,
    threshold_line: list[Decimal] | None = None,
    below: datetime.date | None = None,
    height: int = 300,
) -> LineChart:
    """One line per ``(label, values)``, a value per month."""
    plot_left, plot_top, right_gap, bottom_gap = 56, 16, 24, 48
    step = 36
    width = max(420, plot_left + step * max(len(months) - 1, 1) + right_gap)
    plot_bottom = height - bottom_gap
    top = nice_ceiling(
        max((v for _, values in series for v in values), default=Decimal(0)) * Decimal("1.1")
    )
    if top <= 0:
        top = Decimal(1)
    scale = Decimal(plot_bottom - plot_top) / top

    def y(value: Decimal) -> float:
        return round(float(plot_bottom - Decimal(value) * scale), 2)

    def x(i: int) -> float:
        return round(plot_left + i * step, 2)

    lines = []
    for index, (label, values) in enumerate(series):
        colour, dash, shape = STYLES[index % len(STYLES)]
        line = Line(label, colour, dash, shape)
        for i, (day, value) in enumerate(zip(months, values, strict=True)):
            line.markers.append(Marker(x(i), y(value), value, month_label(day)))
        lines.append(line)
    every = max(1, -(-len(months) // 12))
    x_ticks = [Tick(x(i), month_label(d)) for i, d in enumerate(months) if i % every == 0]
    parts = 5 if str(top)[0] == "5" else 4
    y_ticks = [Tick(y(top * i / parts), number(top * i / parts)) for i in range(parts + 1)]
    below_x = next((x(i) for i, d in enumerate(months) if d == below), None)
    return LineChart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_right=width - right_gap,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        lines=lines,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        below_x=below_x,
    )
