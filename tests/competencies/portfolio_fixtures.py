"""A published framework with a three-step scale, and a person whose post requires it."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    save_framework,
)
from competencies.models import Attainment, Framework, PostRequirement
from ksf.grants import sync_structure_permissions
from ksf.models import DevelopmentReview, ReviewDimension, StaffMember
from tests.factories import AssignmentFactory, PostFactory, full_outline, staff_with_login


def published_framework(idnumber: str = "INJ", validity_months: int | None = 24) -> Framework:
    data = FrameworkData(
        idnumber=idnumber,
        title="Injection therapy",
        taxonomy=["domain", "competency"],
        scale=[
            ScaleValueData("Novice"),
            ScaleValueData("Competent", True, True),
            ScaleValueData("Expert", True),
        ],
        competencies=[
            CompetencyData("D1", "Injections"),
            CompetencyData("C1", "Knee injection", parent_idnumber="D1"),
            CompetencyData("C2", "Shoulder injection", parent_idnumber="D1"),
        ],
    )
    framework = save_framework(data, filename="test", user=None)
    framework.validity_months = validity_months
    framework.save()
    framework.save_revision().publish(user=None, skip_permission_checks=True)
    framework.refresh_from_db()
    return framework


@dataclass
class Setting:
    person: StaffMember
    manager: StaffMember
    framework: Framework
    requirement: PostRequirement
    started: datetime.date

    @property
    def competency(self):
        return self.requirement.competency

    def value(self, name: str):
        return self.framework.scale_values.get(name=name)


def person_in_post(
    today: datetime.date, months_in_post: int = 3, months_allowed: int = 6, outline: bool = True
) -> Setting:
    framework = published_framework()
    manager = staff_with_login(band="7", first_name="Mo", last_name="Manager")
    person = staff_with_login(first_name="Pat", last_name="Person")
    post = PostFactory(title="MSK physiotherapist", band="6")
    if outline:
        full_outline(post, level=2)
    started = today - relativedelta(months=months_in_post)
    AssignmentFactory(staff=person, post=post, line_manager=manager, start_date=started)
    requirement = PostRequirement.objects.create(
        post=post,
        competency=framework.competencies.get(idnumber="C1"),
        months_allowed=months_allowed,
    )
    sync_structure_permissions()
    return Setting(person, manager, framework, requirement, started)


def verified(
    s: Setting, *, on: datetime.date, value: str = "Competent", expires=None
) -> Attainment:
    return Attainment.objects.create(
        staff=s.person,
        competency=s.competency,
        value=s.value(value),
        status=Attainment.Status.VERIFIED,
        assessor=s.manager,
        verified_on=on,
        expires_on=expires,
        decided_at=timezone.now(),
    )


def signed_review(s: Setting, *, levels: dict | int, signed: datetime.date, **fields):
    review = DevelopmentReview.objects.create(
        staff=s.person,
        reviewer=s.manager,
        post=s.requirement.post,
        period_start=signed - relativedelta(months=12),
        period_end=signed,
        **fields,
    )
    at = timezone.make_aware(datetime.datetime.combine(signed, datetime.time(12)))
    for entry in s.requirement.post.outline.all():
        level = levels if isinstance(levels, int) else levels.get(entry.dimension.code, 1)
        ReviewDimension.objects.create(
            review=review,
            dimension=entry.dimension,
            required_level=entry.foundation_level,
            reviewer_level=level,
        )
    DevelopmentReview.objects.filter(pk=review.pk).update(staff_signed_at=at, reviewer_signed_at=at)
    return review
