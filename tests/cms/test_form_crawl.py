"""Every page a demo login can reach, and every form on it, survives empty and hostile input.

The crawl starts at the home page and follows links, so a page added later is covered as
soon as anything links to it; tests/crawl.py says what is sent and what counts as a fault.
Each role is its own test, so what one role's forms saved is rolled back before the next.
"""

import io

import pytest
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import User
from django.core.management import call_command
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import path, reverse
from django.utils.html import escape

from ksf.demo import DEMO_LOGINS
from ksf.models import StaffMember
from tests.crawl import SCRIPT, crawl


def _one_login_per_role() -> list[str]:
    """Someone signed out, then the first demo login of each role (the demo has two
    educators, so that a framework can be approved by someone other than its author)."""
    logins: dict[object, str] = {}
    for role, username, *_names in DEMO_LOGINS:
        logins.setdefault(role, username)
    return ["anonymous", *logins.values()]


ROLES = _one_login_per_role()


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("username", ROLES)
def test_every_page_and_form_survives_empty_and_hostile_input(demo, username, capsys):
    user = None if username == "anonymous" else User.objects.get(username=username)

    report = crawl(user, start=["/", settings.LOGIN_REDIRECT_URL, "/frameworks/"])

    with capsys.disabled():
        print(f"\n{username}: {report.summary()}")
    assert len(report.pages) >= 10, report.pages  # the crawl got somewhere
    if report.failures:
        pytest.fail(
            f"{len(report.failures)} problems as {username}:\n"
            + "\n".join(f"- {failure}" for failure in report.failures),
            pytrace=False,
        )


# --- What the crawl found, each on its own -------------------------------------------------

NUL = "\x00"


def test_a_post_search_with_a_control_character_says_so_and_lists_every_post(demo):
    client = Client()
    client.force_login(User.objects.get(username="clinician"))

    page = client.get(reverse("ksf:post_list"), {"q": f"physio{NUL}"})

    assert page.status_code == 200
    assert "the words had a control character in them" in page.text
    assert page.context["page_obj"].paginator.count == 31  # the search was not used
    found = client.get(reverse("ksf:post_list"), {"q": "Physiotherapist"})
    assert 0 < found.context["page_obj"].paginator.count < 31


@pytest.mark.parametrize(
    "name", ["ksf:person_detail", "cpd:list", "development:person", "exports:plan_xlsx"]
)
def test_a_staff_number_with_a_nul_is_page_not_found(demo, name):
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    clinician = StaffMember.objects.get(user__username="clinician")
    address = reverse(name, kwargs={"staff_number": clinician.staff_number})

    assert client.get(address).status_code == 200
    assert client.get(address.replace(clinician.staff_number, "104%00")).status_code == 404


def test_a_framework_address_with_a_nul_is_page_not_found(demo):
    from competencies.models import Framework

    version = Framework.objects.get(idnumber="RPS-PRESCRIBING", live=True).version
    client = Client()
    assert client.get("/frameworks/RPS-PRESCRIBING/RPS-1/").status_code == 200
    assert (
        client.get(f"/frameworks/RPS-PRESCRIBING/?version={version}", follow=True).status_code
        == 200
    )

    assert client.get("/frameworks/RPS_00/").status_code == 404  # _00 is how a NUL is written
    assert client.get("/frameworks/RPS-PRESCRIBING/RPS_001/").status_code == 404
    assert client.get(f"/frameworks/RPS-PRESCRIBING/?version={version}%00").status_code == 404


# --- The crawl itself: it sees what it is for ---------------------------------------------


def _page(request, body: str) -> HttpResponse:
    token = f'<input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
    return HttpResponse(f"<html><body>{body.replace('{{ csrf }}', token)}</body></html>")


def _home(request):
    return _page(
        request,
        '<a href="/portal/boom/">boom</a> <a href="/portal/echo/">echo</a> '
        '<a href="/portal/sum/">sum</a> <a href="/portal/plans.xlsx">plans</a> '
        '<a href="/portal/down/">down</a> <a href="/portal/escaped/">escaped</a> '
        '<a href="/accounts/logout/">sign out</a> <a href="https://example.org/">away</a>'
        '<form method="post" action="/accounts/logout/">{{ csrf }}</form>',
    )


def _boom(request):
    raise RuntimeError("boom")


def _echo(request):  # a search that writes back what it was given, unescaped
    return _page(request, f'<form method="get"><input name="q"></form>{request.GET.get("q", "")}')


def _escaped(request):  # the same, done right: nothing to report
    query = escape(request.GET.get("q", ""))
    return _page(request, f'<form method="get"><input name="q"></form>{query}')


def _sum(request):  # trusts its number; and a second form that forgot its CSRF token
    if request.method == "POST":
        int(request.POST["n"])
    return _page(
        request,
        '<form method="post">{{ csrf }}<input type="number" name="n" required></form>'
        '<form method="post" action="/portal/sum/"><input name="note"></form>',
    )


def _plans(request):
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "=1+1"
    content = io.BytesIO()
    book.save(content)
    return HttpResponse(
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _logout(request):
    logout(request)
    return HttpResponse("signed out")


urlpatterns = [
    path("", _home),
    path("portal/boom/", _boom),
    path("portal/echo/", _echo),
    path("portal/escaped/", _escaped),
    path("portal/sum/", _sum),
    path("portal/plans.xlsx", _plans),
    path("portal/down/", lambda request: HttpResponse("down", status=503)),
    path("accounts/logout/", _logout, name="logout"),
]


@pytest.mark.urls(__name__)
def test_the_crawl_reports_errors_unescaped_markup_formulas_and_missing_tokens(db):
    user = User.objects.create_user("crawled")

    report = crawl(user, start=["/"])

    found = {
        (failure.url.split("?")[0], failure.problem.split(":")[0]) for failure in report.failures
    }
    assert ("/portal/boom/", "RuntimeError") in found
    assert ("/portal/sum/", "ValueError") in found  # the empty and hostile numbers
    assert ("/portal/sum/", "a form without a CSRF token") in found
    assert ("/portal/sum/", "refused by the CSRF check") in found
    assert ("/portal/plans.xlsx", "a formula in sheet 'Sheet'") in found
    assert ("/portal/down/", "answered 503") in found
    unescaped = {
        f.problem.split(" in ")[0] for f in report.failures if f.url.startswith("/portal/echo/")
    }
    assert unescaped == {f"unescaped {SCRIPT!r}", "unescaped '<img src=x onerror'"}
    assert not [f for f in report.failures if f.url.startswith("/portal/escaped/")]
    # Never signed out, never left the site.
    assert "/accounts/logout/" not in report.pages and report.relogins == 0
    assert all(page.startswith("/") for page in report.pages)
