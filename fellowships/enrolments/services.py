"""Applications, enrolments and supervisors: every write, atomic and audited.

The rules, each owning its message: a clinician applies for a published programme, once at a
time, with their line manager's support statement (or a manager nominates them, and the
application waits for them to say why they want to train, or to decline); the lead of their
service (or anyone with ``change_application``) approves with the cost, funding source and
backfill hours, or declines with a reason; approving someone who does not meet the entry
criteria needs a reason for setting them aside. Educators assign supervisors (never the
fellow; never past a supervisor's capacity), pause (the target date moves on by the pause),
resume and withdraw.
"""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from competencies.models import Attainment
from fellowships.enrolments.rules import capacity_left, criteria_problems
from fellowships.models import (
    Application,
    Enrolment,
    Milestone,
    MilestoneRecord,
    Pause,
    Programme,
    SupervisorAssignment,
    SupervisorRole,
)
from fellowships.policies import application_policy, current_supervision, enrolment_policy
from ksf import audit, dates
from ksf.models import PostAssignment, StaffMember
from ksf.selectors import current_line_manager
from ksf.services import close_topic, notify

TEXT_MAX = 5000


def _status(before: object, after: object) -> dict[str, list[str]]:
    return {gettext("status"): [str(before), str(after)]}


def application_topic(application: Application) -> str:
    return f"fellowship-application:{application.pk}"


def entry_problems(person: StaffMember, programme: Programme, today: datetime.date) -> list[str]:
    holds = None
    if programme.prerequisite_id:
        assert programme.prerequisite is not None  # prerequisite_id is set, so it exists
        holds = (
            Attainment.objects.filter(
                staff=person,
                competency__identifier=programme.prerequisite.identifier,
                status=Attainment.Status.VERIFIED,
            )
            .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
            .exists()
        )
    return criteria_problems(
        band=person.band,
        profession=person.profession,
        qualified_on=person.qualified_on,
        holds_prerequisite=holds,
        min_band=programme.min_band,
        professions=list(programme.professions or []),
        min_years_qualified=programme.min_years_qualified,
        prerequisite_name=str(programme.prerequisite) if programme.prerequisite_id else "",
        today=today,
    )


def _text(value: str, field: str, *, required: bool, message: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: message})
    if len(value) > TEXT_MAX:
        raise ValidationError(
            {field: gettext("Keep it to %(max)d characters or fewer.") % {"max": TEXT_MAX}}
        )
    return value


def _open_for(programme: Programme) -> None:
    if not Programme.objects.published().filter(pk=programme.pk).exists():
        raise ValidationError(gettext("This programme is not open for applications."))


def _enrolled(person: StaffMember, programme: Programme) -> bool:
    """On the programme (any version of it) now: approved, active or paused."""
    return Enrolment.objects.filter(
        staff=person, programme__code=programme.code, status__in=Enrolment.OPEN
    ).exists()


def nomination_of(person: StaffMember, programme: Programme) -> Application | None:
    """The nomination waiting for ``person`` to complete, for this programme, if any."""
    return (
        Application.objects.filter(
            staff=person, programme__code=programme.code, status=Application.Status.NOMINATED
        )
        .select_related("nominated_by")
        .first()
    )


@transaction.atomic
def nominate(person: StaffMember, programme: Programme, *, user: User, reason: str) -> Application:
    """A manager starts an application for someone they manage. It waits for the person to
    say why they want to train (or to decline); the manager's reason stands as their support.
    """
    if not application_policy.may_nominate(user, person):
        raise PermissionDenied(
            gettext("Only %(name)s's line manager, team lead or service lead can nominate them.")
            % {"name": person.full_name}
        )
    _open_for(programme)
    if person.user_id is None:
        raise ValidationError(
            gettext(
                "%(name)s has no login, so cannot complete an application: ask an "
                "administrator to invite them first."
            )
            % {"name": person.full_name}
        )
    reason = _text(
        reason,
        "reason",
        required=True,
        message=gettext("Say why you are nominating them."),
    )
    if Application.objects.filter(
        staff=person,
        programme__code=programme.code,
        status__in=[Application.Status.NOMINATED, Application.Status.SUBMITTED],
    ).exists():
        raise ValidationError(
            gettext("%(name)s already has an application for this programme.")
            % {"name": person.full_name}
        )
    if _enrolled(person, programme):
        raise ValidationError(
            gettext("%(name)s is already enrolled on this programme.") % {"name": person.full_name}
        )
    nominator = StaffMember.objects.filter(user=user).first()
    application = Application.objects.create(
        staff=person,
        programme=programme,
        status=Application.Status.NOMINATED,
        nominated_by=nominator,
        manager_support=reason,
        supported_by=nominator,
        supported_at=timezone.now(),
    )
    audit.log_create(application, user)
    notify(
        person.user,
        gettext("%(name)s nominated you for %(programme)s")
        % {
            "name": nominator.full_name if nominator else gettext("An administrator"),
            "programme": programme.title,
        },
        gettext("Say why you want to train to complete the application, or decline it."),
        url=reverse("fellowships:apply", args=[programme.pk]),
        topic=application_topic(application),
    )
    return application


@transaction.atomic
def decline_nomination(application: Application, *, user: User) -> Application:
    """The person nominated says no; whoever nominated them is told."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.staff.user_id != user.pk:
        raise PermissionDenied(gettext("Only the person nominated can decline a nomination."))
    if application.status != Application.Status.NOMINATED:
        raise ValidationError(gettext("This application is no longer waiting for you."))
    return _answer_nomination(
        application,
        user,
        Application.Status.WITHDRAWN,
        gettext("%(name)s declined the nomination for %(programme)s"),
        "",
    )


@transaction.atomic
def apply(person: StaffMember, programme: Programme, *, statement: str, user: User) -> Application:
    """The person applies (completing a nomination if a manager started one); their line
    manager is asked for a support statement unless the nomination gave it."""
    if person.user_id != user.pk:
        raise PermissionDenied(gettext("You can only apply for yourself."))
    _open_for(programme)
    statement = _text(
        statement,
        "statement",
        required=True,
        message=gettext("Say why you are applying and what it would let you do."),
    )
    if Application.objects.filter(
        staff=person, programme__code=programme.code, status=Application.Status.SUBMITTED
    ).exists():
        raise ValidationError(gettext("You have already applied for this programme."))
    if _enrolled(person, programme):
        raise ValidationError(gettext("You are already enrolled on this programme."))
    nominated = nomination_of(person, programme)
    if nominated is not None:
        return _complete_nomination(nominated, statement, user)
    application = Application.objects.create(staff=person, programme=programme, statement=statement)
    audit.log_create(application, user)
    manager = current_line_manager(person)
    if manager is not None:
        notify(
            manager.user,
            gettext("%(name)s applied for %(programme)s")
            % {"name": person.full_name, "programme": programme.title},
            gettext("Add your statement of support so the service lead can decide."),
            url=application.get_absolute_url(),
            topic=application_topic(application),
        )
    return application


def _complete_nomination(application: Application, statement: str, user: User) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    application.statement = statement
    return _answer_nomination(
        application,
        user,
        Application.Status.SUBMITTED,
        gettext("%(name)s completed the application for %(programme)s"),
        gettext("It now waits for the service lead's decision."),
    )


def _answer_nomination(
    application: Application, user: User, status: str, told: str, body: str
) -> Application:
    """The person's answer to a nomination: its new status, audited, their notification dealt
    with, and whoever nominated them told (``told`` with the name and programme)."""
    application.status = status
    application.save(update_fields=["statement", "status"])
    close_topic(application_topic(application), user)
    audit.log_change(
        application,
        user,
        _status(Application.Status.NOMINATED.label, Application.Status(status).label),
    )
    nominator = application.nominated_by
    if nominator is not None and nominator.user_id:
        notify(
            nominator.user,
            told % {"name": application.staff.full_name, "programme": application.programme.title},
            body,
            url=application.get_absolute_url(),
        )
    return application


@transaction.atomic
def support(application: Application, *, user: User, statement: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application_policy.may_support(user, application):
        raise PermissionDenied(gettext("Only the applicant's line manager can add support."))
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(gettext("This application has already been decided."))
    before = application.manager_support
    application.manager_support = _text(
        statement,
        "manager_support",
        required=True,
        message=gettext("Say how you support the application (or why not)."),
    )
    application.supported_by = user.staff_member
    application.supported_at = timezone.now()
    application.save()
    close_topic(application_topic(application), user)
    audit.log_change(application, user, {gettext("line manager's support"): [before or "—", "✓"]})
    return application


@transaction.atomic
def decide(
    application: Application,
    *,
    user: User,
    approve: bool,
    reason: str = "",
    cost: Decimal | None = None,
    funding_source: str = "",
    backfill_hours: Decimal | None = None,
    override: str = "",
    start_date: datetime.date | None = None,
    cohort: str = "",
    today: datetime.date | None = None,
) -> Application:
    """Approve (an enrolment is made on the version applied for) or decline, with reasons."""
    today = today or dates.today()
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("staff__user", "programme")
        .get(pk=application.pk)
    )
    if application.staff.user_id == user.pk:
        raise PermissionDenied(gettext("You cannot decide your own application."))
    if not application_policy.may_decide(user, application):
        raise PermissionDenied(gettext("Only the applicant's service lead can decide this."))
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(
            gettext("This application was already decided (%(status)s).")
            % {"status": application.get_status_display().lower()}
        )
    errors: dict[str, str] = {}
    programme = application.programme
    if approve:
        problems = entry_problems(application.staff, programme, today)
        override = (override or "").strip()
        if problems and not override:
            errors["criteria_override"] = " ".join(
                [*problems, gettext("Give a reason to set the entry criteria aside, or decline.")]
            )
        if cost is None:
            errors["cost"] = gettext("Give the cost of the training (0 if there is none).")
        if not (funding_source or "").strip():
            errors["funding_source"] = gettext("Say where the funding comes from.")
        if backfill_hours is None:
            errors["backfill_hours"] = gettext("Give the backfill hours (0 if none).")
        if start_date is None:
            errors["start_date"] = gettext("Give the start date.")
        elif start_date < today - datetime.timedelta(days=366):
            errors["start_date"] = gettext("The start date is more than a year ago.")
    elif not (reason or "").strip():
        errors["decision_reason"] = gettext("Say why, so the applicant knows what to do next.")
    if errors:
        raise ValidationError(errors)
    application.decided_by = user
    application.decided_at = timezone.now()
    application.decision_reason = _text(reason, "decision_reason", required=False, message="")
    if approve:
        assert start_date is not None
        application.status = Application.Status.APPROVED
        application.cost, application.backfill_hours = cost, backfill_hours
        application.funding_source = funding_source.strip()[:200]
        application.criteria_override = override[:TEXT_MAX]
        application.save()
        enrolment = Enrolment.objects.create(
            staff=application.staff,
            programme=programme,
            application=application,
            cohort=(cohort or "").strip()[:100],
            start_date=start_date,
            target_date=start_date + relativedelta(months=programme.target_months),
            status=Enrolment.Status.ACTIVE if start_date <= today else Enrolment.Status.APPROVED,
        )
        audit.log_create(enrolment, user)
        subject = gettext("Your application for %(programme)s was approved")
        url = enrolment.get_absolute_url()
    else:
        application.status = Application.Status.DECLINED
        application.save()
        subject = gettext("Your application for %(programme)s was declined")
        url = application.get_absolute_url()
    audit.log_change(
        application,
        user,
        {
            gettext("status"): [
                str(Application.Status.SUBMITTED.label),
                application.get_status_display(),
            ]
        },
    )
    close_topic(application_topic(application))
    notify(
        application.staff.user,
        subject % {"programme": programme.title},
        application.decision_reason,
        url=url,
    )
    return application


def _require_manager(user: User) -> None:
    if not enrolment_policy.may_manage(user):
        raise PermissionDenied(gettext("Only an educator can change an enrolment."))


def _wte(person: StaffMember, today: datetime.date) -> Decimal:
    total = PostAssignment.objects.current(today).filter(staff=person).aggregate(w=Sum("wte"))["w"]
    return Decimal(total or 0)


@transaction.atomic
def assign_supervisor(
    enrolment: Enrolment,
    *,
    supervisor: StaffMember,
    role: str,
    user: User,
    starts_on: datetime.date | None = None,
) -> SupervisorAssignment:
    """Give a fellow a supervisor in a role, within the supervisor's capacity."""
    _require_manager(user)
    today = dates.today()
    starts_on = starts_on or today
    enrolment = (
        Enrolment.objects.select_for_update().select_related("programme").get(pk=enrolment.pk)
    )
    if not enrolment.is_open:
        raise ValidationError(gettext("This enrolment has ended: no supervisors can be added."))
    if role not in SupervisorRole.values:
        raise ValidationError({"role": gettext("Choose a supervisor role.")})
    if supervisor.pk == enrolment.staff_id:
        raise ValidationError({"supervisor": gettext("A fellow cannot supervise themselves.")})
    if (
        current_supervision(today)
        .filter(enrolment=enrolment, supervisor=supervisor, role=role)
        .exists()
    ):
        raise ValidationError(
            {"supervisor": gettext("%(name)s already supervises this fellow in that role.")
             % {"name": supervisor.full_name}}
        )  # fmt: skip
    # Lock the supervisor's row so two assignments at once cannot both take the last place.
    StaffMember.objects.select_for_update().filter(pk=supervisor.pk).first()
    current = (
        current_supervision(today)
        .filter(supervisor=supervisor, enrolment__status__in=Enrolment.OPEN)
        .exclude(enrolment=enrolment)
        .values("enrolment")
        .distinct()
        .count()
    )
    wte = _wte(supervisor, today)
    capacity = enrolment.programme.supervisor_capacity
    if capacity_left(current=current, capacity_per_wte=capacity, wte=wte) <= 0:
        raise ValidationError(
            {
                "supervisor": gettext(
                    "%(name)s already supervises %(current)d fellows, the most for %(wte)s "
                    "WTE on this programme (%(capacity)d per full-time supervisor). Choose "
                    "someone else, or end one of their supervisions first."
                )
                % {
                    "name": supervisor.full_name,
                    "current": current,
                    "wte": f"{wte.normalize():f}",
                    "capacity": capacity,
                }
            }
        )
    assignment = SupervisorAssignment.objects.create(
        enrolment=enrolment, supervisor=supervisor, role=role, starts_on=starts_on
    )
    audit.log_create(assignment, user, enrolment=enrolment.pk)
    notify(
        supervisor.user,
        gettext("You supervise %(name)s on %(programme)s")
        % {"name": enrolment.staff.full_name, "programme": enrolment.programme.title},
        gettext("You are their %(role)s.") % {"role": assignment.get_role_display()},
        url=enrolment.get_absolute_url(),
    )
    return assignment


@transaction.atomic
def end_supervision(
    assignment: SupervisorAssignment, *, user: User, ends_on: datetime.date | None = None
) -> SupervisorAssignment:
    _require_manager(user)
    assignment = SupervisorAssignment.objects.select_for_update().get(pk=assignment.pk)
    ends_on = ends_on or dates.today()
    if assignment.ends_on is not None and assignment.ends_on <= ends_on:
        raise ValidationError(gettext("This supervision has already ended."))
    if ends_on < assignment.starts_on:
        raise ValidationError(gettext("A supervision cannot end before it starts."))
    assignment.ends_on = ends_on
    assignment.save(update_fields=["ends_on"])
    audit.log_change(assignment, user, {gettext("until"): ["—", ends_on.isoformat()]})
    return assignment


@transaction.atomic
def pause(enrolment: Enrolment, *, user: User, starts_on: datetime.date, reason: str) -> Pause:
    _require_manager(user)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(gettext("Only an active enrolment can be paused."))
    reason = _text(reason, "reason", required=True, message=gettext("Say why it is paused."))
    if starts_on > dates.today() or starts_on < enrolment.start_date:
        raise ValidationError(
            {"starts_on": gettext("A pause starts between the start date and today.")}
        )
    paused = Pause.objects.create(enrolment=enrolment, starts_on=starts_on, reason=reason[:300])
    enrolment.status = Enrolment.Status.PAUSED
    enrolment.save(update_fields=["status"])
    audit.log_change(
        enrolment, user, _status(Enrolment.Status.ACTIVE.label, Enrolment.Status.PAUSED.label)
    )
    return paused


@transaction.atomic
def resume(enrolment: Enrolment, *, user: User, on: datetime.date | None = None) -> Enrolment:
    """End the open pause; the target date moves on by its length."""
    _require_manager(user)
    on = on or dates.today()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    open_pause = enrolment.pauses.filter(ends_on__isnull=True).first()
    if enrolment.status != Enrolment.Status.PAUSED or open_pause is None:
        raise ValidationError(gettext("This enrolment is not paused."))
    if on < open_pause.starts_on:
        raise ValidationError({"on": gettext("It cannot resume before the pause began.")})
    open_pause.ends_on = on
    open_pause.save(update_fields=["ends_on"])
    before = enrolment.target_date
    enrolment.target_date = before + datetime.timedelta(days=open_pause.days(on))
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.save(update_fields=["target_date", "status"])
    audit.log_change(
        enrolment,
        user,
        {
            **_status(Enrolment.Status.PAUSED.label, Enrolment.Status.ACTIVE.label),
            gettext("target date"): [before.isoformat(), enrolment.target_date.isoformat()],
        },
    )
    return enrolment


@transaction.atomic
def withdraw(enrolment: Enrolment, *, user: User, reason: str) -> Enrolment:
    _require_manager(user)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if not enrolment.is_open:
        raise ValidationError(gettext("This enrolment has already ended."))
    reason = _text(reason, "reason", required=True, message=gettext("Say why they withdraw."))
    before = enrolment.get_status_display()
    today = dates.today()
    enrolment.status = Enrolment.Status.WITHDRAWN
    enrolment.withdrawn_on, enrolment.withdrawn_reason = today, reason
    enrolment.save(update_fields=["status", "withdrawn_on", "withdrawn_reason"])
    enrolment.pauses.filter(ends_on__isnull=True).update(ends_on=today)
    audit.log_change(enrolment, user, {gettext("status"): [before, enrolment.get_status_display()]})
    return enrolment


def start_due(today: datetime.date | None = None) -> int:
    """Approved enrolments whose start date has come become active (daily, and harmless)."""
    today = today or dates.today()
    return Enrolment.objects.filter(status=Enrolment.Status.APPROVED, start_date__lte=today).update(
        status=Enrolment.Status.ACTIVE
    )


@transaction.atomic
def record_milestone(
    enrolment: Enrolment,
    milestone: Milestone,
    *,
    user: User,
    achieved_on: datetime.date,
    passed: bool = True,
    mark: int | None = None,
) -> MilestoneRecord:
    """A module result (by an educator or a supervisor), or a competency signed off in the
    programme (by a current supervisor, never the fellow)."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if milestone.programme_id != enrolment.programme_id:
        raise ValidationError(gettext("That milestone is not part of this programme."))
    if milestone.kind not in (Milestone.Kind.MODULE, Milestone.Kind.COMPETENCY):
        raise ValidationError(
            gettext("This milestone is counted from the logbook and assessments.")
        )
    roles = enrolment_policy.supervisor_roles(user, enrolment)
    if enrolment.staff.user_id == user.pk:
        raise PermissionDenied(gettext("You cannot sign off your own milestones."))
    if milestone.kind == Milestone.Kind.COMPETENCY and not roles:
        raise PermissionDenied(gettext("Only a supervisor of this fellow can sign this off."))
    if not roles and not enrolment_policy.may_manage(user):
        raise PermissionDenied(gettext("Only a supervisor or an educator can record this."))
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(
            gettext("Nothing can be signed off while the enrolment is %(status)s.")
            % {"status": enrolment.get_status_display().lower()}
        )
    if achieved_on > dates.today() or achieved_on < enrolment.start_date:
        raise ValidationError(
            {"achieved_on": gettext("The date is between the start of the enrolment and today.")}
        )
    if mark is not None and not 0 <= mark <= 100:
        raise ValidationError({"mark": gettext("A mark is a percentage from 0 to 100.")})
    if MilestoneRecord.objects.filter(enrolment=enrolment, milestone=milestone).exists():
        raise ValidationError(gettext("This milestone has already been recorded."))
    record = MilestoneRecord.objects.create(
        enrolment=enrolment,
        milestone=milestone,
        passed=passed,
        achieved_on=achieved_on,
        mark=mark,
        signed_by=user.staff_member if roles else None,
        recorded_by=user,
    )
    audit.log_create(record, user, enrolment=enrolment.pk)
    return record


@transaction.atomic
def complete(
    enrolment: Enrolment,
    *,
    user: User,
    declaration_confirmed: bool,
    today: datetime.date | None = None,
) -> Enrolment:
    """The final sign-off: by a current supervisor in the programme's final role, once every
    other milestone is met. The programme's competencies become verified sign-offs (source:
    the fellowship, assessor: the signer, with the framework's validity) and the fellow's
    credential is issued."""
    from fellowships.selectors import progress_for

    today = today or dates.today()
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("programme", "staff__user")
        .get(pk=enrolment.pk)
    )
    programme = enrolment.programme
    if enrolment.staff.user_id == user.pk:
        raise PermissionDenied(gettext("You cannot sign off your own fellowship."))
    if programme.final_signoff_role not in enrolment_policy.supervisor_roles(user, enrolment):
        raise PermissionDenied(
            gettext("Only the fellow's %(role)s can give the final sign-off.")
            % {"role": SupervisorRole(programme.final_signoff_role).label.lower()}
        )
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise ValidationError(
            gettext("The final sign-off cannot be given while the enrolment is %(status)s.")
            % {"status": enrolment.get_status_display().lower()}
        )
    progress = progress_for([enrolment], today)[enrolment.pk]
    unmet = [p.spec.title for p in progress.milestones if not p.met and p.spec.kind != "final"]
    if unmet:
        raise ValidationError(
            gettext("These milestones are not met yet: %(milestones)s.")
            % {"milestones": "; ".join(unmet)}
        )
    if not declaration_confirmed:
        raise ValidationError({"declaration": gettext("Confirm the declaration to sign off.")})
    signer = user.staff_member
    final = programme.milestones.filter(kind=Milestone.Kind.FINAL).first()
    if final is not None:
        MilestoneRecord.objects.create(
            enrolment=enrolment,
            milestone=final,
            achieved_on=today,
            signed_by=signer,
            declaration=programme.declaration,
            recorded_by=user,
        )
    granted = []
    for m in programme.milestones.filter(
        kind=Milestone.Kind.COMPETENCY, competency__isnull=False
    ).select_related("competency__framework", "level"):
        value = m.level or m.competency.framework.scale_values.filter(proficient=True).first()
        if value is None:
            continue
        months = m.competency.framework.validity_months
        granted.append(
            Attainment(
                staff=enrolment.staff,
                competency=m.competency,
                value=value,
                status=Attainment.Status.VERIFIED,
                assessor=signer,
                verified_on=today,
                expires_on=today + relativedelta(months=months) if months else None,
                decided_at=timezone.now(),
                decision_comment=gettext("Completed %(programme)s.") % {"programme": programme},
                source=f"fellowship:{enrolment.public_id}",
            )
        )
    Attainment.objects.bulk_create(granted)
    enrolment.status = Enrolment.Status.COMPLETED
    enrolment.completed_on = today
    enrolment.save(update_fields=["status", "completed_on"])
    audit.log_change(
        enrolment, user, _status(Enrolment.Status.ACTIVE.label, Enrolment.Status.COMPLETED.label)
    )
    from fellowships.credentials import keys
    from fellowships.credentials import services as credential_services

    if enrolment.staff.email:  # the credential names its holder by a hash of their email
        credential_services.issue(enrolment, signer=keys.signing_key(), user=user, today=today)
    notify(
        enrolment.staff.user,
        gettext("You completed %(programme)s") % {"programme": programme.title},
        gettext("Your credential is ready to download and share."),
        url=enrolment.get_absolute_url(),
    )
    return enrolment
