"""Development review pages: what the person, the reviewer, readers and strangers get."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from competencies.models import CPDEntry
from ksf import dates
from ksf.models import DevelopmentReview, KSFDimension, Notification, PDPObjective
from ksf.reviews import services
from tests.ksf.review_helpers import fresh, ready, sign_both, start

TODAY = dates.today


def page(client, user, url, status=200, **kwargs) -> str:
    client.force_login(user)
    response = client.get(url, **kwargs)
    assert response.status_code == status, url
    return response.content.decode()


def url(name, review, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"pk": review.pk, **kwargs})


def assessment_post(review, *, level="", text="", summary="", version=None) -> dict:
    data = {"version": version or review.version, "summary": summary}
    for row in review.dimensions.all():
        data[f"level_{row.pk}"] = level
        data[f"text_{row.pk}"] = text
    return data


def test_manager_starts_a_review_from_the_page_and_the_person_is_told(client, world):
    start_url = reverse("reviews:start", kwargs={"staff_number": world.clinician.staff_number})
    form = page(client, world.manager.user, start_url)
    assert "You will be the reviewer" in form and world.post.title in form
    response = client.post(
        start_url,
        {
            "post": world.post.pk,
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "meeting_date": "",
        },
    )
    review = DevelopmentReview.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", review)
    assert review.reviewer == world.manager and review.dimensions.count() == 6
    assert Notification.objects.filter(recipient=world.clinician.user).exists()
    # The list now shows it, and a second start is not offered.
    listing = page(
        client,
        world.manager.user,
        reverse("reviews:list", kwargs={"staff_number": world.clinician.staff_number}),
    )
    assert "1 Jan 2025 to 31 Dec 2025" in listing and "In preparation" in listing
    assert start_url not in listing
    assert "already has a review in progress" in page(client, world.manager.user, start_url)


def test_start_page_rejects_a_backwards_period_and_writes_nothing(client, world):
    client.force_login(world.manager.user)
    response = client.post(
        reverse("reviews:start", kwargs={"staff_number": world.clinician.staff_number}),
        {"post": world.post.pk, "period_start": "2025-12-31", "period_end": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "The end of the review period is before its start." in response.content.decode()
    assert not DevelopmentReview.objects.exists()


def test_person_prepares_with_level_meanings_and_cpd_from_the_period(client, world):
    review = start(world)
    communication = KSFDimension.objects.get(code="C1")
    inside = CPDEntry.objects.create(
        staff=world.clinician,
        date=TODAY() - datetime.timedelta(days=30),
        title="Breaking bad news course",
        activity_type="formal",
        hours=Decimal("3.5"),
        description="A day course",
    )
    inside.dimensions.add(communication)
    outside = CPDEntry.objects.create(
        staff=world.clinician,
        date=TODAY() - datetime.timedelta(days=800),
        title="Old conference",
        activity_type="formal",
        hours=Decimal("6"),
        description="Long ago",
    )
    outside.dimensions.add(communication)
    prepare = url("prepare", review)
    html = page(client, world.clinician.user, prepare)
    assert "Breaking bad news course" in html and "3.5 hours" in html
    assert "Old conference" not in html
    level_two = communication.levels.get(level=2)
    assert level_two.title in html
    assert level_two.indicators.first().text[:40] in html

    data = assessment_post(review, level="2", text="Led three family meetings")
    data["summary"] = "<script>alert('x')</script> A busy year"
    response = client.post(prepare, data)
    assert response.status_code == 302
    row = review.dimensions.first()
    row.refresh_from_db()
    assert (row.self_level, row.self_evidence) == (2, "Led three family meetings")
    detail = page(client, world.manager.user, url("detail", review))
    assert "&lt;script&gt;alert" in detail and "<script>alert('x')" not in detail
    # The reviewer sees the person's own assessment beside each dimension.
    assess = page(client, world.manager.user, url("assess", review))
    assert "Led three family meetings" in assess


def test_an_edit_made_meanwhile_refuses_the_save_and_keeps_the_users_input(client, world):
    review = start(world)
    opened = fresh(review).version
    row = review.dimensions.first()
    services.save_reviewer_assessment(
        review,
        world.manager.user,
        version=opened,
        summary="Mona was here first",
        dimensions={row.pk: (2, "")},
    )
    client.force_login(world.clinician.user)
    data = assessment_post(
        review, level="3", text="My carefully written evidence", summary="My year", version=opened
    )
    response = client.post(url("prepare", review), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mona Manager saved changes to this review after you opened it." in html
    assert "have not been saved" in html
    assert "My carefully written evidence" in html and "My year" in html
    row.refresh_from_db()
    assert row.self_evidence == "" and fresh(review).self_summary == ""
    # The form now carries the latest version: saving again works.
    assert f'name="version" value="{opened + 1}"' in html
    data["version"] = opened + 1
    assert client.post(url("prepare", review), data).status_code == 302
    row.refresh_from_db()
    assert row.self_evidence == "My carefully written evidence"


def test_gateway_defer_without_its_parts_is_refused_with_each_message(client, world):
    review = start(world)
    client.force_login(world.manager.user)
    response = client.post(
        url("gateway", review),
        {"version": review.version, "gateway": "foundation", "gateway_outcome": "defer"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Give the reasons for deferring the gateway.",
        "Say which outline elements are not yet met.",
        "Give the action plan agreed to meet them.",
        "Give a date to review the decision again.",
    ):
        assert message in html
    assert fresh(review).gateway == ""


def test_objective_page_offers_gaps_and_refuses_a_past_target_date(client, world):
    review = start(world)
    row = review.dimensions.select_related("dimension").first()
    services.save_reviewer_assessment(
        review, world.manager.user, version=1, summary="", dimensions={row.pk: (1, "")}
    )
    review = fresh(review)
    add = url("objective_add", review)
    html = page(client, world.clinician.user, add)
    assert f"{row.dimension.code} {row.dimension.title}: assessed at level 1" in html
    data = {
        "version": review.version,
        "objective": "Lead a team huddle",
        "gap": row.dimension.code,
        "dimension": row.dimension_id,
        "actions": "Practise with my supervisor",
        "target_date": (TODAY() - datetime.timedelta(days=2)).isoformat(),
        "status": "not_started",
    }
    response = client.post(add, data)
    assert response.status_code == 200
    assert "The target date is in the past" in response.content.decode()
    assert not PDPObjective.objects.exists()
    data["target_date"] = (TODAY() + datetime.timedelta(days=60)).isoformat()
    assert client.post(add, data).status_code == 302
    assert PDPObjective.objects.get().dimension_id == row.dimension_id


def test_signing_from_the_pages_and_the_lock_that_follows(client, world):
    review = ready(world)
    sign_page = page(client, world.clinician.user, url("sign", review))
    assert "You are signing as the person reviewed" in sign_page
    response = client.post(url("sign", review), {"version": review.version})
    assert response.status_code == 302
    assert Notification.objects.filter(
        recipient=world.manager.user, subject__contains="waiting for your signature"
    ).exists()
    client.force_login(world.manager.user)
    client.post(url("sign", review), {"version": review.version})
    review = fresh(review)
    assert review.is_signed
    detail = page(client, world.manager.user, url("detail", review))
    assert "Signed" in detail and "cannot be changed" in detail
    assert url("assess", review) not in detail

    # Every edit page now turns the user back with the lock message.
    response = client.post(url("assess", review), assessment_post(review, level="4"), follow=True)
    assert "cannot be changed. Add a note instead." in response.content.decode()
    assert not review.dimensions.filter(reviewer_level=4).exists()
    objective = review.objectives.get()
    response = client.post(
        url("objective_delete", review, objective_id=objective.pk), {"version": review.version}
    )
    assert response.status_code == 302 and review.objectives.exists()

    # Notes and status updates are accepted.
    client.post(url("notes", review), {"text": "Booked the course <b>today</b>"})
    client.post(
        url("objective_edit", review, objective_id=objective.pk),
        {"version": review.version, "status": "achieved"},
    )
    detail = page(client, world.clinician.user, url("detail", review))
    assert "Booked the course &lt;b&gt;today&lt;/b&gt;" in detail
    assert (
        "Status of &#x27;Lead a case review&#x27; changed from Not started to Achieved." in detail
    )


def test_sign_page_lists_what_is_missing(client, world):
    review = start(world)
    html = page(client, world.clinician.user, url("sign", review))
    assert "You cannot sign yet" in html
    assert "has not given a level for 6 dimensions" in html
    assert "Agree at least one PDP objective." in html
    client.post(url("sign", review), {"version": review.version})
    assert fresh(review).staff_signed_at is None


def test_a_change_after_one_signature_clears_it_and_says_so(client, world):
    review = ready(world)
    services.sign(review, world.manager.user, version=review.version)
    client.force_login(world.clinician.user)
    response = client.post(
        url("prepare", review),
        assessment_post(review, level="2", summary="Added after Mona signed"),
        follow=True,
    )
    assert "the signature of Mona Manager was cleared" in response.content.decode()
    assert fresh(review).reviewer_signed_at is None


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("detail", {"clinician", "manager", "administrator"}),
        ("prepare", {"clinician"}),
        ("assess", {"manager"}),
        ("gateway", {"manager"}),
        ("objective_add", {"clinician", "manager"}),
        ("sign", {"clinician", "manager"}),
    ],
)
def test_who_gets_each_review_page(client, world, name, allowed):
    review = start(world)
    for role in ("clinician", "manager", "administrator", "supervisor", "service_lead"):
        expected = 200 if role in allowed else 404
        client.force_login(world.user(role))
        assert client.get(url(name, review)).status_code == expected, role
    client.force_login(world.stranger.user)
    assert client.get(url(name, review)).status_code == 404


def test_administrator_reads_but_cannot_change_or_sign(client, world):
    review = ready(world)
    admin = world.user("administrator")
    html = page(client, admin, url("detail", review))
    assert url("sign", review) not in html and url("objective_add", review) not in html
    client.force_login(admin)
    assert client.post(url("sign", review), {"version": review.version}).status_code == 404
    assert fresh(review).staff_signed_at is None and fresh(review).reviewer_signed_at is None


def test_past_reviews_stay_readable_in_the_list(client, world):
    review = sign_both(world, ready(world))
    listing = page(
        client,
        world.clinician.user,
        reverse("reviews:list", kwargs={"staff_number": world.clinician.staff_number}),
    )
    assert url("detail", review) in listing and "Signed" in listing
    client.force_login(world.stranger.user)
    response = client.get(
        reverse("reviews:list", kwargs={"staff_number": world.clinician.staff_number})
    )
    assert response.status_code == 404
