"""Funnel-plot control limits for a mean per unit (Spiegelhalter 2005, Stat Med 24:1185).

Pure Python, no Django: the outcome-outlier flag and the funnel plot page both call
:func:`funnel`, so the figures on the page are the figures that raised the flag.

Method, for units i = 1..k each with n_i episodes, mean m_i and standard deviation sd_i:

- target T: the given target, or the episode-weighted mean sum(n_i m_i) / sum(n_i);
- sigma: the pooled standard deviation sqrt(sum((n_i - 1) sd_i^2) / sum(n_i - 1));
- s_i^2 = sigma^2 / n_i and z_i = (m_i - T) / s_i;
- winsorise: sort the z-scores, g = floor(0.1 k); every z below the (g+1)-th smallest is
  set to it, every z above the (g+1)-th largest is set to it;
- phi = sum(z_w^2) / k (the winsorised z-scores);
- when phi > 1, additive overdispersion (DerSimonian-Laird):
  tau^2 = max(0, (k phi - (k - 1)) / (sum w_i - sum w_i^2 / sum w_i)), w_i = 1 / s_i^2;
  otherwise tau^2 = 0;
- limits at n: T +/- z sqrt(sigma^2 / n + tau^2), z = 1.96 (95%) and 3.09 (99.8%).

A unit's band compares its mean (not its winsorised z) with its own limits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Z95 = 1.96
Z998 = 3.09
WINSOR_FRACTION = 0.1

WITHIN = "within"
ABOVE95 = "above95"
BELOW95 = "below95"
ABOVE998 = "above998"
BELOW998 = "below998"
BANDS = (WITHIN, ABOVE95, BELOW95, ABOVE998, BELOW998)


@dataclass(frozen=True)
class Unit:
    """One unit on the plot: a clinician's episodes for one measure."""

    label: str
    key: str
    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class Point:
    """A unit placed on the funnel: its z-score (unwinsorised) and band."""

    unit: Unit
    z: float
    band: str


@dataclass(frozen=True)
class Funnel:
    """Target, spread, overdispersion and each unit's place; ``limits`` draws the curves."""

    target: float
    sigma: float
    phi: float
    tau2: float
    points: list[Point] = field(default_factory=list)

    def half_width(self, n: float, z: float) -> float:
        """Distance from the target to the limit at ``z`` for ``n`` episodes."""
        if n <= 0:
            return math.inf
        return z * math.sqrt(self.sigma**2 / n + self.tau2)

    def limits(self, ns: Iterable[float]) -> list[tuple[float, float, float, float, float]]:
        """Rows ``(n, lo998, lo95, hi95, hi998)`` for drawing the control curves."""
        rows = []
        for n in ns:
            h95 = self.half_width(n, Z95)
            h998 = self.half_width(n, Z998)
            rows.append(
                (n, self.target - h998, self.target - h95, self.target + h95, self.target + h998)
            )
        return rows

    def band(self, n: float, mean: float) -> str:
        """Where a mean from ``n`` episodes falls against the limits."""
        diff = mean - self.target
        if abs(diff) <= 0:
            return WITHIN
        h998 = self.half_width(n, Z998)
        h95 = self.half_width(n, Z95)
        if diff > h998:
            return ABOVE998
        if diff < -h998:
            return BELOW998
        if diff > h95:
            return ABOVE95
        if diff < -h95:
            return BELOW95
        return WITHIN

    def point_for(self, key: str) -> Point | None:
        """The point for a unit key, or None."""
        for point in self.points:
            if point.unit.key == key:
                return point
        return None


def pooled_sd(units: Sequence[Unit]) -> float:
    """sqrt(sum((n - 1) sd^2) / sum(n - 1)); 0 when no unit has two episodes."""
    dof = sum(max(u.n - 1, 0) for u in units)
    if dof <= 0:
        return 0.0
    return math.sqrt(sum(max(u.n - 1, 0) * u.sd**2 for u in units) / dof)


def winsorise(values: Sequence[float], fraction: float = WINSOR_FRACTION) -> list[float]:
    """Clamp the lowest and highest ``floor(fraction * k)`` values to their neighbours."""
    k = len(values)
    g = math.floor(fraction * k)
    if k == 0 or g == 0:
        return list(values)
    ordered = sorted(values)
    lo, hi = ordered[g], ordered[k - 1 - g]
    return [min(max(v, lo), hi) for v in values]


def funnel(units: Iterable[Unit], target: float | None = None) -> Funnel:
    """Place units on a funnel around ``target`` (default: the episode-weighted mean)."""
    units = [u for u in units if u.n > 0]
    if not units:
        return Funnel(target=target or 0.0, sigma=0.0, phi=0.0, tau2=0.0, points=[])
    total = sum(u.n for u in units)
    if target is None:
        target = sum(u.n * u.mean for u in units) / total
    sigma = pooled_sd(units)
    k = len(units)
    if sigma <= 0:
        zs = [0.0 if u.mean == target else math.copysign(math.inf, u.mean - target) for u in units]
        result = Funnel(target=target, sigma=0.0, phi=0.0, tau2=0.0)
        points = [Point(u, z, result.band(u.n, u.mean)) for u, z in zip(units, zs, strict=True)]
        return Funnel(target=target, sigma=0.0, phi=0.0, tau2=0.0, points=points)
    zs = [(u.mean - target) / math.sqrt(sigma**2 / u.n) for u in units]
    phi = sum(z * z for z in winsorise(zs)) / k
    tau2 = 0.0
    if phi > 1:
        w = [u.n / sigma**2 for u in units]
        sw = sum(w)
        denominator = sw - sum(x * x for x in w) / sw
        if denominator > 0:
            tau2 = max(0.0, (k * phi - (k - 1)) / denominator)
    shape = Funnel(target=target, sigma=sigma, phi=phi, tau2=tau2)
    points = [Point(u, z, shape.band(u.n, u.mean)) for u, z in zip(units, zs, strict=True)]
    return Funnel(target=target, sigma=sigma, phi=phi, tau2=tau2, points=points)
