"""The demo board's reference data: an hourly cost for every band, a funded establishment for
every team's posts (the WTE in post, with a few vacancies), coordinates for the three sites;
the same every time."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from ksf.demo import build_demo
from ksf.models import BandCost, CareSite, Establishment, PostAssignment, Team
from ksf.models.choices import Band


def test_the_demo_has_band_costs_establishment_and_site_coordinates(db):
    build_demo()
    costs = dict(BandCost.objects.values_list("band", "hourly_cost"))
    assert set(costs) == set(Band.values)
    assert list(costs.values()) == sorted(costs.values())  # higher bands cost more
    assert Decimal("20") < costs["5"] < costs["6"] < Decimal("40")
    assert all(s.latitude is not None and s.longitude is not None for s in CareSite.objects.all())
    current = PostAssignment.objects.current()
    for team in Team.objects.all():
        in_post = current.filter(team=team).aggregate(w=Sum("wte"))["w"] or Decimal(0)
        funded = Establishment.objects.filter(team=team).aggregate(w=Sum("funded_wte"))["w"]
        assert funded is not None, team.code
        vacancy = funded - in_post
        expected = {"MSK-N": "1.00", "AOT-STROKE": "0.60", "CPH-FALLS": "1.00"}.get(team.code, "0")
        assert vacancy == Decimal(expected), team.code
    north_band_6 = Establishment.objects.get(team__code="MSK-N", post__band="6")
    in_post = current.filter(team__code="MSK-N", post__band="6").aggregate(w=Sum("wte"))["w"]
    assert north_band_6.funded_wte == in_post + 1


def test_the_demo_reference_data_is_the_same_every_time(db):
    def snapshot():
        return (
            list(BandCost.objects.order_by("band").values_list("band", "hourly_cost")),
            list(
                Establishment.objects.order_by("team__code", "post__title").values_list(
                    "team__code", "post__title", "funded_wte"
                )
            ),
            list(CareSite.objects.order_by("code").values_list("code", "latitude", "longitude")),
            list(
                PostAssignment.objects.order_by("staff__staff_number", "start_date").values_list(
                    "staff__staff_number", "wte", "start_date"
                )
            ),
        )

    today = datetime.date(2026, 6, 1)
    with transaction.atomic():
        build_demo(today=today)
        first = snapshot()
        transaction.set_rollback(True)
    build_demo(today=today)
    assert snapshot() == first
