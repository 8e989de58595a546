"""Server-drawn charts: the geometry of a stacked bar chart, drawn as inline SVG by a template.

No script runs in the browser. Each series has a colour AND a pattern (solid, stripes, dots,
checks, lines), and the legend names them in words, so nothing depends on telling colours
apart. The same figures are always given in a table next to the chart.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

# (colour, pattern) per series, in order. Colours from the NHS palette, each at least 3:1
# against white; patterns are defined in portal/cpd/_patterns.svg.html.
STYLES = [
    ("#005eb8", "solid"),
    ("#007f3b", "stripes"),
    ("#330072", "dots"),
    ("#ae2573", "checks"),
    ("#425563", "lines"),
]


@dataclass
class Series:
    key: str
    label: str
    colour: str
    pattern: str
    total: Decimal = Decimal("0")

    @property
    def fill_id(self) -> str:
        return f"cpd-fill-{self.pattern}"


@dataclass
class Segment:
    series: Series
    hours: Decimal
    y: float
    height: float


@dataclass
class Bar:
    start: datetime.date
    label: str
    lines: list[str]
    x: float
    cx: float
    total: Decimal
    top: float
    show_label: bool
    segments: list[Segment] = field(default_factory=list)
    values: list[Decimal] = field(default_factory=list)  # per series, for the table


@dataclass
class Tick:
    y: float
    label: str


def number(value: Decimal) -> str:
    """1.50 -> '1.5', 50 -> '50', never '5E+1'."""
    text = format(Decimal(value).normalize(), "f")
    return text


@dataclass
class Frame:
    """What every chart here shares: its size and the plot area's edges, in pixels."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int


class MarkerShapes:
    """A marker's shapes around its centre (x, y): a 10-pixel square's corner and a diamond's
    points, so series differ by shape as well as colour."""

    x: float
    y: float

    @property
    def corner_x(self) -> float:
        return round(self.x - 5, 2)

    @property
    def corner_y(self) -> float:
        return round(self.y - 5, 2)

    @property
    def diamond(self) -> str:
        x, y = self.x, self.y
        return f"{x},{y - 6} {x + 6},{y} {x},{y + 6} {x - 6},{y}"


@dataclass
class StackedChart(Frame):
    bar_width: float
    series: list[Series]
    bars: list[Bar]
    ticks: list[Tick]
    total: Decimal

    @property
    def is_empty(self) -> bool:
        return self.total == 0

    @property
    def first_label(self) -> str:
        return self.bars[0].label if self.bars else ""

    @property
    def last_label(self) -> str:
        return self.bars[-1].label if self.bars else ""

    @property
    def tick_x(self) -> int:
        return self.plot_left - 6


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value`` (at least 1)."""
    if value <= 1:
        return Decimal(1)
    magnitude = Decimal(10) ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return Decimal(step) * magnitude
    return 10 * magnitude


def stacked_bars(
    periods: Sequence[tuple[datetime.date, str]],
    series: Sequence[tuple[str, str]],
    rows: Sequence[dict],
    *,
    height: int = 300,
    value_key: str = "hours",
) -> StackedChart:
    """Lay out one bar per period, stacked by series.

    ``periods`` are ``(first day, label)`` in order; ``series`` are ``(key, label)``;
    ``rows`` are dicts with ``period``, ``activity_type`` (the series key) and the value.
    """
    styled = [Series(key, label, *STYLES[i % len(STYLES)]) for i, (key, label) in enumerate(series)]
    by_key = {s.key: s for s in styled}
    cells: dict[tuple[datetime.date, str], Decimal] = {}
    for row in rows:
        cell = (row["period"], row["activity_type"])
        cells[cell] = cells.get(cell, Decimal(0)) + Decimal(row[value_key])
    for (_, key), value in cells.items():
        by_key[key].total += value

    count = len(periods)
    slot = 104 if count <= 8 else 80 if count <= 12 else 44 if count <= 24 else 30
    plot_left, plot_top, plot_bottom_gap, right_gap = 56, 16, 48, 16
    width = max(360, plot_left + slot * max(len(periods), 1) + right_gap)
    plot_bottom = height - plot_bottom_gap
    plot_height = plot_bottom - plot_top
    totals = [
        sum((cells.get((p, s.key), Decimal(0)) for s in styled), Decimal(0)) for p, _ in periods
    ]
    top = nice_ceiling(max(totals, default=Decimal(0)))
    scale = Decimal(plot_height) / top
    every = max(1, -(-len(periods) // 16))  # label at most 16 bars so text never overlaps

    bars = []
    for index, ((start, label), total) in enumerate(zip(periods, totals, strict=True)):
        x = plot_left + index * slot + slot * 0.15
        bar = Bar(
            start=start,
            label=label,
            lines=label.rsplit(" ", 1),
            x=round(x, 2),
            cx=round(x + slot * 0.35, 2),
            total=total,
            top=round(float(plot_bottom - total * scale), 2),
            show_label=index % every == 0,
        )
        y = Decimal(plot_bottom)
        for s in styled:
            value = cells.get((start, s.key), Decimal(0))
            bar.values.append(value)
            if value:
                h = value * scale
                y -= h
                bar.segments.append(Segment(s, value, round(float(y), 2), round(float(h), 2)))
        bars.append(bar)

    parts = 5 if str(top)[0] == "5" else 4  # so the gridlines fall on round numbers
    ticks = [
        Tick(round(float(plot_bottom - top * i / parts * scale), 2), number(top * i / parts))
        for i in range(parts + 1)
    ]
    return StackedChart(
        width=width,
        height=height,
        plot_left=plot_left,
        plot_right=width - right_gap,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        bar_width=round(slot * 0.7, 2),
        series=styled,
        bars=bars,
        ticks=ticks,
        total=sum(totals, Decimal(0)),
    )
