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
