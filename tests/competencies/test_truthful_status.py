"""Status and advice that tell the truth: what each reader sees on the page.

Each test reads the rendered page, as the person (or their manager) would, and fails on the
words the pages used to show: a due date years in the past beside "Nothing to do", advice to
agree a PDP objective that was already agreed, KSF levels counted as "sign-offs", an overdue
review shown as merely "due", and text written to the team member shown to their manager.
"""

import datetime
import html

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils.formats import date_format

from ksf import dates
from ksf.grants import sync_structure_permissions
from ksf.models import PDPObjective, ReviewDimension
from tests.competencies.portfolio_fixtures import person_in_post, signed_review, verified
from tests.conftest import login


def short(day: datetime.date) -> str:
    return date_format(day, "j M Y")


def long(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def page_of(client, user, url: str) -> str:
    login(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def development_page(client, s, user=None) -> str:
    return page_of(
        client,
        user or s.person.user,
        reverse("development:person", args=[s.person.staff_number]),
    )


def row_of(page: str, text: str) -> str:
    """The table row that contains ``text`` (KSF codes as "<strong>C1</strong>": a bare "C1"
    can occur in the page's random CSP nonce)."""
    at = page.index(text)
    return page[page.rindex("<tr", 0, at) : page.index("</tr>", at)]


# 1. A due date only where something is still due ------------------------------------------


@pytest.mark.django_db
def test_a_verified_competency_of_a_long_serving_clinician_shows_no_past_due_date(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=84, months_allowed=6)
    verified(s, on=today - relativedelta(months=2), expires=today + relativedelta(months=22))
    signed_review(s, levels=2, signed=today - relativedelta(months=2))
    page = development_page(client, s)
    old_due = s.started + relativedelta(months=6)
    competency = row_of(page, "Knee injection")
    assert "Nothing to do." in competency
    assert "Nothing due" in competency
    assert short(old_due) not in page  # the date it was first due, 6+ years ago
    ksf = row_of(page, "<strong>C1</strong>")
    assert "Nothing due" in ksf  # met, next review more than 90 days away


@pytest.mark.django_db
def test_what_is_still_due_says_due_by_or_overdue_since(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=9, months_allowed=6)
    page = development_page(client, s)
    due = s.started + relativedelta(months=6)
    assert f"Overdue since {short(due)}" in row_of(page, "Knee injection")
    foundation = s.started + relativedelta(months=12)  # the KSF foundation year is not over
    assert f"Due by {short(foundation)}" in row_of(page, "<strong>C1</strong>")


@pytest.mark.django_db
def test_a_ksf_level_whose_review_is_near_says_review_due_by(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=30)
    signed_review(s, levels=2, signed=today - relativedelta(months=11))
    page = development_page(client, s)
    review = today - relativedelta(months=11) + relativedelta(months=12)
    assert f"Review due by {short(review)}" in row_of(page, "<strong>C1</strong>")


# 2. Advice follows the record: an agreed PDP objective is the next step --------------------


@pytest.mark.django_db
def test_home_page_shows_the_agreed_pdp_objective_not_advice_to_agree_one(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=30)
    review = signed_review(s, levels=2, signed=today - relativedelta(months=2))
    ReviewDimension.objects.filter(review=review, dimension__code="C2").update(reviewer_level=1)
    target = today + relativedelta(months=4)
    dimension = ReviewDimension.objects.get(review=review, dimension__code="C2").dimension
    PDPObjective.objects.create(
        review=review,
        objective="Lead two team in-service sessions",
        gap="C2",
        dimension=dimension,
        actions="Plan and deliver the sessions.",
        target_date=target,
        status=PDPObjective.Status.IN_PROGRESS,
    )
    home = page_of(client, s.person.user, "/")
    assert "Agree a PDP objective" not in home
    assert (
        "Work on your PDP objective “Lead two team in-service sessions” by "
        f"{long(target)} (in progress)."
    ) in home
    manager_view = development_page(client, s, s.manager.user)
    assert (
        "Pat is working on their PDP objective “Lead two team in-service sessions” by "
        f"{long(target)} (in progress)."
    ) in row_of(manager_view, "<strong>C2</strong>")


@pytest.mark.django_db
def test_without_an_objective_the_advice_is_still_to_agree_one(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=30)
    review = signed_review(s, levels=2, signed=today - relativedelta(months=2))
    ReviewDimension.objects.filter(review=review, dimension__code="C2").update(reviewer_level=1)
    home = page_of(client, s.person.user, "/")
    assert "Agree a PDP objective to reach level 2." in home


# 3. Each kind of expiry labelled for what it is; an overdue review says so ---------------


@pytest.mark.django_db
def test_team_summary_tells_ksf_levels_from_competency_sign_offs(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=30)
    signed_review(s, levels=2, signed=today - relativedelta(months=11))  # 6 levels due soon
    verified(s, on=today - relativedelta(months=23), expires=today + relativedelta(days=30))
    team = s.person.assignments.get().team
    team.lead = s.manager
    team.save()
    sync_structure_permissions()
    page = page_of(client, s.manager.user, reverse("team_development", args=[team.pk]))
    levels = len(s.requirement.post.outline.all())
    assert "1 competency sign-off expiring within 90 days" in page
    assert f"{levels} KSF levels due for review within 90 days" in page
    assert f"{levels + 1} sign-offs expiring" not in page


@pytest.mark.django_db
def test_home_page_says_an_overdue_review_is_overdue(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=40)
    signed = today - relativedelta(months=20)
    signed_review(s, levels=2, signed=signed)
    home = page_of(client, s.person.user, "/")
    due = signed + relativedelta(months=12)
    assert f"Next development review due {long(due)}" not in home
    assert f"Your development review has been overdue since {long(due)}" in home


@pytest.mark.django_db
def test_home_page_says_a_future_review_is_due_by(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=40)
    signed = today - relativedelta(months=2)
    signed_review(s, levels=2, signed=signed)
    home = page_of(client, s.person.user, "/")
    assert f"Next development review due by {long(signed + relativedelta(months=12))}." in home


# 4. Words follow who is reading -----------------------------------------------------------


@pytest.mark.django_db
def test_a_manager_reads_about_the_person_by_first_name(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=8, months_allowed=6)
    page = development_page(client, s, s.manager.user)
    assert "Your next steps" not in page
    assert "Pat's records" in page
    assert "Pat prepares evidence for their development review." in row_of(
        page, "<strong>C1</strong>"
    )
    assert "Pat self-assesses and asks for sign-off." in row_of(page, "Knee injection")
    assert "your development review" not in page
    assert "your line manager" not in page


@pytest.mark.django_db
def test_the_person_reads_you(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=30)
    page = development_page(client, s)
    assert "Your next steps" in page
    assert "Overdue: agree a development review with your line manager." in row_of(
        page, "<strong>C1</strong>"
    )
    manager_view = development_page(client, s, s.manager.user)
    assert "Overdue: Pat needs a development review agreed with their line manager." in row_of(
        manager_view, "<strong>C1</strong>"
    )


# 5. The gateway model explained where the term first appears ------------------------------


@pytest.mark.django_db
def test_my_development_explains_the_gateways_before_the_first_gateway_level(client):
    today = dates.today()
    s = person_in_post(today, months_in_post=8)
    page = development_page(client, s)
    explained = page.index("What the foundation and second gateways mean")
    assert "The foundation gateway level is what is expected within the first 12 months" in page
    assert explained < page.index("(foundation gateway)")
    assert 'class="nhsuk-details"' in page


@pytest.mark.django_db
def test_the_team_workbook_uses_the_words_a_manager_reads_on_the_page(client):
    import io

    import openpyxl

    today = dates.today()
    s = person_in_post(today, months_in_post=8, months_allowed=6)
    team = s.person.assignments.get().team
    team.lead = s.manager
    team.save()
    sync_structure_permissions()
    login(client, s.manager.user)
    response = client.get(reverse("exports:team_plans_xlsx", args=[team.pk]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Requirements"]
    values = list(sheet.iter_rows(values_only=True))
    steps = {row[values[0].index("Code")]: row[-1] for row in values[1:]}
    assert steps["C2"] == "Pat prepares evidence for their development review."
    page = development_page(client, s, s.manager.user)
    assert steps["C2"] in row_of(page, "<strong>C2</strong>")
