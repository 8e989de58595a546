"""Guessing passwords is throttled on the portal and the admin: by account and address."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from tests.factories import PASSWORD

THROTTLED = override_settings(
    AXES_ENABLED=True,
    AXES_FAILURE_LIMIT=5,
    AUTHENTICATION_BACKENDS=[
        "axes.backends.AxesStandaloneBackend",
        *settings.AUTHENTICATION_BACKENDS,
    ],
)


@pytest.fixture
def clinician(world):
    return world.clinician.user


def _guess(client, url, username, password="wrong-password"):
    return client.post(url, {"username": username, "password": password})


@THROTTLED
@pytest.mark.parametrize("url_name", ["login", "wagtailadmin_login"])
def test_five_wrong_passwords_pause_signing_in_with_a_clear_message(client, clinician, url_name):
    url = reverse(url_name)
    for _ in range(4):
        assert _guess(client, url, clinician.username).status_code == 200
    locked = _guess(client, url, clinician.username)
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    # Even the right password is refused while the pause lasts.
    again = _guess(client, url, clinician.username, PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.filter(username=clinician.username).exists()


@THROTTLED
def test_the_pause_is_per_account_and_an_administrator_can_lift_it(client, clinician, world):
    url = reverse("login")
    for _ in range(5):
        _guess(client, url, clinician.username)
    other = world.manager.user
    assert _guess(client, url, other.username, PASSWORD).status_code == 302  # others sign in
    client.logout()
    call_command("axes_reset_username", clinician.username)
    assert _guess(client, url, clinician.username, PASSWORD).status_code == 302


@THROTTLED
def test_an_administrator_sees_the_paused_account_and_lifts_the_pause(client, clinician, world):
    from wagtail.models import ModelLogEntry

    url = reverse("login")
    for _ in range(5):
        _guess(client, url, clinician.username)
    assert _guess(client, url, clinician.username, PASSWORD).status_code == 429

    admin = world.users["administrator"]
    admin_client = type(client)()
    admin_client.force_login(admin)
    pauses = reverse("ksf_sign_in_lockouts")
    page = admin_client.get(pauses).content.decode()
    assert f"Lift the pause for {clinician.username}" in page
    attempt = AccessAttempt.objects.get(username=clinician.username)
    done = admin_client.post(pauses, {"attempt": attempt.pk}, follow=True).content.decode()
    assert f"{clinician.username} can sign in again." in done
    assert "Nobody is paused" in done
    assert ModelLogEntry.objects.filter(
        object_id=str(clinician.pk), data__changes__has_key="sign-in"
    ).exists()
    assert _guess(client, url, clinician.username, PASSWORD).status_code == 302

    # Lifting it again says there is nothing to lift, and changes nothing.
    again = admin_client.post(pauses, {"attempt": attempt.pk}, follow=True).content.decode()
    assert "That pause has already ended" in again


def test_only_administrators_see_sign_in_pauses(client, world):
    client.force_login(world.users["educator"])
    assert client.get(reverse("ksf_sign_in_lockouts")).status_code in (302, 403)
