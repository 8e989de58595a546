import datetime

import pytest
from django.core import mail
from django.urls import reverse

from ksf import dates
from tests.conftest import login


def home(client, world, role) -> str:
    login(client, world.user(role))
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_visitor_sees_the_welcome_and_sign_in(client, world):
    page = home(client, world, "anonymous")
    assert "Sign in" in page
    assert "People you manage" not in page


def test_clinician_sees_their_post_and_nothing_of_others(client, world):
    page = home(client, world, "clinician")
    assert "Hello, Cara" in page
    assert world.post.title in page
    assert "Line manager: Mona Manager" in page
    assert "People you manage" not in page
    assert "Sam" not in page


def test_manager_sees_their_people_and_team(client, world):
    page = home(client, world, "manager")
    assert "People you manage" in page
    assert "Cara Clinician" in page
    assert "Sam Stranger" not in page
    assert "MSK North" in page


def test_educator_supervisor_service_lead_and_admin_sections(client, world):
    educator_page = home(client, world, "educator")
    assert "Frameworks and programmes you look after" in educator_page
    assert "Educator framework" in educator_page and "Draft" in educator_page
    client.logout()
    assert "Fellows you supervise" in home(client, world, "supervisor")
    client.logout()
    lead_page = home(client, world, "service_lead")
    assert "Your services" in lead_page and "MSK North" in lead_page
    client.logout()
    admin_page = home(client, world, "administrator")
    assert "posts missing core KSF dimensions" in admin_page
    assert reverse("ksf_staff_import") in admin_page


def test_hcpc_renewal_warning_within_90_days(client, world):
    world.clinician.hcpc_renewal_date = dates.today() + datetime.timedelta(days=30)
    world.clinician.save()
    assert "due for renewal" in home(client, world, "clinician")


def test_sign_in_with_wrong_password_says_so(client, world):
    response = client.post(
        reverse("login"), {"username": world.clinician.user.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_sign_out_is_a_post_and_ends_the_session(client, world):
    login(client, world.user("clinician"))
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("ksf:post_list")).status_code == 302


def test_password_reset_sends_a_link(client, world):
    world.clinician.user.email = "cara@example.nhs.uk"
    world.clinician.user.save()
    response = client.post(reverse("password_reset"), {"email": "cara@example.nhs.uk"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "/accounts/reset/" in message.body


@pytest.mark.parametrize("role", ["clinician", "manager", "administrator"])
def test_home_query_count_does_not_grow_with_team_size(
    client, world, role, django_assert_max_num_queries
):
    from tests.factories import AssignmentFactory, staff_with_login

    login(client, world.user(role))
    client.get("/")
    for _ in range(15):
        AssignmentFactory(
            staff=staff_with_login(), team=world.team, post=world.post, line_manager=world.manager
        )
    from ksf.grants import sync_structure_permissions

    sync_structure_permissions()
    with django_assert_max_num_queries(40):
        client.get("/")
