"""Funnel-plot maths with numbers worked by hand (Spiegelhalter 2005, additive overdispersion)."""

import math

import pytest

from competencies.activity.flags.funnel import Unit, funnel, pooled_sd, winsorise


def test_three_units_overdispersed_by_hand():
    # target = (4*10 + 4*6 + 8*8) / 16 = 8; sigma = sqrt((3*4 + 3*4 + 7*4) / 13) = 2
    # z = (2, -2, 0); k = 3 so nothing is winsorised; phi = 8/3
    # w = n / sigma^2 = (1, 1, 2); tau^2 = (3 * 8/3 - 2) / (4 - 6/4) = 6 / 2.5 = 2.4
    units = [Unit("A", "a", 4, 10.0, 2.0), Unit("B", "b", 4, 6.0, 2.0), Unit("C", "c", 8, 8.0, 2.0)]
    f = funnel(units)
    assert f.target == pytest.approx(8.0)
    assert f.sigma == pytest.approx(2.0)
    assert [p.z for p in f.points] == pytest.approx([2.0, -2.0, 0.0])
    assert f.phi == pytest.approx(8 / 3)
    assert f.tau2 == pytest.approx(2.4)
    # at n = 4: 8 +/- 1.96 * sqrt(1 + 2.4) = 8 +/- 3.614; A (10) and B (6) are within
    assert [p.band for p in f.points] == ["within", "within", "within"]
    n, lo998, lo95, hi95, hi998 = f.limits([4])[0]
    assert n == 4
    assert hi95 == pytest.approx(8 + 1.96 * math.sqrt(3.4))
    assert lo998 == pytest.approx(8 - 3.09 * math.sqrt(3.4))
    assert lo95 == pytest.approx(8 - 1.96 * math.sqrt(3.4))
    assert hi998 == pytest.approx(8 + 3.09 * math.sqrt(3.4))


def test_winsorising_keeps_one_outlier_from_widening_the_limits():
    # ten units of 25 episodes, sd 5: nine with mean 20, one with mean 10
    # target = (9*20 + 10) / 10 = 19; sigma = 5; s = 1; z = (+1 x9, -9)
    # k = 10 so g = 1: -9 is clamped to +1; phi = 10/10 = 1, not above 1: no tau^2
    units = [Unit(f"U{i}", str(i), 25, 20.0, 5.0) for i in range(9)]
    units.append(Unit("Low", "low", 25, 10.0, 5.0))
    f = funnel(units)
    assert f.target == pytest.approx(19.0)
    assert f.phi == pytest.approx(1.0)
    assert f.tau2 == 0.0
    assert f.points[-1].z == pytest.approx(-9.0)
    assert f.points[-1].band == "below998"
    assert {p.band for p in f.points[:-1]} == {"within"}
    assert f.limits([25])[0] == pytest.approx((25, 15.91, 17.04, 20.96, 22.09))


def test_bands_at_95_and_998():
    # twenty units on target, n = 100, sd 1: sigma = 1, s = 0.1 for every unit
    # k = 23, g = 2: the three off-target z-scores (2.5, -2.5, 3.5) are all clamped to 0,
    # so phi = 0 and there is no tau^2; limits 0 +/- 0.196 and 0 +/- 0.309
    units = [Unit(f"U{i}", str(i), 100, 0.0, 1.0) for i in range(20)]
    units += [
        Unit("a95", "a95", 100, 0.25, 1.0),
        Unit("b95", "b95", 100, -0.25, 1.0),
        Unit("a998", "a998", 100, 0.35, 1.0),
    ]
    f = funnel(units, target=0.0)
    assert f.sigma == pytest.approx(1.0)
    assert f.phi == 0.0 and f.tau2 == 0.0
    bands = {p.unit.key: p.band for p in f.points}
    assert bands["a95"] == "above95"
    assert bands["b95"] == "below95"
    assert bands["a998"] == "above998"
    assert bands["0"] == "within"
    assert f.point_for("a998").z == pytest.approx(3.5)
    assert funnel([*units, Unit("b998", "b998", 100, -0.4, 1.0)], 0.0).point_for("b998").band == (
        "below998"
    )


def test_no_overdispersion_when_units_agree():
    units = [Unit("A", "a", 10, 5.0, 3.0), Unit("B", "b", 10, 5.5, 3.0)]
    f = funnel(units)
    assert f.target == pytest.approx(5.25)
    assert f.phi < 1
    assert f.tau2 == 0.0
    assert f.limits([10])[0][3] == pytest.approx(5.25 + 1.96 * 3 / math.sqrt(10))


def test_helpers_and_empty():
    assert pooled_sd([Unit("A", "a", 1, 3.0, 0.0)]) == 0.0
    assert winsorise([5, 1, 2, 3, 4, 6, 7, 8, 9, 100]) == [5, 2, 2, 3, 4, 6, 7, 8, 9, 9]
    assert winsorise([1, 50]) == [1, 50]
    f = funnel([])
    assert f.points == [] and f.target == 0.0
    assert funnel([], target=3.0).target == 3.0
    assert f.point_for("x") is None
