"""Writes to post requirements: assigning, copying, and moving them to a new framework version."""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from competencies.models import Competency, Framework, PostRequirement, ScaleValue
from ksf import audit


@dataclass
class MigrationReport:
    moved: int = 0
    unmatched: list[PostRequirement] = field(default_factory=list)


@transaction.atomic
def move_requirements_to(framework: Framework) -> MigrationReport:
    """On publishing a new version, repoint requirements by stable competency identity."""
    report = MigrationReport()
    if framework.previous_version_id is None:
        return report
    by_identity = {c.identifier: c for c in Competency.objects.filter(framework=framework)}
    values = {v.name: v for v in ScaleValue.objects.filter(framework=framework)}
    old = (
        PostRequirement.objects.filter(competency__framework__family=framework.family)
        .exclude(competency__framework=framework)
        .select_related("competency", "required_value")
    )
    for requirement in old:
        target = by_identity.get(requirement.competency.identifier)
        if target is None:
            report.unmatched.append(requirement)
            continue
        requirement.competency = target
        if requirement.required_value is not None:  # loaded by select_related
            requirement.required_value = values.get(requirement.required_value.name)
        requirement.save(update_fields=["competency", "required_value"])
        report.moved += 1
    return report


@dataclass
class AssignResult:
    created: int = 0
    already: int = 0


@transaction.atomic
def assign_requirements(
    *, posts, competencies, mandatory: bool, months_allowed: int, user: User | None
) -> AssignResult:
    """Require each competency of each post; existing requirements are left as they are."""
    result = AssignResult()
    for post in posts:
        for competency in competencies:
            if not competency.framework.live:
                raise ValidationError(
                    gettext("%(framework)s is not published yet.")
                    % {"framework": competency.framework}
                )
            requirement, created = PostRequirement.objects.get_or_create(
                post=post,
                competency=competency,
                defaults={"mandatory": mandatory, "months_allowed": months_allowed},
            )
            if created:
                audit.log_create(requirement, user)
                result.created += 1
            else:
                result.already += 1
    return result


@transaction.atomic
def copy_requirements(*, source, target, user: User | None) -> AssignResult:
    """Give ``target`` every requirement ``source`` has that it lacks, with the same terms."""
    if source.pk == target.pk:
        raise ValidationError(gettext("Choose a different post to copy from."))
    result = AssignResult()
    for r in PostRequirement.objects.filter(post=source):
        copy, created = PostRequirement.objects.get_or_create(
            post=target,
            competency=r.competency,
            defaults={
                "mandatory": r.mandatory,
                "months_allowed": r.months_allowed,
                "required_value": r.required_value,
            },
        )
        if created:
            audit.log_create(copy, user)
            result.created += 1
        else:
            result.already += 1
    return result
