"""The coverage chart of the skill matrix: one row per competency, two bars each.

Competent WTE is a solid bar and demand an outlined, striped bar, so the two differ by shape
as well as colour; the row's label says "below threshold" in words where it is. Drawn as SVG
by ``portal/skillmix/matrix_coverage_chart.html``; the same figures are always in a table.
"""

from dataclasses import dataclass
from decimal import Decimal

from cms.portal.charts import Frame, nice_ceiling, number

ROW = 34
#: bars the chart draws at most: past a couple of dozen a chart is a wall (the table below it
#: has every competency)
MOST_BARS = 25
LABEL_WIDTH = 260
PLOT_WIDTH = 420
TOP = 28


@dataclass
class Bar:
    label: str
    y: float
    competent_width: float
    demand_width: float
    competent: str
    demand: str
    below: bool


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class CoverageChart(Frame):
    bars: list[Bar]
    ticks: list[Tick]
    #: competencies the chart leaves out (the table has them)
    left_out: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.bars


def coverage_chart(lines) -> CoverageChart:
    """``lines`` are ``fellowships.skillmix.matrix.CoverageLine``: those with demand or
    someone competent. Past ``MOST_BARS`` only the least covered are drawn, in the table's
    order; work with demand before competence with none."""
    lines = [line for line in lines if line.has_demand or line.competent_wte]
    left_out = max(0, len(lines) - MOST_BARS)
    if left_out:
        kept = {
            id(line)
            for line in sorted(
                lines,
                key=lambda line: (
                    not line.has_demand,
                    line.ratio if line.ratio is not None else Decimal(0),
                ),
            )[:MOST_BARS]
        }
        lines = [line for line in lines if id(line) in kept]
    top = nice_ceiling(
        max([max(line.competent_wte, line.demand_wte) for line in lines], default=Decimal(1))
    )
    scale = Decimal(PLOT_WIDTH) / top
    bars = [
        Bar(
            label=line.column.label[:40],
            y=TOP + index * ROW,
            competent_width=round(float(line.competent_wte * scale), 2),
            demand_width=round(float(line.demand_wte * scale), 2),
            competent=number(line.competent_wte.quantize(Decimal("0.01"))),
            demand=number(line.demand_wte.quantize(Decimal("0.01"))),
            below=line.below,
        )
        for index, line in enumerate(lines)
    ]
    plot_bottom = TOP + len(bars) * ROW
    ticks = [
        Tick(round(LABEL_WIDTH + float(top * i / 4 * scale), 2), number(top * i / 4))
        for i in range(5)
    ]
    return CoverageChart(
        width=LABEL_WIDTH + PLOT_WIDTH + 40,
        height=plot_bottom + 40,
        plot_left=LABEL_WIDTH,
        plot_right=LABEL_WIDTH + PLOT_WIDTH,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        bars=bars,
        ticks=ticks,
        left_out=left_out,
    )
