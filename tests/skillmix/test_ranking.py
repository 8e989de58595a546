"""Who to train next: ranked pairs with the gap closed, flags removed, post requirement,
readiness (prerequisites), supervisor capacity and cost; one click adds a PDP objective."""

from decimal import Decimal

import pytest
from django.urls import reverse

from competencies.activity.flags.practice import rebuild
from competencies.activity.flags.recompute import recompute_all
from competencies.models import ActivityRequirement, Flag, PostRequirement
from fellowships.models import Milestone
from fellowships.skillmix import coverage, ranking
from fellowships.skillmix.projection import project
from tests.activity.flags_world import TODAY, Board, day
from tests.factories import UserFactory, full_outline
from tests.fellowships.factories import programme as make_programme

pytestmark = pytest.mark.django_db


def _rank(b):
    base = coverage.baseline([b.team.pk], TODAY)
    return ranking.rank(base, project(base), b.team.pk)


@pytest.fixture
def board():
    b = Board()
    # C2 (shoulder) is listed after C1 (knee) under the same parent: C1 comes first
    ActivityRequirement.objects.create(
        procedure_code="C2CODE", label="Shoulder injection", competency=b.c2, valid_from=day(-3000)
    )
    b.ffion = b.person("Ffion", "Parry", wte="1.00")
    b.sign_off(b.ffion)
    b.sign_off(b.ffion, competency=b.c2)
    b.gwen = b.person("Gwen", "Hughes", wte="0.60")
    b.sign_off(b.gwen, value=b.novice)
    b.huw = b.person("Huw", "Jones", wte="1.00")
    # a lot of C1 work, some of it by Huw without a sign-off, and some C2 work
    b.contacts(b.ffion, [-(i % 300) - 1 for i in range(2000)], minutes=45)
    b.contacts(b.huw, [-(i % 80) - 1 for i in range(40)], minutes=30)
    b.contacts(b.ffion, [-(i % 300) - 1 for i in range(50)], code="C2CODE")
    rebuild()
    recompute_all()
    return b


def test_the_pair_that_removes_a_flag_and_closes_most_gap_comes_first(board):
    b = board
    ranked = _rank(b)
    assert (ranked[0].staff_id, ranked[0].competency_id) == (b.huw.pk, b.c1.pk)
    top = ranked[0]
    assert Flag.Kind.UNVERIFIED_PRACTICE in top.flags_removed
    assert top.minutes_closed > 0
    # nobody is suggested for what they already hold
    assert (b.ffion.pk, b.c1.pk) not in {(c.staff_id, c.competency_id) for c in ranked}


def test_readiness_needs_the_earlier_competency_under_the_same_parent(board):
    b = board
    by_pair = {(c.staff_id, c.competency_id): c for c in _rank(b)}
    shoulder = by_pair[(b.huw.pk, b.c2.pk)]
    assert not shoulder.ready
    assert any("Knee injection" in m for m in shoulder.missing)
    knee = by_pair[(b.gwen.pk, b.c1.pk)]
    assert knee.ready and knee.held_level == "Novice"


def test_post_requirement_programme_capacity_and_cost(board):
    b = board
    post = b.huw.assignments.get().post
    PostRequirement.objects.create(post=post, competency=b.c1)
    prog = make_programme()
    prog.cost = Decimal("4500")
    prog.supervisor_capacity = 2
    prog.save()
    Milestone.objects.create(
        programme=prog, sort_order=5, title="Sign-off", kind=Milestone.Kind.COMPETENCY,
        competency=b.c1,
    )  # fmt: skip
    top = {(c.staff_id, c.competency_id): c for c in _rank(b)}[(b.huw.pk, b.c1.pk)]
    assert top.required
    assert top.programme == prog.title and top.cost == Decimal("4500")
    assert top.places == 2  # Ffion, competent and supervising nobody, 2 a full-time supervisor


def test_the_ranking_reads_a_fixed_number_of_queries(board, django_assert_max_num_queries):
    b = board
    base = coverage.baseline([b.team.pk], TODAY)
    p = project(base)
    with django_assert_max_num_queries(8) as small:
        ranking.rank(base, p, b.team.pk)
    for i in range(15):
        s = b.person(f"Extra{i}", "Person", wte="0.5")
        b.contacts(s, [-3])
    rebuild()
    base = coverage.baseline([b.team.pk], TODAY)
    p = project(base)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(ranking.rank(base, p, b.team.pk)) > 15


def test_one_click_adds_a_pdp_objective_through_the_review_service(board, client):
    from ksf.reviews import services as review_services

    b = board
    lead = b.person("Mona", "Manager")
    lead.user = UserFactory()
    lead.save()
    b.team.lead = lead
    b.team.save()
    huw = b.huw.assignments.get()
    huw.line_manager = lead
    huw.save()
    client.force_login(lead.user)
    url = f"/portal/skill-mix/plan/teams/{b.team.pk}/train-next/"
    body = {"action": "objective", "staff": b.huw.pk, "competency": b.c1.pk}
    refused = client.post(url, body)
    assert refused.status_code == 200
    assert "no development review open" in refused.content.decode()
    full_outline(huw.post)
    review = review_services.start_review(person=b.huw, manager=lead.user, post=huw.post)
    response = client.post(url, body)
    assert response.status_code == 302
    objective = review.objectives.get()
    assert "Knee injection" in objective.objective
    assert client.post(url, {"action": "objective", "staff": 0, "competency": 0}).status_code == 200


def test_one_click_nominates_the_person_who_then_completes_the_application(board, client):
    from fellowships.models import Application

    b = board
    prog = make_programme()
    Milestone.objects.create(
        programme=prog, sort_order=5, title="Sign-off", kind=Milestone.Kind.COMPETENCY,
        competency=b.c1,
    )  # fmt: skip
    lead = b.person("Mona", "Manager")
    lead.user = UserFactory()
    lead.save()
    b.team.lead = lead
    b.team.save()
    client.force_login(lead.user)
    url = f"/portal/skill-mix/plan/teams/{b.team.pk}/train-next/"
    assert "Nominate for the programme" in client.get(url).content.decode()
    body = {"action": "apply", "staff": b.huw.pk, "competency": b.c1.pk}
    refused = client.post(url, body)  # Huw has no login: nobody could complete it
    assert refused.status_code == 200 and "has no login" in refused.content.decode()
    assert not Application.objects.exists()

    b.huw.user = UserFactory()
    b.huw.save()
    response = client.post(url, body, follow=True)
    assert "Huw Jones is nominated for" in response.content.decode()
    nomination = Application.objects.get()
    assert nomination.status == Application.Status.NOMINATED
    assert nomination.nominated_by == lead and "Knee injection" in nomination.manager_support
    again = client.post(url, body)
    assert "already has an application for this programme" in again.content.decode()

    client.force_login(b.huw.user)
    apply_url = reverse("fellowships:apply", args=[prog.pk])
    page = client.get(apply_url).content.decode()
    assert "Mona Manager nominated you on" in page
    client.post(apply_url, {"statement": "I run the knee clinic on Tuesdays."})
    nomination.refresh_from_db()
    assert nomination.status == Application.Status.SUBMITTED
    assert nomination.statement == "I run the knee clinic on Tuesdays."
    assert Application.objects.count() == 1  # the nomination, completed: not a second one
