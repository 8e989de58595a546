"""Every page sends a Content-Security-Policy: nothing from another host, and in the portal
no script without the request's nonce."""

import re

import pytest

from ksf.roles import Role
from tests.factories import UserFactory


def _directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_portal_pages_run_only_their_own_scripts_with_the_nonce(client, db):
    client.force_login(UserFactory(roles=[Role.CLINICIAN]))
    response = client.get("/portal/")
    policy = _directives(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    nonce = next(v for v in policy["script-src"] if v.startswith("'nonce-"))[7:-1]
    scripts = re.findall(r"<script([^>]*)>", response.content.decode())
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert inline, "the page's own inline scripts are expected"
    assert all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'self'"]
    assert policy["font-src"] == ["'self'", "data:"]  # no page needs another host


def test_the_design_system_stylesheet_is_served_without_web_fonts(client, db):
    from cms.stylesheet import COPY, expected_copy

    assert COPY.read_text(encoding="utf-8") == expected_copy(), "run python -m cms.stylesheet"
    assert "assets.nhs.uk" not in expected_copy() and ".nhsuk-header" in expected_copy()
    page = client.get("/accounts/login/").content.decode()
    assert "cms/nhsuk-frontend-without-web-fonts" in page
    assert "nhsuk-frontend-10.4.2.min.css" not in page


def test_the_public_site_and_sign_in_page_send_the_policy_too(client, db):
    for url in ("/accounts/login/", "/frameworks/"):
        policy = _directives(client.get(url))
        assert policy["script-src"][0] == "'self'", url


@pytest.mark.parametrize("url", ["/admin/", "/admin/snippets/competencies/framework/"])
def test_the_admin_may_run_inline_scripts_but_nothing_from_elsewhere(client, db, url):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True))
    response = client.get(url)
    assert response.status_code == 200
    policy = _directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["default-src"] == ["'self'"]
    assert "gravatar.com" not in response.content.decode()  # no email hashes sent elsewhere


def test_print_links_need_no_inline_script(client, db):
    from tests.factories import PostFactory

    client.force_login(UserFactory(roles=[Role.CLINICIAN]))
    page = client.get(f"/portal/posts/{PostFactory().pk}/").content.decode()
    assert "javascript:" not in page
    assert "data-print" in page
