"""The funnel plot's geometry, drawn as inline SVG by ``portal/flags/_funnel_chart.html``.

No script and no third-party host: the server works out every coordinate. Each point's band
is told by its shape as well as its colour (circle within the limits, square beyond 95%,
diamond beyond 99.8%), and the same figures are in the table beside the chart. Clinicians
with fewer episodes than the board's suppression threshold are left out of both, and the
page says how many were left out.
"""

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from cms.portal.charts import Frame, MarkerShapes, Tick, nice_ceiling, number
from competencies.activity.flags import funnel as funnel_maths

WIDTH, HEIGHT = 640, 380
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 20, 56
CURVE_STEPS = 48

BAND_LABELS = {
    funnel_maths.WITHIN: _("Within the limits"),
    funnel_maths.ABOVE95: _("Above the 95% limit"),
    funnel_maths.BELOW95: _("Below the 95% limit"),
    funnel_maths.ABOVE998: _("Above the 99.8% limit"),
    funnel_maths.BELOW998: _("Below the 99.8% limit"),
}
# (shape, colour): NHS palette, each at least 3:1 against white.
BAND_STYLE = {
    funnel_maths.WITHIN: ("circle", "#005eb8"),
    funnel_maths.ABOVE95: ("square", "#7c2855"),
    funnel_maths.BELOW95: ("square", "#7c2855"),
    funnel_maths.ABOVE998: ("diamond", "#d5281b"),
    funnel_maths.BELOW998: ("diamond", "#d5281b"),
}


@dataclass
class PlotPoint(MarkerShapes):
    label: str
    key: str
    n: int
    mean: float
    z: float
    band: str
    x: float
    y: float
    shape: str
    colour: str

    @property
    def band_label(self) -> str:
        return str(BAND_LABELS.get(self.band, self.band))

    @property
    def outside(self) -> bool:
        return self.band != funnel_maths.WITHIN

    @property
    def mean_text(self) -> str:
        return f"{self.mean:.1f}"

    @property
    def z_text(self) -> str:
        if math.isinf(self.z):
            return "—"
        return f"{self.z:.2f}"


@dataclass
class FunnelChart(Frame):
    target: float
    target_y: float
    phi: float
    tau2: float
    points: list[PlotPoint]
    suppressed: int
    suppress_below: int
    curves: dict[str, str] = field(default_factory=dict)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.points

    @property
    def target_text(self) -> str:
        return f"{self.target:.1f}"

    @property
    def outside_count(self) -> int:
        return sum(1 for p in self.points if p.outside)

    @property
    def overdispersed(self) -> bool:
        return self.tau2 > 0


def _nice_step(span: float, parts: int = 5) -> float:
    if span <= 0:
        return 1.0
    raw = span / parts
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 5, 10):
        if raw <= step * power:
            return step * power
    return 10 * power


def funnel_chart(result: funnel_maths.Funnel, suppress_below: int) -> FunnelChart:
    """Lay out the funnel: points shown only for units with at least ``suppress_below`` episodes."""
    shown = [p for p in result.points if p.unit.n >= suppress_below]
    suppressed = len(result.points) - len(shown)
    plot_right, plot_bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    chart = FunnelChart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=plot_right,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        target=result.target,
        target_y=0.0,
        phi=result.phi,
        tau2=result.tau2,
        points=[],
        suppressed=suppressed,
        suppress_below=suppress_below,
    )
    if not shown:
        return chart

    x_max = float(nice_ceiling(Decimal(max(p.unit.n for p in shown)) * Decimal("1.1")))
    n_start = max(1.0, min(p.unit.n for p in shown) * 0.5)
    ns = [n_start + (x_max - n_start) * i / CURVE_STEPS for i in range(CURVE_STEPS + 1)]
    rows = result.limits(ns)
    # The y range covers every point, the target, and the 99.8% limits from the smallest
    # number of episodes shown (the curves are clipped above and below that).
    n_small = min(p.unit.n for p in shown)
    h_small = result.half_width(n_small, funnel_maths.Z998)
    h_small = h_small if math.isfinite(h_small) else 0.0
    values = [p.unit.mean for p in shown] + [result.target - h_small, result.target + h_small]
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    plot_w, plot_h = plot_right - LEFT, plot_bottom - TOP

    def sx(n: float) -> float:
        return round(LEFT + plot_w * n / x_max, 2)

    def sy(v: float) -> float:
        v = min(max(v, lo), hi)
        return round(plot_bottom - plot_h * (v - lo) / (hi - lo), 2)

    chart.target_y = sy(result.target)
    names = ("lo998", "lo95", "hi95", "hi998")
    for index, name in enumerate(names, start=1):
        chart.curves[name] = " ".join(f"{sx(r[0])},{sy(r[index])}" for r in rows)
    x_step = _nice_step(x_max)
    chart.x_ticks = [
        Tick(sx(i * x_step), number(Decimal(str(round(i * x_step, 6)))))
        for i in range(int(x_max / x_step) + 1)
    ]
    count = round((hi - lo) / step)
    chart.y_ticks = [
        Tick(sy(lo + i * step), number(Decimal(str(round(lo + i * step, 6)))))
        for i in range(count + 1)
    ]
    for p in sorted(shown, key=lambda p: (p.unit.label, p.unit.key)):
        shape, colour = BAND_STYLE.get(p.band, ("circle", "#005eb8"))
        chart.points.append(
            PlotPoint(
                label=p.unit.label,
                key=p.unit.key,
                n=p.unit.n,
                mean=p.unit.mean,
                z=p.z,
                band=p.band,
                x=sx(p.unit.n),
                y=sy(p.unit.mean),
                shape=shape,
                colour=colour,
            )
        )
    return chart
