"""Sample CPD entries, evidence and development reviews for the export tests."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.utils import timezone

from competencies.models import CPDEntry, Evidence
from ksf import dates
from ksf.models import DevelopmentReview, PDPObjective, Post, ReviewDimension, StaffMember

FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)"]


def cpd_entry(
    person: StaffMember,
    *,
    days_ago: int = 10,
    title: str = "Shoulder course",
    hours: str = "1.5",
    activity_type: str = CPDEntry.ActivityType.FORMAL,
    **fields,
) -> CPDEntry:
    values = {
        "description": f"What I did at {title}.",
        "learning": f"What I learnt at {title}.",
        "practice_change": f"How {title} changed my practice.",
        "service_user_benefit": f"How {title} helps patients.",
        **fields,
    }
    return CPDEntry.objects.create(
        staff=person,
        date=dates.today() - datetime.timedelta(days=days_ago),
        title=title,
        activity_type=activity_type,
        hours=Decimal(hours),
        **values,
    )


def link_evidence(person: StaffMember, title: str, url: str) -> Evidence:
    return Evidence.objects.create(owner=person, title=title, url=url)


def file_evidence(person: StaffMember, title: str, name: str) -> Evidence:
    evidence = Evidence(owner=person, title=title, original_name=name, size=5)
    evidence.file.save(name, ContentFile(b"hello"), save=False)
    evidence.save()
    return evidence


def review(
    person: StaffMember,
    reviewer: StaffMember,
    post: Post,
    *,
    signed: datetime.date | None = None,
    levels: dict[str, int] | None = None,
    objectives: list[str] = (),
) -> DevelopmentReview:
    """A review, signed on ``signed`` (open if None), with reviewer levels and PDP objectives."""
    end = signed or dates.today()
    created = DevelopmentReview.objects.create(
        staff=person,
        reviewer=reviewer,
        post=post,
        period_start=end - relativedelta(months=12),
        period_end=end,
    )
    for entry in post.outline.select_related("dimension"):
        ReviewDimension.objects.create(
            review=created,
            dimension=entry.dimension,
            required_level=entry.foundation_level,
            reviewer_level=(levels or {}).get(entry.dimension.code),
        )
    for i, text in enumerate(objectives):
        PDPObjective.objects.create(
            review=created,
            objective=text,
            gap="Core 2 communication",
            actions=f"Actions for {text}",
            support="Supervision",
            target_date=end + relativedelta(months=6),
            sort_order=i,
        )
    if signed:
        at = timezone.make_aware(datetime.datetime.combine(signed, datetime.time(12)))
        DevelopmentReview.objects.filter(pk=created.pk).update(
            staff_signed_at=at, reviewer_signed_at=at
        )
        created.refresh_from_db()
    return created
