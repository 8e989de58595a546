"""Self-assessment and sign-off of competencies.

The rules: people assess only themselves; only the named assessor decides; nobody signs
their own; a declined claim needs a reason; a verified claim records level, assessor, date,
evidence and an expiry from the framework's validity period.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from competencies.models import Attainment, Competency, Evidence, ScaleValue
from ksf.audit import log_change, log_create
from ksf.models import StaffMember
from ksf.notifications import notify


def assessable_competencies() -> QuerySet[Competency]:
    """Competencies of published, current frameworks: the only ones anyone can claim."""
    return Competency.objects.filter(framework__live=True, framework__retired=False)


@transaction.atomic
def claim(
    *,
    person: StaffMember,
    user: User,
    competency: Competency,
    value: ScaleValue,
    comment: str = "",
    evidence: list[Evidence] | None = None,
    assessor: StaffMember | None = None,
) -> Attainment:
    """Record a self-assessment and, with an assessor, ask them to sign it off."""
    if person.user_id != user.pk:
        raise PermissionDenied("You can only assess yourself.")
    if not assessable_competencies().filter(pk=competency.pk).exists():
        raise ValidationError("This competency is not in a published framework.")
    if value.framework_id != competency.framework_id:
        raise ValidationError({"value": "Choose a level from this competency's scale."})
    for item in evidence or []:
        if item.owner_id != person.pk:
            raise ValidationError({"evidence": "You can only attach your own evidence."})
    _check_assessor(person, assessor)
    # A new claim replaces any earlier open one for the same competency.
    open_claims = Attainment.objects.filter(
        staff=person,
        competency__identifier=competency.identifier,
        status__in=Attainment.OPEN,
    )
    open_claims.update(status=Attainment.Status.WITHDRAWN)
    attainment = Attainment.objects.create(
        staff=person,
        competency=competency,
        value=value,
        self_comment=comment,
        status=Attainment.Status.SELF_ASSESSED,
    )
    attainment.evidence.set(evidence or [])
    log_create(attainment, user)
    if assessor is not None:
        attainment = request_sign_off(attainment, user=user, assessor=assessor)
    return attainment


def _check_assessor(person: StaffMember, assessor: StaffMember | None) -> None:
    if assessor is None:
        return
    if assessor.pk == person.pk:
        raise ValidationError({"assessor": "You cannot sign off your own competencies."})
    if assessor.user_id is None or not assessor.user.is_active:
        raise ValidationError(
            {"assessor": f"{assessor.full_name} cannot sign in, so cannot sign this off."}
        )


@transaction.atomic
def request_sign_off(attainment: Attainment, *, user: User, assessor: StaffMember) -> Attainment:
    attainment = Attainment.objects.select_for_update().get(pk=attainment.pk)
    if attainment.staff.user_id != user.pk:
        raise PermissionDenied("Only the person can ask for sign-off of their own claim.")
    if attainment.status != Attainment.Status.SELF_ASSESSED:
        raise ValidationError("This claim has already been sent or decided.")
    _check_assessor(attainment.staff, assessor)
    attainment.status = Attainment.Status.REQUESTED
    attainment.assessor = assessor
    attainment.requested_at = timezone.now()
    attainment.save(update_fields=["status", "assessor", "requested_at"])
    log_change(attainment, user, {"status": ["Self-assessed", "Awaiting sign-off"]})
    notify(
        assessor.user,
        f"{attainment.staff.full_name} asks you to sign off {attainment.competency.short_name}",
        (
            f"{attainment.staff.full_name} has assessed themselves at "
            f"'{attainment.value.name}' in {attainment.competency} and named you as assessor."
        ),
        url=reverse("development:signoff_decide", args=[attainment.pk]),
    )
    return attainment


@transaction.atomic
def decide(
    attainment: Attainment,
    *,
    user: User,
    verify: bool,
    comment: str = "",
    today: datetime.date | None = None,
) -> Attainment:
    """The named assessor verifies or declines. Anyone else is refused."""
    today = today or timezone.localdate()
    attainment = (
        Attainment.objects.select_for_update(of=("self",))
        .select_related("assessor", "staff", "competency__framework", "value")
        .get(pk=attainment.pk)
    )
    if attainment.staff.user_id == user.pk:
        raise PermissionDenied("You cannot sign off your own competencies.")
    if attainment.assessor is None or attainment.assessor.user_id != user.pk:
        raise PermissionDenied("Only the assessor this was sent to can decide it.")
    if attainment.status != Attainment.Status.REQUESTED:
        raise ValidationError(
            f"This request is no longer waiting for a decision "
            f"(it is {attainment.get_status_display().lower()})."
        )
    comment = comment.strip()
    if not verify and not comment:
        raise ValidationError({"comment": "Say why you are declining, so they know what to do."})
    before = attainment.get_status_display()
    attainment.decided_at = timezone.now()
    attainment.decision_comment = comment
    if verify:
        attainment.status = Attainment.Status.VERIFIED
        attainment.verified_on = today
        months = attainment.competency.framework.validity_months
        attainment.expires_on = today + relativedelta(months=months) if months else None
    else:
        attainment.status = Attainment.Status.DECLINED
    attainment.save()
    log_change(attainment, user, {"status": [before, attainment.get_status_display()]})
    verb = "verified" if verify else "declined"
    notify(
        attainment.staff.user,
        f"{attainment.assessor.full_name} {verb} {attainment.competency.short_name}",
        comment or f"Signed off at '{attainment.value.name}'.",
        url=reverse("development:competency", args=[attainment.competency_id]),
    )
    return attainment


@transaction.atomic
def withdraw(attainment: Attainment, *, user: User) -> Attainment:
    if attainment.staff.user_id != user.pk:
        raise PermissionDenied("Only the person can withdraw their claim.")
    if attainment.status not in Attainment.OPEN:
        raise ValidationError("Only a claim that is not yet decided can be withdrawn.")
    before = attainment.get_status_display()
    attainment.status = Attainment.Status.WITHDRAWN
    attainment.save(update_fields=["status"])
    log_change(attainment, user, {"status": [before, "Withdrawn"]})
    return attainment


def waiting_for(user: User) -> QuerySet[Attainment]:
    """Requests addressed to this user, oldest first."""
    return (
        Attainment.objects.filter(assessor__user=user, status=Attainment.Status.REQUESTED)
        .select_related("staff", "competency", "competency__framework", "value")
        .order_by("requested_at")
    )


def history_for(person: StaffMember, competency: Competency) -> QuerySet[Attainment]:
    return (
        Attainment.objects.filter(staff=person, competency__identifier=competency.identifier)
        .select_related("value", "assessor", "competency__framework")
        .prefetch_related("evidence")
        .order_by("-created_at", "-pk")
    )


def possible_assessors(person: StaffMember) -> QuerySet[StaffMember]:
    """Anyone who can sign in, except the person."""
    return (
        StaffMember.objects.filter(user__isnull=False, user__is_active=True)
        .exclude(pk=person.pk)
        .order_by("last_name", "first_name")
    )
