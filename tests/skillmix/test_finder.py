"""Find a competent clinician: who is found, in what order, with what caseload and costing;
a search with no competency refused; sign-offs valid on the date asked; a fixed number of
queries however many are found.

The board: MSK physiotherapy with three teams (North at Carmarthen, where the referral is;
South at Llanelli, about 22 km away; Hand Therapy at a site with no coordinates) and Acute
OT, another service, at Carmarthen too. Mona leads MSK North; Lee leads the MSK service.
"""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.activity.partitions import ensure_partitions
from competencies.models import ActivitySource, Attainment, Contact
from fellowships.skillmix import finder
from ksf import dates
from ksf.grants import sync_structure_permissions
from ksf.models import BandCost
from ksf.roles import Role
from tests.competencies.portfolio_fixtures import published_framework
from tests.factories import (
    AssignmentFactory,
    CareSiteFactory,
    ServiceFactory,
    StaffMemberFactory,
    TeamFactory,
    UserFactory,
    staff_with_login,
)

TODAY = dates.today()
CARMARTHEN = (Decimal("51.85940"), Decimal("-4.31150"))
LLANELLI = (Decimal("51.68040"), Decimal("-4.16130"))
_records = itertools.count(1)


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


class Board:
    def __init__(self) -> None:
        self.framework = published_framework("INJ")
        self.c1 = self.framework.competencies.get(idnumber="C1")
        self.c2 = self.framework.competencies.get(idnumber="C2")
        self.novice = self.framework.scale_values.get(name="Novice")
        self.competent = self.framework.scale_values.get(name="Competent")
        self.expert = self.framework.scale_values.get(name="Expert")
        self.north_site = CareSiteFactory(
            name="Ysbyty Gwynant", latitude=CARMARTHEN[0], longitude=CARMARTHEN[1]
        )
        self.south_site = CareSiteFactory(
            name="Riverside Health Centre", latitude=LLANELLI[0], longitude=LLANELLI[1]
        )
        self.unmapped_site = CareSiteFactory(name="Old Cottage Clinic")
        self.service = ServiceFactory(name="MSK physiotherapy")
        self.north = TeamFactory(service=self.service, site=self.north_site, name="MSK North")
        self.south = TeamFactory(service=self.service, site=self.south_site, name="MSK South")
        self.hand = TeamFactory(service=self.service, site=self.unmapped_site, name="Hand")
        self.other = TeamFactory(
            service=ServiceFactory(name="Adult OT"), site=self.north_site, name="Acute OT"
        )
        self.assessor = StaffMemberFactory(first_name="Ann", last_name="Assessor", band="7")
        self.mona = staff_with_login(band="7", first_name="Mona", last_name="Manager")
        self.north.lead = self.mona
        self.north.save()
        self.lee = staff_with_login(band="8b", first_name="Lee", last_name="Lead")
        self.service.lead = self.lee
        self.service.save()
        self.cara = staff_with_login(first_name="Cara", last_name="Clinician")
        AssignmentFactory(staff=self.cara, team=self.north, line_manager=self.mona)
        self.admin = UserFactory(username="adm", roles=[Role.ADMINISTRATOR])
        self.source = ActivitySource.objects.create(name="Test system", code="test")

    def person(self, first, *, team, band="6", wte="1.00", levels=None, manager=True, **sign_off):
        staff = StaffMemberFactory(first_name=first, last_name="Jones", band=band)
        AssignmentFactory(
            staff=staff, team=team, wte=Decimal(wte), line_manager=self.mona if manager else None
        )
        for competency, value in (
            levels or {self.c1: self.competent, self.c2: self.competent}
        ).items():
            self.sign_off(staff, competency, value, **sign_off)
        return staff

    def sign_off(self, staff, competency, value=None, *, on=-300, expires=None):
        return Attainment.objects.create(
            staff=staff,
            competency=competency,
            value=value or self.competent,
            status=Attainment.Status.VERIFIED,
            assessor=self.assessor,
            verified_on=day(on),
            expires_on=day(expires) if expires is not None else None,
        )

    def contacts(self, staff, team, offsets, *, minutes=60, attendance="attended"):
        rows = [
            Contact(
                source=self.source,
                record_id=f"R{next(_records)}",
                contact_date=day(offset),
                staff=staff,
                team=team,
                duration_minutes=minutes,
                attendance=attendance,
                procedure_code="241497006",
            )
            for offset in offsets
        ]
        ensure_partitions(min(r.contact_date for r in rows), max(r.contact_date for r in rows))
        Contact.objects.bulk_create(rows)


@pytest.fixture
def board(db) -> Board:
    b = Board()
    # Hal and Ann at the referral's own site: Hal has the emptier week, so comes first.
    b.hal = b.person("Hal", team=b.north)
    b.ann = b.person("Ann", team=b.north)
    b.contacts(b.ann, b.north, range(-80, 0, 4))  # 20 hours over 12 weeks
    b.contacts(b.ann, b.north, [-100, -120])  # before the 12 weeks: not counted
    b.contacts(b.ann, b.north, [-3], attendance="did_not_attend")  # not a contact hour
    b.bob = b.person("Bob", team=b.south, band="7", levels={b.c1: b.expert, b.c2: b.expert})
    b.dee = b.person("Dee", team=b.hand, band="5")  # no coordinates: last
    b.cai = b.person("Cai", team=b.north, levels={b.c1: b.competent})  # only one of the two
    b.fay = b.person("Fay", team=b.north, levels={b.c1: b.competent, b.c2: b.novice})
    b.eve = b.person("Eve", team=b.north, expires=30)  # valid today, lapses in a month
    b.gus = b.person("Gus", team=b.other, manager=False)  # another service: administrators only
    BandCost.objects.create(band="6", hourly_cost=Decimal("27.35"))
    BandCost.objects.create(band="5", hourly_cost=Decimal("22.08"))
    sync_structure_permissions()
    return b


def query(board, **extra):
    data = {
        "competencies": [board.c1.pk, board.c2.pk],
        "site": board.north_site.pk,
        "assessment_hours": "1.5",
        "report_hours": "1",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def search(client, user, params):
    client.force_login(user)
    return client.get(reverse("finder:search"), params)


def found(response) -> list[str]:
    return [c.name.split()[0] for c in response.context["result"].candidates]


def test_finds_clinicians_with_every_competency_nearest_first_then_most_room(client, board):
    response = search(client, board.lee.user, query(board))
    assert response.status_code == 200
    # Eve's sign-offs are valid today; Cai lacks one, Fay's is below proficient, Gus is in
    # another service.
    assert found(response) == ["Eve", "Hal", "Ann", "Bob", "Dee"]  # ties by name
    page = response.content.decode()
    assert "5 clinicians you can see hold valid sign-offs" in page
    assert "Not known" in page  # Dee's distance


def test_administrators_see_everyone_and_managers_their_own_people(client, board):
    everyone = found(search(client, board.admin, query(board)))
    assert "Gus" in everyone and "Bob" in everyone
    # Mona leads MSK North (and line-manages the people she was given here, in every team).
    mine = found(search(client, board.mona.user, query(board)))
    assert "Gus" not in mine and {"Hal", "Ann"} <= set(mine)


def test_a_team_lead_sees_only_the_teams_they_lead(client, board):
    lead = staff_with_login(band="7", first_name="Tom", last_name="Teamlead")
    board.south.lead = lead
    board.south.save()
    sync_structure_permissions()
    assert found(search(client, lead.user, query(board))) == ["Bob"]


def test_a_clinician_without_management_responsibility_is_refused(client, board):
    response = search(client, board.cara.user, query(board))
    assert response.status_code == 403


def test_a_search_with_no_competency_is_refused_with_a_clear_message(client, board):
    response = search(client, board.lee.user, query(board, competencies=None))
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose at least one competency the referral needs." in page
    assert response.context["result"] is None


def test_a_search_without_a_place_or_with_both_is_refused(client, board):
    page = search(client, board.lee.user, query(board, site=None)).content.decode()
    assert "Choose the site or the team the referral is for." in page
    page = search(client, board.lee.user, query(board, team=board.south.pk)).content.decode()
    assert "Choose a site or a team, not both." in page
    page = search(client, board.lee.user, query(board, competencies=["x"])).content.decode()
    assert "Choose competencies from the list." in page


def test_a_team_places_the_referral_at_its_site(client, board):
    response = search(client, board.lee.user, query(board, site=None, team=board.south.pk))
    assert found(response)[0] == "Bob"  # at MSK South's own site


def test_sign_offs_must_be_valid_on_the_date_needed(client, board):
    later = search(client, board.lee.user, query(board, on=day(45).isoformat()))
    assert "Eve" not in found(later)  # expired by then
    assert "Hal" in found(later)
    board.sign_off(board.cai, board.c2, on=10)  # verified in ten days' time
    assert "Cai" not in found(search(client, board.lee.user, query(board)))
    assert "Cai" in found(search(client, board.lee.user, query(board, on=day(10).isoformat())))
    page = search(client, board.lee.user, query(board, on="2990-01-01")).content.decode()
    assert "Enter a date within 5 years of today." in page


def test_caseload_is_attended_contact_hours_a_week_over_twelve_weeks(client, board):
    response = search(client, board.lee.user, query(board))
    ann = next(c for c in response.context["result"].candidates if c.name.startswith("Ann"))
    assert ann.contact_hours_week == Decimal("1.7")  # 20 hours / 12 weeks
    assert ann.contracted_hours_week == Decimal("37.5")
    assert ann.clinical_hours_week == Decimal("22.5")  # 60% clinical
    assert ann.room_hours_week == Decimal("20.8")
    assert "1.7 contact hours a week of 37.5 contracted (5%)" in response.content.decode()


def test_costing_is_hours_times_the_band_cost_and_says_when_none_is_set(client, board):
    response = search(client, board.lee.user, query(board))
    result = response.context["result"]
    hal = next(c for c in result.candidates if c.name.startswith("Hal"))
    assert hal.costing.assessment == Decimal("41.03")  # 1.5 x 27.35, rounded
    assert hal.costing.report == Decimal("27.35")
    assert hal.costing.total == Decimal("68.38")
    bob = next(c for c in result.candidates if c.name.startswith("Bob"))
    assert not bob.costing.known
    assert result.bands_without_cost == ["7"]
    page = response.content.decode()
    assert "£68.38" in page
    assert "2.5 hours at £27.35 an hour (band 6): assessment £41.03, report £27.35" in page
    assert "No hourly cost set for band 7" in page
    assert "No hourly cost is set for band 7" in page


def test_distances_are_great_circle_kilometres_and_unknown_sites_come_last(client, board):
    result = search(client, board.lee.user, query(board)).context["result"]
    by_name = {c.name.split()[0]: c for c in result.candidates}
    assert by_name["Hal"].distance_km == 0
    assert 22 < by_name["Bob"].distance_km < 23  # Carmarthen to Llanelli, as the crow flies
    assert by_name["Dee"].distance_km is None
    assert result.candidates[-1].name.startswith("Dee")
    assert finder.haversine_km((51.5074, -0.1278), (48.8566, 2.3522)) == pytest.approx(343.5, 0.01)


def test_a_referral_site_without_coordinates_says_distances_are_unknown(client, board):
    response = search(client, board.lee.user, query(board, site=board.unmapped_site.pk))
    assert all(c.distance_km is None for c in response.context["result"].candidates)
    assert "Distances not known" in response.content.decode()


def test_the_search_writes_nothing(client, board):
    before = (Attainment.objects.count(), Contact.objects.count(), BandCost.objects.count())
    search(client, board.lee.user, query(board))
    assert (Attainment.objects.count(), Contact.objects.count(), BandCost.objects.count()) == before


def test_the_number_of_queries_does_not_grow_with_the_number_found(client, board):
    client.force_login(board.admin)
    url = reverse("finder:search")
    client.get(url, query(board))  # settings created on first use

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query(board))
        return len(ctx.captured_queries), len(response.context["result"].candidates)

    few, found_few = count()
    for i in range(15):
        team = [board.north, board.south, board.hand, board.other][i % 4]
        person = board.person(f"Extra{i}", team=team, band=["5", "6", "7"][i % 3])
        board.contacts(person, team, [-5, -6])
    many, found_many = count()
    assert found_many == found_few + 15
    assert many == few


def test_hostile_input_is_refused_never_a_server_error(client, board):
    hostile = [
        {"competencies": ["1e9999", "-1", "<b>"], "site": "abc"},
        {"competencies": [board.c1.pk], "site": "999999", "on": "2026-02-30"},
        {"competencies": [board.c1.pk], "team": board.other.pk, "assessment_hours": "1e400"},
        {"competencies": [board.c1.pk], "site": board.north_site.pk, "report_hours": "NaN"},
        {"competencies": [board.c1.pk], "site": board.north_site.pk, "assessment_hours": "-1"},
        {"competencies": [board.c1.pk], "site": "\x00", "on": "x" * 300},
    ]
    for params in hostile:
        response = search(client, board.lee.user, params)
        assert response.status_code == 200, params
        assert response.context["result"] is None, params
        assert "There is a problem" in response.content.decode()
    # Lee does not see Acute OT, so cannot place a referral there either.
    response = search(client, board.lee.user, query(board, site=None, team=board.other.pk))
    assert "Select a valid choice" in response.content.decode()
