"""Reads about development reviews: what is due, what was assessed, who may see a review.

A review counts as *signed* once both the person and the reviewer have signed; its signing
date is the later of the two signatures, in local time, because that is the day the
agreement was complete.
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from dateutil.relativedelta import relativedelta
from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils.translation import gettext, ngettext

from ksf import dates
from ksf.models import (
    DevelopmentReview,
    KSFLevel,
    OutlineEntry,
    PDPObjective,
    Post,
    PostAssignment,
    ReviewAddendum,
    ReviewDimension,
    StaffMember,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations  # installed with django-stubs, not at runtime

REVIEW_INTERVAL_MONTHS = 12

SIGNED = Q(staff_signed_at__isnull=False, reviewer_signed_at__isnull=False)
OPEN = Q(staff_signed_at__isnull=True) | Q(reviewer_signed_at__isnull=True)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (or earlier); 29 Feb and 31sts fall back to month end."""
    return day + relativedelta(months=months)


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The last 12 months, ending today: what an annual review normally looks back on."""
    today = today or dates.today()
    return add_months(today, -REVIEW_INTERVAL_MONTHS) + datetime.timedelta(days=1), today


def signing_date(review: DevelopmentReview) -> datetime.date | None:
    """The local date the second signature was given, or None while the review is open."""
    staff_signed, reviewer_signed = review.staff_signed_at, review.reviewer_signed_at
    if staff_signed is None or reviewer_signed is None:  # i.e. not review.is_signed
        return None
    return dates.local_date(max(staff_signed, reviewer_signed))


class _Signed(TypedDict):
    signed: datetime.datetime  # when the second signature was given


def _signed_reviews() -> "QuerySet[WithAnnotations[DevelopmentReview, _Signed]]":
    return DevelopmentReview.objects.filter(SIGNED).annotate(
        signed=Greatest("staff_signed_at", "reviewer_signed_at")
    )


def latest_signed_review(person: StaffMember) -> DevelopmentReview | None:
    """The most recently signed review of this person, whatever post it was for."""
    return (
        _signed_reviews()
        .filter(staff=person)
        .select_related("post", "reviewer")
        .order_by("-signed", "-pk")
        .first()
    )


def open_review(person: StaffMember) -> DevelopmentReview | None:
    """The review still being prepared or awaiting signatures, if any (at most one at a time)."""
    return DevelopmentReview.objects.filter(OPEN, staff=person).order_by("-pk").first()


@dataclass(frozen=True)
class ReviewDue:
    """When a person's next review is due, for a manager's team page."""

    due: datetime.date | None
    overdue: bool
    open_review_id: int | None
    last_signed: datetime.date | None


def reviews_due(
    people_qs: QuerySet[StaffMember], today: datetime.date | None = None
) -> dict[int, ReviewDue]:
    """Review due dates for many people at once, in four queries however many people.

    Due 12 months after the last signed review; with none, 12 months after the start of the
    earliest current post; no date for someone without a current post.
    """
    today = today or dates.today()
    ids = list(people_qs.order_by().values_list("pk", flat=True))
    if not ids:
        return {}
    people = people_qs.order_by().values("pk")
    last_signed = {
        row["staff_id"]: dates.local_date(row["last"])
        for row in _signed_reviews()
        .filter(staff__in=people)
        .order_by()
        .values("staff_id")
        .annotate(last=Max("signed"))
    }
    open_ids: dict[int, int] = {}
    for staff_id, pk in (
        DevelopmentReview.objects.filter(OPEN, staff__in=people)
        .order_by("pk")
        .values_list("staff_id", "pk")
    ):
        open_ids[staff_id] = pk  # the newest open review wins
    started = dict(
        PostAssignment.objects.current(today)
        .filter(staff__in=people)
        .order_by()
        .values("staff_id")
        .annotate(first=Min("start_date"))
        .values_list("staff_id", "first")
    )
    result = {}
    for pk in ids:
        signed = last_signed.get(pk)
        if signed is not None:
            due = add_months(signed, REVIEW_INTERVAL_MONTHS)
        elif pk in started:
            due = add_months(started[pk], REVIEW_INTERVAL_MONTHS)
        else:
            due = None
        result[pk] = ReviewDue(
            due=due,
            overdue=due is not None and due < today,
            open_review_id=open_ids.get(pk),
            last_signed=signed,
        )
    return result


def next_review_due(
    person: StaffMember, today: datetime.date | None = None
) -> datetime.date | None:
    """12 months after the last signed review, else after starting in post; None without a post."""
    found = reviews_due(StaffMember.objects.filter(pk=person.pk), today)
    return found[person.pk].due if person.pk in found else None


@dataclass(frozen=True)
class ObjectiveFact:
    """A PDP objective agreed for one KSF dimension in a person's latest signed review."""

    objective: str
    target_date: datetime.date
    status: str  # a ``PDPObjective.Status`` value


@dataclass
class ReviewFacts:
    """What signed reviews say about many people at once (for red/amber/green status)."""

    assessed: dict[int, dict[int, tuple[int, datetime.date]]]  # staff -> dimension -> level
    foundation_passed: set[tuple[int, int]]  # (staff id, post id)
    last_signed: dict[int, datetime.date]  # staff id -> signing date of their latest review
    # staff id -> dimension id -> the first PDP objective of their latest signed review for it
    objectives: dict[int, dict[int, ObjectiveFact]] = field(default_factory=dict)


def review_facts(staff_ids: list[int]) -> ReviewFacts:
    """Latest signed levels, PDP objectives, foundation passes and signing dates (3 queries)."""
    latest: dict[int, int] = {}
    last_signed: dict[int, datetime.date] = {}
    passed: set[tuple[int, int]] = set()
    rows = (
        _signed_reviews()
        .filter(staff_id__in=staff_ids)
        .order_by("staff_id", "-signed", "-pk")
        .values_list("pk", "staff_id", "post_id", "signed", "gateway", "gateway_outcome")
    )
    for pk, staff_id, post_id, signed, gateway, outcome in rows:
        if staff_id not in latest:
            latest[staff_id] = pk
            last_signed[staff_id] = dates.local_date(signed)
        if (gateway, outcome) == (
            DevelopmentReview.Gateway.FOUNDATION,
            DevelopmentReview.Outcome.PASS,
        ):
            passed.add((staff_id, post_id))
    owner = {pk: staff_id for staff_id, pk in latest.items()}
    assessed: dict[int, dict[int, tuple[int, datetime.date]]] = {}
    for review_id, dimension_id, level in ReviewDimension.objects.filter(
        review_id__in=owner, reviewer_level__isnull=False
    ).values_list("review_id", "dimension_id", "reviewer_level"):
        staff_id = owner[review_id]
        assessed.setdefault(staff_id, {})[dimension_id] = (level, last_signed[staff_id])
    objectives: dict[int, dict[int, ObjectiveFact]] = {}
    if owner:
        for review_id, dimension_id, objective, target, status in (
            PDPObjective.objects.filter(review_id__in=owner, dimension_id__isnull=False)
            .order_by("review_id", "sort_order", "pk")
            .values_list("review_id", "dimension_id", "objective", "target_date", "status")
        ):
            objectives.setdefault(owner[review_id], {}).setdefault(
                dimension_id, ObjectiveFact(objective=objective, target_date=target, status=status)
            )
    return ReviewFacts(
        assessed=assessed,
        foundation_passed=passed,
        last_signed=last_signed,
        objectives=objectives,
    )


def assessed_levels(person: StaffMember) -> dict[int, tuple[int, datetime.date]]:
    """Dimension id -> (level the reviewer agreed, date signed), from the latest signed review."""
    return review_facts([person.pk]).assessed.get(person.pk, {})


def foundation_passed(person: StaffMember, post: Post) -> bool:
    """True once a signed review of this person in this post recorded a foundation pass."""
    return (
        DevelopmentReview.objects.filter(SIGNED, staff=person, post=post)
        .filter(
            gateway=DevelopmentReview.Gateway.FOUNDATION,
            gateway_outcome=DevelopmentReview.Outcome.PASS,
        )
        .exists()
    )


def gateway_due(person: StaffMember, post: Post) -> str:
    """Which gateway the reviewer would normally consider next for this person and post."""
    if foundation_passed(person, post):
        return DevelopmentReview.Gateway.SECOND
    return DevelopmentReview.Gateway.FOUNDATION


def required_levels(person: StaffMember, post: Post) -> list[tuple[OutlineEntry, int]]:
    """Each outline dimension of the post with the level this person is now expected to show.

    The foundation level until a foundation gateway is passed in this post, then the second.
    """
    second = foundation_passed(person, post)
    entries = OutlineEntry.objects.filter(post=post).select_related("dimension")
    return [(e, e.second_level if second else e.foundation_level) for e in entries]


def reviews_for(person: StaffMember) -> QuerySet[DevelopmentReview]:
    """All of a person's reviews, newest period first, for the list of past reviews."""
    return DevelopmentReview.objects.filter(staff=person).select_related(
        "post", "reviewer", "staff"
    )


def review_for_page(pk: int) -> DevelopmentReview | None:
    """One review with everything its page shows, in a handful of queries."""
    return (
        DevelopmentReview.objects.filter(pk=pk)
        .select_related("staff", "staff__user", "reviewer", "reviewer__user", "post")
        .prefetch_related(
            Prefetch(
                "dimensions",
                queryset=ReviewDimension.objects.select_related("dimension").prefetch_related(
                    Prefetch(
                        "dimension__levels",
                        queryset=KSFLevel.objects.prefetch_related("indicators"),
                    )
                ),
            ),
            Prefetch("objectives", queryset=PDPObjective.objects.select_related("dimension")),
            Prefetch(
                "addenda", queryset=ReviewAddendum.objects.select_related("author__staff_member")
            ),
        )
        .first()
    )


def gaps(review: DevelopmentReview) -> list[ReviewDimension]:
    """Dimensions the reviewer placed below the level needed: suggestions for PDP objectives."""
    return [
        row
        for row in review.dimensions.all()
        if row.reviewer_level is not None and row.reviewer_level < row.required_level
    ]


def missing_for_signing(review: DevelopmentReview) -> list[str]:
    """What still has to be done before anyone can sign, in words for the page."""
    missing = []
    rows = list(review.dimensions.all())
    unassessed = [row.dimension.code for row in rows if row.reviewer_level is None]
    if not rows:
        missing.append(gettext("The review has no KSF dimensions: the post has no KSF outline."))
    if unassessed:
        missing.append(
            ngettext(
                "The reviewer has not given a level for %(count)s dimension: %(codes)s.",
                "The reviewer has not given a level for %(count)s dimensions: %(codes)s.",
                len(unassessed),
            )
            % {"count": len(unassessed), "codes": ", ".join(unassessed)}
        )
    if not review.objectives.all():
        missing.append(gettext("Agree at least one PDP objective."))
    if review.gateway:
        gateway_missing = gateway_gaps(review)
        if gateway_missing:
            missing.append(
                gettext("Complete the %(gateway)s decision: %(missing)s.")
                % {
                    "gateway": review.get_gateway_display().lower(),
                    "missing": ", ".join(gateway_missing),
                }
            )
    return missing


def gateway_missing(
    *,
    gateway: str,
    outcome: str,
    reasons: str,
    unmet: str,
    action_plan: str,
    review_date: datetime.date | None,
) -> dict[str, tuple[str, str]]:
    """What a chosen gateway decision still lacks: field -> (what is missing, what to do).

    A pass needs reasons; a deferral needs reasons, the outline elements not yet met, an
    action plan and a date to look at it again. The service refuses with the second part;
    the review page lists the first.
    """
    if not gateway:
        return {}
    if not outcome:
        return {"gateway_outcome": (gettext("pass or defer"), gettext("Choose pass or defer."))}
    Outcome = DevelopmentReview.Outcome
    give_reasons = (
        gettext("Give the reasons for passing the gateway.")
        if outcome == Outcome.PASS
        else gettext("Give the reasons for deferring the gateway.")
    )
    needed: list[tuple[str, object, str, str]] = [
        ("gateway_reasons", reasons, gettext("reasons"), give_reasons),
    ]
    if outcome == Outcome.DEFER:
        needed += [
            (
                "gateway_unmet",
                unmet,
                gettext("the outline elements not yet met"),
                gettext("Say which outline elements are not yet met."),
            ),
            (
                "gateway_action_plan",
                action_plan,
                gettext("an action plan"),
                gettext("Give the action plan agreed to meet them."),
            ),
            (
                "gateway_review_date",
                review_date,
                gettext("a date to review again"),
                gettext("Give a date to review the decision again."),
            ),
        ]
    return {field: (label, message) for field, value, label, message in needed if not value}


def gateway_gaps(review: DevelopmentReview) -> list[str]:
    """The parts of a chosen gateway decision still missing (empty when complete)."""
    missing = gateway_missing(
        gateway=review.gateway,
        outcome=review.gateway_outcome,
        reasons=review.gateway_reasons,
        unmet=review.gateway_unmet,
        action_plan=review.gateway_action_plan,
        review_date=review.gateway_review_date,
    )
    return [label for label, _ in missing.values()]
