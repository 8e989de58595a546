"""Development review services and selectors: locking, signatures, versions, gateways, dates."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from ksf import dates
from ksf.grants import sync_structure_permissions
from ksf.models import (
    DevelopmentReview,
    KSFDimension,
    Notification,
    OutlineEntry,
    PDPObjective,
    ReviewAddendum,
    StaffMember,
)
from ksf.reviews import selectors, services
from tests.factories import AssignmentFactory, PostFactory, StaffMemberFactory, UserFactory
from tests.ksf.review_helpers import add_objective, assess_all, fresh, ready, sign_both, start

TODAY = dates.today


def at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


# --- Starting --------------------------------------------------------------------------------


def test_manager_starts_a_review_seeded_from_the_outline_and_the_person_is_told(world):
    review = start(world, meeting_date=TODAY() + datetime.timedelta(days=7))
    assert review.reviewer == world.manager
    assert review.period_end == TODAY()
    assert review.period_start == selectors.add_months(TODAY(), -12) + datetime.timedelta(days=1)
    outline = dict(world.post.outline.values_list("dimension_id", "foundation_level"))
    assert dict(review.dimensions.values_list("dimension_id", "required_level")) == outline
    note = Notification.objects.get(recipient=world.clinician.user)
    assert "started your development review" in note.body
    assert note.url == f"/portal/reviews/{review.pk}/"


def test_only_the_line_manager_may_start_and_only_one_open_review_at_a_time(world):
    with pytest.raises(PermissionDenied):
        services.start_review(person=world.clinician, manager=world.stranger.user, post=world.post)
    with pytest.raises(PermissionDenied):  # nobody starts their own review
        services.start_review(person=world.clinician, manager=world.clinician.user, post=world.post)
    start(world)
    with pytest.raises(ValidationError, match="already has a review in progress"):
        start(world)
    assert DevelopmentReview.objects.count() == 1


def test_start_refuses_a_post_the_person_does_not_hold_and_a_backwards_period(world):
    other_post = PostFactory(service=world.post.service)
    with pytest.raises(ValidationError) as refused:
        services.start_review(
            person=world.clinician,
            manager=world.manager.user,
            post=other_post,
            period_start=TODAY(),
            period_end=TODAY() - datetime.timedelta(days=1),
        )
    assert "current posts" in str(refused.value.message_dict["post"])
    assert "before its start" in str(refused.value.message_dict["period_end"])
    assert not DevelopmentReview.objects.exists()


def test_required_level_is_the_second_level_after_a_foundation_pass(world):
    post = PostFactory(service=world.post.service, title="Band 6 physio", band="6")
    dimension = KSFDimension.objects.get(code="C1")
    OutlineEntry.objects.create(post=post, dimension=dimension, foundation_level=2, second_level=3)
    AssignmentFactory(staff=world.clinician, team=world.team, post=post, line_manager=world.manager)

    first = services.start_review(person=world.clinician, manager=world.manager.user, post=post)
    assert first.dimensions.get().required_level == 2
    assert not selectors.foundation_passed(world.clinician, post)
    assess_all(first, world.manager.user, level=2)
    add_objective(first, world.manager.user)
    first = fresh(first)
    services.record_gateway(
        first,
        world.manager.user,
        version=first.version,
        gateway="foundation",
        outcome="pass",
        reasons="Meets every foundation level.",
    )
    # Passed but not yet signed: not counted.
    assert not selectors.foundation_passed(world.clinician, post)
    sign_both(world, first)
    assert selectors.foundation_passed(world.clinician, post)
    assert selectors.gateway_due(world.clinician, post) == "second"

    second = services.start_review(person=world.clinician, manager=world.manager.user, post=post)
    assert second.dimensions.get().required_level == 3


# --- Versions: two people editing at once -------------------------------------------------------


def test_a_stale_version_is_refused_naming_who_saved_and_nothing_is_written(world):
    review = start(world)
    opened_version = review.version
    row = review.dimensions.first()
    services.save_reviewer_assessment(
        review,
        world.manager.user,
        version=opened_version,
        summary="Mona's summary",
        dimensions={row.pk: (3, "Mona's comment")},
    )
    with pytest.raises(services.ReviewChanged) as refused:
        services.save_self_assessment(
            review,
            world.clinician.user,
            version=opened_version,
            summary="Cara's summary",
            dimensions={row.pk: (2, "Cara's evidence")},
        )
    assert refused.value.message.startswith(
        "Mona Manager saved changes to this review after you opened it."
    )
    assert "have not been saved" in refused.value.message
    review = fresh(review)
    row.refresh_from_db()
    assert review.self_summary == "" and row.self_level is None and row.self_evidence == ""
    assert review.version == opened_version + 1
    # With the version now shown, the same save goes through.
    services.save_self_assessment(
        review,
        world.clinician.user,
        version=review.version,
        summary="Cara's summary",
        dimensions={row.pk: (2, "Cara's evidence")},
    )
    row.refresh_from_db()
    assert (row.self_level, row.reviewer_level) == (2, 3)


def test_each_write_is_in_the_reviews_history_with_who_and_what(world):
    review = start(world)
    row = review.dimensions.select_related("dimension").first()
    services.save_self_assessment(
        review,
        world.clinician.user,
        version=review.version,
        summary="",
        dimensions={row.pk: (2, "")},
    )
    entries = ModelLogEntry.objects.for_instance(review).order_by("timestamp", "pk")
    assert [e.action for e in entries] == ["wagtail.create", "ksf.change"]
    change = entries.last()
    assert change.user == world.clinician.user
    assert change.data["changes"] == {f"{row.dimension.code} your assessment": ["—", "Level 2"]}


def test_each_party_may_only_write_their_own_part(world):
    review = start(world)
    row = review.dimensions.first()
    with pytest.raises(PermissionDenied):
        services.save_reviewer_assessment(
            review, world.clinician.user, version=1, summary="", dimensions={row.pk: (4, "")}
        )
    with pytest.raises(PermissionDenied):
        services.save_self_assessment(
            review, world.manager.user, version=1, summary="", dimensions={row.pk: (4, "")}
        )
    with pytest.raises(PermissionDenied):
        services.record_gateway(review, world.clinician.user, version=1, gateway="")
    admin = world.user("administrator")
    with pytest.raises(PermissionDenied):
        services.sign(review, admin, version=1)
    row.refresh_from_db()
    assert row.reviewer_level is None and row.self_level is None


def test_an_out_of_range_level_is_refused_with_the_dimension_named(world):
    review = start(world)
    row = review.dimensions.select_related("dimension").first()
    with pytest.raises(ValidationError, match=f"1 to 4 for {row.dimension.code}"):
        services.save_self_assessment(
            review,
            world.clinician.user,
            version=review.version,
            summary="",
            dimensions={row.pk: (7, "")},
        )
    assert fresh(review).version == 1


# --- Signing ---------------------------------------------------------------------------------


def test_signing_needs_reviewer_levels_an_objective_and_a_complete_gateway(world):
    review = start(world)
    with pytest.raises(ValidationError) as refused:
        services.sign(review, world.clinician.user, version=review.version)
    messages = refused.value.messages
    assert any("has not given a level for 6 dimensions" in m for m in messages)
    assert any("at least one PDP objective" in m for m in messages)

    assess_all(review, world.manager.user)
    add_objective(review, world.clinician.user)
    review = fresh(review)
    services.record_gateway(
        review, world.manager.user, version=review.version, gateway="foundation", outcome=""
    )
    review = fresh(review)
    with pytest.raises(ValidationError, match="Complete the foundation gateway decision"):
        services.sign(review, world.manager.user, version=review.version)
    assert fresh(review).reviewer_signed_at is None

    services.record_gateway(
        review,
        world.manager.user,
        version=review.version,
        gateway="foundation",
        outcome="pass",
        reasons="All levels met.",
    )
    review = fresh(review)
    services.sign(review, world.manager.user, version=review.version)
    assert fresh(review).reviewer_signed_at is not None
    assert fresh(review).status_label == "Awaiting signature"
    note = Notification.objects.filter(recipient=world.clinician.user).first()
    assert note.subject == "A development review is waiting for your signature"


def test_signing_what_moved_since_the_page_was_opened_is_refused(world):
    review = ready(world)
    opened = review.version
    add_objective(review, world.manager.user, text="Second objective")
    with pytest.raises(services.ReviewChanged, match="You have not signed"):
        services.sign(review, world.clinician.user, version=opened)
    assert fresh(review).staff_signed_at is None


def test_a_change_clears_signatures_already_given_and_says_so(world):
    review = ready(world)
    services.sign(review, world.clinician.user, version=review.version)
    review = fresh(review)
    assert review.staff_signed_at is not None
    row = review.dimensions.first()
    saved = services.save_reviewer_assessment(
        review,
        world.manager.user,
        version=review.version,
        summary="Changed my mind",
        dimensions={row.pk: (3, "Better than I said")},
    )
    assert saved.cleared == ("Cara Clinician",)
    assert "signature of Cara Clinician was cleared" in saved.message
    review = fresh(review)
    assert review.staff_signed_at is None and review.status_label == "In preparation"
    assert Notification.objects.filter(
        recipient=world.clinician.user, subject__contains="signature"
    ).exists()


def test_saving_without_changes_writes_nothing_and_keeps_signatures(world):
    review = ready(world)
    services.sign(review, world.clinician.user, version=review.version)
    review = fresh(review)
    rows = {row.pk: (row.reviewer_level, row.reviewer_comment) for row in review.dimensions.all()}
    saved = services.save_reviewer_assessment(
        review,
        world.manager.user,
        version=review.version,
        summary=review.reviewer_summary,
        dimensions=rows,
    )
    assert not saved.changed
    after = fresh(review)
    assert after.staff_signed_at is not None and after.version == review.version


# --- Locked once both have signed ----------------------------------------------------------------


def test_every_write_is_refused_after_both_sign_but_notes_and_status_are_accepted(world):
    review = sign_both(world, ready(world), now=at(datetime.date(2025, 3, 3)))
    assert review.is_signed and review.status_label == "Signed"
    manager, clinician = world.manager.user, world.clinician.user
    row = review.dimensions.first()
    objective = review.objectives.get()
    version = review.version
    expected = "This review was signed on 3 March 2025 and cannot be changed. Add a note instead."
    attempts = [
        lambda: services.save_self_assessment(
            review, clinician, version=version, summary="x", dimensions={row.pk: (1, "x")}
        ),
        lambda: services.save_reviewer_assessment(
            review, manager, version=version, summary="x", dimensions={row.pk: (1, "x")}
        ),
        lambda: services.record_gateway(
            review, manager, version=version, gateway="foundation", outcome="pass", reasons="x"
        ),
        lambda: add_objective(review, clinician, text="Late objective"),
        lambda: services.save_objective(
            review,
            manager,
            version=version,
            objective=objective,
            data=objective_data(objective="Rewritten"),
        ),
        lambda: services.delete_objective(review, clinician, version=version, objective=objective),
        lambda: services.sign(review, clinician, version=version),
    ]
    for attempt in attempts:
        with pytest.raises(services.ReviewLocked) as refused:
            attempt()
        assert refused.value.message == expected
    objective.refresh_from_db()
    assert objective.objective == "Lead a case review"
    assert review.objectives.count() == 1

    note = services.add_addendum(review, clinician, text="Started the shadowing <b>early</b>.")
    assert note.author == clinician

    saved = services.update_objective_status(
        review, manager, version=version, objective=objective, status="in_progress"
    )
    assert saved.changed
    objective.refresh_from_db()
    assert objective.status == "in_progress"
    texts = list(review.addenda.values_list("text", flat=True))
    assert texts[-1] == ("Status of 'Lead a case review' changed from Not started to In progress.")
    assert fresh(review).is_signed  # a status update leaves the signatures standing


def test_notes_wait_for_both_signatures_and_must_say_something(world):
    review = ready(world)
    with pytest.raises(ValidationError, match="once both of you have signed"):
        services.add_addendum(review, world.clinician.user, text="Too early")
    review = sign_both(world, review)
    with pytest.raises(ValidationError) as refused:
        services.add_addendum(review, world.manager.user, text="   ")
    assert refused.value.message_dict["text"] == ["Write the note."]
    with pytest.raises(PermissionDenied):
        services.add_addendum(review, world.user("administrator"), text="Admin note")
    assert not ReviewAddendum.objects.exists()


# --- Gateway ---------------------------------------------------------------------------------------


def test_deferring_a_gateway_needs_reasons_unmet_elements_a_plan_and_a_date(world):
    review = start(world)
    with pytest.raises(ValidationError) as refused:
        services.record_gateway(
            review,
            world.manager.user,
            version=review.version,
            gateway="foundation",
            outcome="defer",
        )
    errors = refused.value.message_dict
    assert errors == {
        "gateway_reasons": ["Give the reasons for deferring the gateway."],
        "gateway_unmet": ["Say which outline elements are not yet met."],
        "gateway_action_plan": ["Give the action plan agreed to meet them."],
        "gateway_review_date": ["Give a date to review the decision again."],
    }
    with pytest.raises(ValidationError) as refused:
        services.record_gateway(
            review,
            world.manager.user,
            version=review.version,
            gateway="foundation",
            outcome="defer",
            reasons="Not yet",
            unmet="C2 level 2",
            action_plan="Supervision monthly",
            review_date=TODAY() - datetime.timedelta(days=1),
        )
    assert list(refused.value.message_dict) == ["gateway_review_date"]
    assert fresh(review).gateway == ""

    services.record_gateway(
        review,
        world.manager.user,
        version=review.version,
        gateway="foundation",
        outcome="defer",
        reasons="Not yet",
        unmet="C2 level 2",
        action_plan="Supervision monthly",
        review_date=TODAY() + datetime.timedelta(days=90),
    )
    review = fresh(review)
    assert (review.gateway, review.gateway_outcome, review.gateway_unmet) == (
        "foundation",
        "defer",
        "C2 level 2",
    )


def test_passing_a_gateway_needs_reasons(world):
    review = start(world)
    with pytest.raises(ValidationError) as refused:
        services.record_gateway(
            review, world.manager.user, version=review.version, gateway="second", outcome="pass"
        )
    assert refused.value.message_dict == {
        "gateway_reasons": ["Give the reasons for passing the gateway."]
    }


# --- Objectives ------------------------------------------------------------------------------------


def objective_data(**overrides):
    data = {
        "objective": "Run an in-service session",
        "gap": "C2",
        "dimension": None,
        "actions": "Plan with the educator",
        "support": "",
        "target_date": TODAY() + datetime.timedelta(days=30),
        "status": "not_started",
    }
    return {**data, **overrides}


def test_objective_target_date_not_in_the_past_and_dimension_from_the_review(world):
    review = start(world)
    foreign = KSFDimension.objects.filter(kind="specific").first()
    with pytest.raises(ValidationError) as refused:
        services.save_objective(
            review,
            world.clinician.user,
            version=review.version,
            data=objective_data(
                target_date=TODAY() - datetime.timedelta(days=1), dimension=foreign, objective=""
            ),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"target_date", "dimension", "objective"}
    assert "in the past" in errors["target_date"][0]
    assert not PDPObjective.objects.exists()


def test_either_party_edits_and_removes_objectives_while_open(world):
    review = start(world)
    objective, saved = services.save_objective(
        review, world.clinician.user, version=review.version, data=objective_data()
    )
    assert saved.changed
    review = fresh(review)
    services.save_objective(
        review,
        world.manager.user,
        version=review.version,
        objective=objective,
        data=objective_data(objective="Run two in-service sessions", status="in_progress"),
    )
    objective.refresh_from_db()
    assert (objective.objective, objective.status) == ("Run two in-service sessions", "in_progress")
    review = fresh(review)
    services.delete_objective(
        review, world.clinician.user, version=review.version, objective=objective
    )
    assert not review.objectives.exists()


# --- Selectors -------------------------------------------------------------------------------------


def test_reviews_due_from_signing_or_start_in_post_overdue_and_without_a_post(world):
    today = TODAY()
    newcomer = world.clinician  # started a year ago (factory default), no review yet
    reviewed = StaffMemberFactory(first_name="Rhys", user=UserFactory())
    AssignmentFactory(staff=reviewed, team=world.team, post=world.post, line_manager=world.manager)
    sync_structure_permissions(staff_ids=[reviewed.pk])
    no_post = StaffMemberFactory(first_name="Nia")

    # Two signed reviews: the later signing counts, whichever was created first.
    for days_ago in (400, 800):
        signed_day = today - datetime.timedelta(days=days_ago)
        review = services.start_review(
            person=reviewed,
            manager=world.manager.user,
            post=world.post,
            period_start=signed_day - datetime.timedelta(days=365),
            period_end=signed_day,
        )
        assess_all(review, world.manager.user, level=2 if days_ago == 400 else 1)
        add_objective(review, world.manager.user)
        review = fresh(review)
        services.sign(review, reviewed.user, version=review.version, now=at(signed_day))
        services.sign(review, world.manager.user, version=review.version, now=at(signed_day))
    signed_day = today - datetime.timedelta(days=400)
    review = DevelopmentReview.objects.get(staff=reviewed, period_end=signed_day)
    open_one = start(world)

    due = selectors.reviews_due(
        StaffMember.objects.filter(pk__in=[newcomer.pk, reviewed.pk, no_post.pk]), today
    )
    started = newcomer.assignments.get().start_date
    assert due[newcomer.pk] == selectors.ReviewDue(
        due=selectors.add_months(started, 12),
        overdue=selectors.add_months(started, 12) < today,
        open_review_id=open_one.pk,
        last_signed=None,
    )
    assert due[reviewed.pk].due == selectors.add_months(signed_day, 12)
    assert due[reviewed.pk].overdue is True
    assert due[reviewed.pk].last_signed == signed_day
    assert due[reviewed.pk].open_review_id is None
    assert due[no_post.pk] == selectors.ReviewDue(None, False, None, None)
    assert selectors.next_review_due(reviewed, today) == selectors.add_months(signed_day, 12)
    assert selectors.next_review_due(no_post, today) is None
    assert selectors.latest_signed_review(reviewed) == review
    levels = selectors.assessed_levels(reviewed)
    assert set(levels.values()) == {(2, signed_day)}
    assert len(levels) == 6


def test_reviews_due_is_not_overdue_on_the_due_day(world):
    started = world.clinician.assignments.get().start_date
    due_day = selectors.add_months(started, 12)
    people = StaffMember.objects.filter(pk=world.clinician.pk)
    assert selectors.reviews_due(people, due_day)[world.clinician.pk].overdue is False
    later = due_day + datetime.timedelta(days=1)
    assert selectors.reviews_due(people, later)[world.clinician.pk].overdue is True


def test_reviews_due_query_count_does_not_grow_with_people(world, django_assert_max_num_queries):
    for _ in range(12):
        person = StaffMemberFactory()
        AssignmentFactory(staff=person, team=world.team, post=world.post)
    sign_both(world, ready(world))
    with django_assert_max_num_queries(4):
        due = selectors.reviews_due(StaffMember.objects.filter(pk=world.clinician.pk))
    assert len(due) == 1
    with django_assert_max_num_queries(4):
        due = selectors.reviews_due(StaffMember.objects.all())
    assert len(due) == StaffMember.objects.count() > 12


def test_add_months_keeps_month_ends_sensible():
    assert selectors.add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert selectors.add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert selectors.add_months(datetime.date(2025, 3, 15), -12) == datetime.date(2024, 3, 15)
