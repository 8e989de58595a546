"""The demo board has a believable history: mostly green, reviewed this year, journeys intact.

A first-time manager opening the demo should see a board in use (about 70% of people green,
20% amber, 10% red), not one where every review is years overdue; and each demo login must
still find the open items its browser journey starts from.
"""

import io
import re
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from competencies.development.engine import development_statuses, requirement_facts
from competencies.development.team import PersonOverview, people_overview
from competencies.models import Attainment, Framework
from competencies.portfolio.selectors import waiting_for
from ksf import dates
from ksf.models import DevelopmentReview, PostAssignment, StaffMember, Team
from ksf.reviews.selectors import add_months, open_review
from ksf.selectors import people_managed_by

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def colour(counts: dict[str, int]) -> str:
    """A person's overall colour: the worst of their requirements."""
    return "red" if counts["red"] else "amber" if counts["amber"] else "green"


def shares(rows: list[PersonOverview]) -> dict[str, float]:
    found = Counter(colour(r.counts) for r in rows)
    return {rag: found[rag] / len(rows) for rag in ("green", "amber", "red")}


def board() -> list[PersonOverview]:
    today = dates.today()
    people = StaffMember.objects.filter(
        assignments__in=PostAssignment.objects.current(today)
    ).distinct()
    return people_overview(people, today)


def test_the_board_is_mostly_green_and_reviewed_this_year(demo):
    rows = board()
    assert len(rows) == StaffMember.objects.count()
    share = shares(rows)
    assert 0.60 <= share["green"] <= 0.80, share
    assert 0.12 <= share["amber"] <= 0.28, share
    assert 0.05 <= share["red"] <= 0.15, share
    year_ago = add_months(dates.today(), -12)
    reviewed = [
        r for r in rows if r.review and r.review.last_signed and r.review.last_signed >= year_ago
    ]
    assert len(reviewed) >= 0.80 * len(rows), (len(reviewed), len(rows))
    # Every team, not only the board as a whole, looks in use.
    for team in Team.objects.all():
        ids = set(team_member_ids(team))
        members = [r for r in rows if r.person.pk in ids]
        if members:
            assert shares(members)["green"] >= 0.5, (team.code, shares(members))


def team_member_ids(team: Team) -> list[int]:
    return list(
        PostAssignment.objects.current().filter(team=team).values_list("staff_id", flat=True)
    )


def test_the_history_has_every_kind_of_state_a_board_in_use_has(demo):
    today = dates.today()
    facts = requirement_facts(list(StaffMember.objects.all()), today)
    states = Counter((row.kind.value, row.state.value) for rows in facts.values() for row in rows)
    competency = {state: n for (kind, state), n in states.items() if kind == "competency"}
    verified = competency.get("verified", 0)
    assert verified >= 0.8 * sum(competency.values()), competency
    for state in ("expiring", "expired", "overdue", "awaiting_sign_off", "self_assessed"):
        assert competency.get(state), (state, competency)
    ksf = {state: n for (kind, state), n in states.items() if kind == "ksf"}
    for state in ("met", "review_due_soon", "review_overdue", "assessed_below", "not_assessed"):
        assert ksf.get(state), (state, ksf)
    # Signed reviews are dated in the past and agree a PDP objective; a few are in preparation.
    signed = DevelopmentReview.objects.filter(
        staff_signed_at__isnull=False, reviewer_signed_at__isnull=False
    )
    assert signed.count() >= 0.8 * StaffMember.objects.count()
    assert not signed.filter(period_end__gt=today).exists()
    assert not signed.filter(objectives__isnull=True).exists()
    assert DevelopmentReview.objects.filter(staff_signed_at__isnull=True).count() >= 3
    # Sign-offs were claimed before they were decided, and not today.
    for att in Attainment.objects.filter(status=Attainment.Status.VERIFIED).exclude(
        staff__user__username="clinician"
    ):
        assert dates.local_date(att.created_at) < att.verified_on <= today


def test_the_same_history_every_time(db):
    def seeded() -> tuple:
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            found = (
                # Row ids differ between two seedings of one PostgreSQL database (sequences
                # are not rolled back): compare what people see, not primary keys.
                [
                    (
                        r.person.staff_number,
                        r.counts,
                        r.review
                        and (r.review.due, r.review.overdue, bool(r.review.open_review_id)),
                    )
                    for r in board()
                ],
                sorted(
                    DevelopmentReview.objects.values_list(
                        "staff__staff_number", "period_start", "period_end", "gateway"
                    )
                ),
                sorted(
                    Attainment.objects.values_list(
                        "staff__staff_number", "competency__idnumber", "status", "verified_on"
                    )
                ),
            )
            transaction.set_rollback(True)
        return found

    assert seeded() == seeded()


def test_each_demo_login_keeps_its_journey_items(demo):
    today = dates.today()
    ffion = StaffMember.objects.get(user__username="clinician")
    gareth = StaffMember.objects.get(user__username="manager")

    # clinician: red/amber items, one sign-off waiting for Gareth, "Physical assessment" not
    # yet claimed (she asks for it), a claim with her reasons, last year's signed review and
    # this year's in preparation, an HCPC renewal within 90 days.
    mine = development_statuses([ffion], today)[ffion.pk]
    assert mine.counts["red"] + mine.counts["amber"] > 0
    waiting = Attainment.objects.get(staff=ffion, status=Attainment.Status.REQUESTED)
    assert waiting.assessor == gareth
    assert not Attainment.objects.filter(staff=ffion, competency__idnumber="MSK-4").exists()
    assert any(r.title == "Physical assessment" for r in mine.competency_rows)
    assert Attainment.objects.filter(staff=ffion).exclude(self_comment="").exists()
    current = DevelopmentReview.objects.get(staff=ffion, staff_signed_at__isnull=True)
    assert current.reviewer == gareth and current.dimensions.exists()
    assert DevelopmentReview.objects.filter(staff=ffion, staff_signed_at__isnull=False).exists()
    assert 0 <= (ffion.hcpc_renewal_date - today).days <= 90

    # manager: manages Ffion, has a review to do and a sign-off queue with her request, where
    # nobody else asks for "Physical assessment" (her journey picks it by name).
    assert people_managed_by(gareth.user).filter(pk=ffion.pk).exists()
    assert open_review(ffion).reviewer == gareth
    queue = list(waiting_for(gareth.user))
    assert waiting in queue
    assert not [a for a in queue if a.competency.idnumber == "MSK-4"]

    # supervisor, service lead, educators, administrator: what their home pages start from.
    amir = StaffMember.objects.get(user__username="supervisor")
    assert PostAssignment.objects.current().get(staff=amir).post.title == (
        "MSK first contact practitioner"
    )
    rhian = StaffMember.objects.get(user__username="servicelead")
    assert rhian.services_led.get().code == "MSK"
    educator = User.objects.get(username="educator")
    assert Framework.objects.filter(idnumber="MSK-POCUS", owner=educator).exists()
    assert User.objects.get(username="admin").is_staff
    landing = {
        "clinician": ("Hello, Ffion", "Your development"),
        "manager": ("Hello, Gareth", "People you manage"),
        "educator": ("Hello, Lowri", "Frameworks and programmes you look after"),
        "educator2": ("Hello, Elin", "Frameworks and programmes you look after"),
        "supervisor": ("Hello, Amir", "Fellows you supervise"),
        "servicelead": ("Hello, Rhian", "Your services"),
        "admin": ("Hello, Alex", "Organisation"),
    }
    for username, texts in landing.items():
        client = Client()
        client.force_login(User.objects.get(username=username))
        page = client.get("/").content.decode()
        for text in texts:
            assert text in page, (username, text)


def _number(cell: str) -> int:
    cell = re.sub(r'<span class="nhsuk-table-responsive__heading".*?</span>', "", cell, flags=re.S)
    return int(re.sub(r"<[^>]+>", "", cell).strip())


def test_the_managers_team_page_shows_a_team_in_use(demo):
    gareth = StaffMember.objects.get(user__username="manager")
    team = Team.objects.get(code="MSK-N")
    rows = people_overview(StaffMember.objects.filter(pk__in=team_member_ids(team)), dates.today())
    client = Client()
    client.force_login(gareth.user)
    page = client.get(f"/portal/teams/{team.pk}/development/").content.decode()

    # The totals the page shows are the engine's.
    for rag in ("red", "amber", "green"):
        shown = re.search(rf'portal-counts__{rag}"><strong>(\d+)</strong>', page)
        assert shown, rag
        assert int(shown.group(1)) == sum(r.counts[rag] for r in rows), rag
    overdue = sum(1 for r in rows if r.review and r.review.overdue)
    assert f"{len(rows)} people:" in page
    assert f"{overdue} review" in page

    # One row per person; their colours, read off the page, are mostly green.
    body = page.split('<tbody class="nhsuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    table = re.findall(r'<tr role="row" class="nhsuk-table__row">(.*?)</tr>', body, flags=re.S)
    assert len(table) == len(rows) == 16
    colours = Counter()
    for tr in table:
        red, amber, green, *_ = (
            _number(cell) for cell in re.findall(r'portal-num">(.*?)</td>', tr, flags=re.S)[:3]
        )
        colours[colour({"red": red, "amber": amber, "green": green})] += 1
    assert colours == Counter(colour(r.counts) for r in rows)
    assert colours["green"] >= 0.55 * len(table), colours
    assert 1 <= colours["red"] <= 0.2 * len(table), colours
    assert 2 <= colours["amber"] <= 0.35 * len(table), colours
