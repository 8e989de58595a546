"""The reference data behind skill mix in the admin: band hourly costs and the funded
establishment (listed, searched, filtered, created; bad figures refused, nothing saved), and
a site's coordinates on its form."""

from decimal import Decimal

from django.urls import reverse
from wagtail.models import ModelLogEntry

from ksf.models import BandCost, Establishment


def test_administrators_list_and_create_band_costs(client, world):
    client.force_login(world.user("administrator"))
    BandCost.objects.create(band="5", hourly_cost=Decimal("22.08"))
    page = client.get(reverse("ksf_bandcost:index")).content.decode()
    assert "Band hourly costs" in page
    assert "22.08" in page
    response = client.post(reverse("ksf_bandcost:add"), {"band": "6", "hourly_cost": "27.35"})
    assert response.status_code == 302
    cost = BandCost.objects.get(band="6")
    assert cost.hourly_cost == Decimal("27.35")
    assert ModelLogEntry.objects.for_instance(cost).filter(action="wagtail.create").exists()
    filtered = client.get(reverse("ksf_bandcost:index"), {"band": "6"}).content.decode()
    assert "27.35" in filtered and "22.08" not in filtered


def test_a_bad_band_cost_is_refused_and_nothing_saved(client, world):
    client.force_login(world.user("administrator"))
    BandCost.objects.create(band="6", hourly_cost=Decimal("27.35"))
    for cost, message in [
        ("0", "Ensure this value is greater than or equal to 0.01."),
        ("-5", "Ensure this value is greater than or equal to 0.01."),
        ("lots", "Enter a number."),
        ("20000", "Ensure this value is less than or equal to 10000."),
        ("12.345", "Ensure that there are no more than 2 decimal places."),
    ]:
        response = client.post(reverse("ksf_bandcost:add"), {"band": "7", "hourly_cost": cost})
        assert response.status_code == 200, cost
        assert message in response.content.decode(), cost
    response = client.post(reverse("ksf_bandcost:add"), {"band": "6", "hourly_cost": "30"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert list(BandCost.objects.values_list("band", "hourly_cost")) == [("6", Decimal("27.35"))]


def test_band_costs_are_for_administrators_only(client, world):
    for role in ("manager", "service_lead", "educator"):
        client.force_login(world.user(role))
        response = client.post(reverse("ksf_bandcost:add"), {"band": "6", "hourly_cost": "27"})
        assert response.status_code in (302, 403), role
        assert response.status_code == 403 or response["Location"] != reverse("ksf_bandcost:index")
    assert not BandCost.objects.exists()


def test_administrators_keep_the_funded_establishment(client, world):
    client.force_login(world.user("administrator"))
    data = {"team": world.team.pk, "post": world.post.pk, "funded_wte": "3.00"}
    response = client.post(reverse("ksf_establishment:add"), data)
    assert response.status_code == 302
    assert Establishment.objects.get().funded_wte == Decimal("3.00")
    page = client.get(reverse("ksf_establishment:index"), {"q": "MSK North"}).content.decode()
    assert "MSK North" in page and "3.00" in page
    response = client.post(reverse("ksf_establishment:add"), {**data, "funded_wte": "0"})
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0.01." in response.content.decode()
    assert Establishment.objects.count() == 1


def test_a_site_form_has_its_coordinates(client, world):
    client.force_login(world.user("administrator"))
    site = world.team.site
    page = client.get(reverse("ksf_site:edit", args=[site.pk])).content.decode()
    assert 'name="latitude"' in page and 'name="longitude"' in page
    response = client.post(
        reverse("ksf_site:edit", args=[site.pk]),
        {
            "organisation": site.organisation_id,
            "name": site.name,
            "code": site.code,
            "latitude": "51.85940",
            "longitude": "-4.31150",
        },
    )
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.latitude == Decimal("51.85940")
    bad = client.post(
        reverse("ksf_site:edit", args=[site.pk]),
        {
            "organisation": site.organisation_id,
            "name": site.name,
            "code": site.code,
            "latitude": "95",
            "longitude": "-4.31150",
        },
    )
    assert bad.status_code == 200
    assert "Ensure this value is less than or equal to 90." in bad.content.decode()
