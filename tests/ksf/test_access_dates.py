"""Access from the structure follows an assignment's dates whether or not the sync has run."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from ksf import dates
from ksf.models import DevelopmentReview, PostAssignment
from ksf.policies import staff_policy
from tests.conftest import login
from tests.factories import AssignmentFactory, staff_with_login
from tests.ksf.review_helpers import start


def test_a_new_line_manager_sees_the_person_from_the_start_date_without_a_sync(world, client):
    newcomer = staff_with_login(first_name="New", last_name="Starter")
    assignment = AssignmentFactory(
        staff=newcomer,
        team=world.other_team,
        post=world.post,
        line_manager=world.manager,
        start_date=dates.today() + datetime.timedelta(days=1),
    )
    login(client, world.manager.user)
    url = reverse("ksf:person_detail", args=[newcomer.staff_number])
    assert client.get(url).status_code == 404  # not yet their manager
    # The start date arrives; nothing else runs (no sync_permissions).
    PostAssignment.objects.filter(pk=assignment.pk).update(start_date=dates.today())
    assert client.get(url).status_code == 200
    assert staff_policy.user_has_permission_for_instance(
        world.manager.user, "manage_portfolio", newcomer
    )


def test_access_ends_on_the_end_date_without_a_sync(world, client):
    login(client, world.manager.user)
    url = reverse("ksf:person_detail", args=[world.clinician.staff_number])
    assert client.get(url).status_code == 200
    PostAssignment.objects.filter(staff=world.clinician).update(
        end_date=dates.today() - datetime.timedelta(days=1)
    )
    assert client.get(url).status_code == 404
    assert world.clinician not in staff_policy.instances_user_has_permission_for(
        world.manager.user, "view_portfolio"
    )


def test_nobody_manages_themselves_even_with_the_model_permission(world):
    admin = world.user("administrator")
    own = staff_with_login(first_name="Ada", last_name="Admin")
    own.user = admin
    own.save()
    assert not staff_policy.user_has_permission_for_instance(admin, "manage_portfolio", own)
    assert staff_policy.user_has_permission_for_instance(admin, "view_portfolio", own)


def test_the_database_holds_one_open_review_per_person(world):
    review = start(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        DevelopmentReview.objects.create(
            staff=review.staff,
            reviewer=review.reviewer,
            post=review.post,
            period_start=review.period_start,
            period_end=review.period_end,
        )


def test_reviews_readable_by_follow_the_same_policy_as_one_review(world):
    from ksf.policies import review_policy

    review = start(world)
    for role in ("clinician", "manager", "administrator", "educator", "service_lead"):
        user = world.user(role)
        listed = review in review_policy.readable_by(user)
        assert listed == review_policy.access(user, review).can_read, role
    assert review in review_policy.readable_by(world.manager.user)
    assert review not in review_policy.readable_by(world.stranger.user)


def test_a_service_lead_sees_a_teams_totals_but_nobodys_development_record(world, client):
    lead = world.user("service_lead")
    client.force_login(lead)
    page = client.get(reverse("team_development", args=[world.team.pk])).content.decode()
    assert "These are the team's totals" in page
    assert world.clinician.full_name not in page
    assert reverse("exports:team_plans_xlsx", args=[world.team.pk]) not in page
    plans = client.get(reverse("exports:team_plans_xlsx", args=[world.team.pk]))
    assert plans.status_code == 404
    # The same rule as the people's own pages.
    own = client.get(reverse("development:person", args=[world.clinician.staff_number]))
    assert own.status_code == 404
    client.force_login(world.manager.user)  # the team lead sees names and the workbook
    page = client.get(reverse("team_development", args=[world.team.pk])).content.decode()
    assert world.clinician.full_name in page
