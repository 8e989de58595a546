import datetime

from django.core.management import call_command
from django.urls import reverse

from ksf import dates
from ksf.grants import sync_structure_permissions
from ksf.models import PostAssignment
from ksf.policies import staff_policy
from ksf.selectors import people_managed_by, people_visible_to
from tests.conftest import login
from tests.factories import AssignmentFactory, staff_with_login


def test_clinician_sees_only_their_own_record(world):
    visible = set(people_visible_to(world.clinician.user))
    assert visible == {world.clinician}


def test_line_manager_sees_and_manages_their_people_but_not_others(world):
    user = world.manager.user
    assert staff_policy.user_has_permission_for_instance(user, "manage_portfolio", world.clinician)
    assert not staff_policy.user_has_permission_for_instance(user, "view_portfolio", world.stranger)
    assert set(people_managed_by(user)) == {world.clinician}


def test_access_ends_the_day_the_assignment_ends(world, client):
    assignment = PostAssignment.objects.get(staff=world.clinician)
    yesterday = dates.today() - datetime.timedelta(days=1)
    assignment.end_date = yesterday
    assignment.save()
    # The daily job recomputes grants from the structure as it stands today.
    call_command("sync_permissions")
    login(client, world.manager.user)
    url = reverse("ksf:person_detail", args=[world.clinician.staff_number])
    assert client.get(url).status_code == 404
    # The clinician still sees their own record.
    client.logout()
    login(client, world.clinician.user)
    assert client.get(url).status_code == 200


def test_sync_on_a_future_date_drops_grants_that_will_have_ended(world):
    assignment = PostAssignment.objects.get(staff=world.clinician)
    assignment.end_date = dates.today() + datetime.timedelta(days=10)
    assignment.save()
    sync_structure_permissions(on=dates.today() + datetime.timedelta(days=11))
    assert not world.manager.user.has_perm("ksf.view_portfolio_staffmember", world.clinician)


def test_team_lead_manages_everyone_in_their_team_without_being_line_manager(world):
    newcomer = staff_with_login(first_name="New", last_name="Starter")
    AssignmentFactory(staff=newcomer, team=world.team, post=world.post)
    sync_structure_permissions(staff_ids=[newcomer.pk])
    assert world.manager.user.has_perm("ksf.manage_portfolio_staffmember", newcomer)


def test_editing_an_assignment_in_the_admin_moves_access_at_once(world, client):
    admin = world.user("administrator")
    login(client, admin)
    assignment = PostAssignment.objects.get(staff=world.clinician)
    url = reverse("ksf_assignment:edit", args=[assignment.pk])
    response = client.post(
        url,
        {
            "staff": world.clinician.pk,
            "post": assignment.post.pk,
            "team": world.other_team.pk,
            "wte": "0.60",
            "start_date": assignment.start_date.isoformat(),
            "end_date": "",
            "line_manager": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not world.manager.user.has_perm("ksf.view_portfolio_staffmember", world.clinician)


def test_sync_is_idempotent(world):
    result = sync_structure_permissions()
    assert (result.granted, result.revoked) == (0, 0)


def test_service_lead_sees_the_teams_of_their_service_only(world, client):
    from django.urls import reverse

    from ksf.selectors import teams_visible_to

    lead = world.user("service_lead")
    assert set(teams_visible_to(lead)) == {world.team}
    # Handing the other service to them in the admin gives them its teams at once.
    admin = world.user("administrator")
    client.force_login(admin)
    service = world.other_team.service
    response = client.post(
        reverse("ksf_service:edit", args=[service.pk]),
        {
            "organisation": service.organisation_id,
            "name": service.name,
            "code": service.code,
            "profession": service.profession,
            "lead": lead.staff_member.pk,
        },
    )
    assert response.status_code == 302
    assert set(teams_visible_to(lead)) == {world.team, world.other_team}
