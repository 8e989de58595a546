"""Fellowship pages: my fellowships, applying, deciding, an enrolment's progress, the cohorts.

Thin: ``fellowships.policies`` decides who reads (everyone else gets 404, so an enrolment's
existence does not leak), ``fellowships.enrolments.services`` decides every write and owns
its message, ``fellowships.selectors`` reads progress for many enrolments at once.
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from cms.portal.fellowships_forms import (
    ApplyForm,
    CohortFilterForm,
    CompleteForm,
    DecisionForm,
    MilestoneForm,
    PauseForm,
    SupervisorForm,
    SupportForm,
    WithdrawForm,
)
from cms.portal.forms import add_validation_errors
from exports import fellowships as fellowship_exports
from exports.workbooks import XLSX_CONTENT_TYPE
from fellowships import selectors
from fellowships.enrolments import services
from fellowships.models import Application, Enrolment, Milestone, Programme, SupervisorAssignment
from fellowships.policies import application_policy, current_supervision, enrolment_policy
from ksf import dates
from ksf.models import PostAssignment
from ksf.selectors import staff_for_user

CHART_WIDTH, CHART_HEIGHT = 600, 220


def _enrolment_or_404(request: HttpRequest, pk: int) -> Enrolment:
    enrolment = (
        enrolment_policy.readable(request.user)
        .select_related("programme", "staff__user", "application")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None:
        raise Http404("No such enrolment")
    return enrolment


def _application_or_404(request: HttpRequest, pk: int) -> Application:
    application = (
        application_policy.readable(request.user)
        .select_related("programme", "staff__user", "supported_by", "decided_by", "nominated_by")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404("No such application")
    return application


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My applications and enrolments, the fellows I supervise, and programmes open to me."""
    person = staff_for_user(request.user)
    enrolments = list(selectors.enrolments_of(person.pk)) if person else []
    supervised = list(
        enrolment_policy.supervised_by(request.user)
        .filter(status__in=Enrolment.OPEN)
        .select_related("programme", "staff")
        .order_by("staff__last_name")
    )
    progress = selectors.progress_for([*enrolments, *supervised])
    return render(
        request,
        "portal/fellowships/mine.html",
        {
            "person": person,
            "enrolments": [progress[e.pk] for e in enrolments],
            "supervised": [progress[e.pk] for e in supervised],
            "applications": Application.objects.filter(staff=person)
            .exclude(status=Application.Status.APPROVED)
            .select_related("programme")
            if person
            else [],
            "programmes": Programme.objects.published().order_by("title"),
            "may_see_cohorts": request.user.has_perm("fellowships.view_enrolment")
            or (person is not None and person.services_led.exists()),
        },
    )


@login_required
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    programme = get_object_or_404(Programme.objects.published(), pk=pk)
    person = staff_for_user(request.user)
    if person is None:
        raise Http404("No staff record")
    form = ApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.apply(
                person, programme, statement=form.cleaned_data["statement"], user=request.user
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Application sent. Your line manager is asked to add their support."),
            )
            return redirect(application.get_absolute_url())
    return render(
        request,
        "portal/fellowships/apply.html",
        {
            "programme": programme,
            "form": form,
            "problems": services.entry_problems(person, programme, dates.today()),
            "nomination": services.nomination_of(person, programme),
        },
    )


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    item = _application_or_404(request, pk)
    may_support = application_policy.may_support(request.user, item)
    may_decide = application_policy.may_decide(request.user, item)
    support_form = decision_form = None
    if item.status == Application.Status.SUBMITTED:
        if may_support:
            support_form = SupportForm(
                request.POST if request.POST.get("form") == "support" else None,
                initial={"statement": item.manager_support},
            )
        if may_decide:
            decision_form = DecisionForm(
                request.POST if request.POST.get("form") == "decide" else None,
                programme=item.programme,
            )
    may_complete = (
        item.status == Application.Status.NOMINATED and item.staff.user_id == request.user.pk
    )
    if request.method == "POST":
        if request.POST.get("form") == "decline" and may_complete:
            try:
                services.decline_nomination(item, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, gettext("You declined the nomination."))
            return redirect(item.get_absolute_url())
        if request.POST.get("form") == "support" and support_form is not None:
            if support_form.is_valid():
                try:
                    services.support(
                        item, user=request.user, statement=support_form.cleaned_data["statement"]
                    )
                except ValidationError as error:
                    add_validation_errors(support_form, error)
                else:
                    messages.success(request, gettext("Your support was added."))
                    return redirect(item.get_absolute_url())
        elif request.POST.get("form") == "decide" and decision_form is not None:
            if decision_form.is_valid():
                data = decision_form.cleaned_data
                try:
                    services.decide(
                        item,
                        user=request.user,
                        approve=data["decision"] == "approve",
                        reason=data["decision_reason"],
                        cost=data["cost"],
                        funding_source=data["funding_source"],
                        backfill_hours=data["backfill_hours"],
                        override=data["criteria_override"],
                        start_date=data["start_date"],
                        cohort=data["cohort"],
                    )
                except ValidationError as error:
                    add_validation_errors(decision_form, error)
                else:
                    messages.success(request, gettext("Decision recorded."))
                    return redirect(item.get_absolute_url())
        else:
            raise PermissionDenied
    return render(
        request,
        "portal/fellowships/application.html",
        {
            "application": item,
            "problems": services.entry_problems(item.staff, item.programme, dates.today()),
            "support_form": support_form,
            "decision_form": decision_form,
            "may_complete": may_complete,
            "enrolment": getattr(item, "enrolment", None),
        },
    )


def _chart(progress: selectors.EnrolmentProgress, today: datetime.date) -> dict | None:
    """Cumulative signed-off entries of the main logbook milestone against the planned line.

    Drawn as inline SVG by the template; the same figures are given in the table beside it.
    """
    main = next((p for p in progress.milestones if p.spec.kind == "logbook"), None)
    e = progress.enrolment
    if main is None or not main.target:
        return None
    end = max(e.target_date, min(today, e.completed_on or today))
    span = max((end - e.start_date).days, 1)
    weeks = list(range(0, span // 7 + 1, max(1, span // 7 // 12 or 1)))
    dated = sorted(x.date for x in main.counted)
    use_hours = main.unit == "hours"
    rows = []
    for w in weeks:
        day = e.start_date + datetime.timedelta(weeks=w)
        planned = main.target * Decimal(min((day - e.start_date).days, span)) / span
        if use_hours:
            done = sum((Decimal(x.minutes) for x in main.counted if x.date <= day), Decimal(0)) / 60
        else:
            done = Decimal(sum(1 for d in dated if d <= day))
        rows.append(
            {
                "day": day,
                "planned": planned.quantize(Decimal("1")),
                "done": done.quantize(Decimal("1")) if day <= today else None,
            }
        )
    top = max([main.target, *[r["done"] or 0 for r in rows]]) or Decimal(1)

    def point(i: int, value: Decimal) -> str:
        x = 40 + (CHART_WIDTH - 50) * i / max(len(rows) - 1, 1)
        y = CHART_HEIGHT - 30 - (CHART_HEIGHT - 50) * float(value / top)
        return f"{x:.1f},{y:.1f}"

    return {
        "milestone": main,
        "rows": rows,
        "planned_points": " ".join(point(i, r["planned"]) for i, r in enumerate(rows)),
        "done_points": " ".join(
            point(i, r["done"]) for i, r in enumerate(rows) if r["done"] is not None
        ),
        "top": top.quantize(Decimal("1")),
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
    }


@login_required
@require_GET
def enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    item = _enrolment_or_404(request, pk)
    today = dates.today()
    progress = selectors.progress_for([item], today)[item.pk]
    roles = enrolment_policy.supervisor_roles(request.user, item)
    manages = enrolment_policy.may_manage(request.user, item)
    return render(
        request,
        "portal/fellowships/enrolment.html",
        {
            "enrolment": item,
            "progress": progress,
            "chart": _chart(progress, today),
            "supervisors": selectors.supervisors_of([item]).get(item.pk, []),
            "is_fellow": enrolment_policy.is_fellow(request.user, item),
            "roles": roles,
            "manages": manages,
            "may_sign_final": item.programme.final_signoff_role in roles
            and progress.all_but_final_met
            and item.status == Enrolment.Status.ACTIVE,
            "supervisor_form": SupervisorForm(enrolment=item) if manages and item.is_open else None,
            "credential": getattr(item, "credential", None),
        },
    )


def _post_action(request: HttpRequest, item: Enrolment, action, success: str) -> HttpResponse:
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or gettext("That is not allowed."))
    else:
        messages.success(request, success)
    return redirect(item.get_absolute_url())


@login_required
@require_POST
def add_supervisor(request: HttpRequest, pk: int) -> HttpResponse:
    item = _enrolment_or_404(request, pk)
    if not enrolment_policy.may_manage(request.user, item):
        raise Http404("Not yours to manage")
    form = SupervisorForm(request.POST, enrolment=item)
    if not form.is_valid():
        messages.error(request, gettext("Choose a supervisor and a role."))
        return redirect(item.get_absolute_url())
    return _post_action(
        request,
        item,
        lambda: services.assign_supervisor(
            item,
            supervisor=form.cleaned_data["supervisor"],
            role=form.cleaned_data["role"],
            user=request.user,
        ),
        gettext("Supervisor added."),
    )


@login_required
@require_POST
def end_supervisor(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    item = _enrolment_or_404(request, pk)
    if not enrolment_policy.may_manage(request.user, item):
        raise Http404("Not yours to manage")
    assignment = get_object_or_404(SupervisorAssignment, pk=assignment_pk, enrolment=item)
    return _post_action(
        request,
        item,
        lambda: services.end_supervision(assignment, user=request.user),
        gettext("Supervision ended."),
    )


def _managed_form(request: HttpRequest, pk: int, form_class, template: str, run, success: str):
    item = _enrolment_or_404(request, pk)
    if not enrolment_policy.may_manage(request.user, item):
        raise Http404("Not yours to manage")
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run(item, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(item.get_absolute_url())
    return render(request, template, {"enrolment": item, "form": form})


@login_required
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _managed_form(
        request,
        pk,
        PauseForm,
        "portal/fellowships/pause.html",
        lambda item, data: services.pause(
            item, user=request.user, starts_on=data["starts_on"], reason=data["reason"]
        ),
        gettext("Enrolment paused: sign-off stops until it resumes."),
    )


@login_required
@require_POST
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    item = _enrolment_or_404(request, pk)
    if not enrolment_policy.may_manage(request.user, item):
        raise Http404("Not yours to manage")
    return _post_action(
        request,
        item,
        lambda: services.resume(item, user=request.user),
        gettext("Enrolment resumed; the target date moved on by the pause."),
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _managed_form(
        request,
        pk,
        WithdrawForm,
        "portal/fellowships/withdraw.html",
        lambda item, data: services.withdraw(item, user=request.user, reason=data["reason"]),
        gettext("Enrolment withdrawn."),
    )


@login_required
def milestone(request: HttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    item = _enrolment_or_404(request, pk)
    target = get_object_or_404(
        Milestone,
        pk=milestone_pk,
        programme=item.programme,
        kind__in=[Milestone.Kind.MODULE, Milestone.Kind.COMPETENCY],
    )
    if not (
        enrolment_policy.supervisor_roles(request.user, item)
        or enrolment_policy.may_manage(request.user, item)
    ):
        raise Http404("Not yours to record")
    form = MilestoneForm(
        request.POST if request.method == "POST" else None, initial={"achieved_on": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_milestone(
                item,
                target,
                user=request.user,
                achieved_on=form.cleaned_data["achieved_on"],
                passed=form.cleaned_data["passed"],
                mark=form.cleaned_data["mark"],
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            add_validation_errors(form, error)
        else:
            messages.success(request, gettext("Recorded."))
            return redirect(item.get_absolute_url())
    return render(
        request,
        "portal/fellowships/milestone.html",
        {"enrolment": item, "milestone": target, "form": form},
    )


@login_required
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _enrolment_or_404(request, pk)
    if item.programme.final_signoff_role not in enrolment_policy.supervisor_roles(
        request.user, item
    ):
        raise Http404("Not yours to sign off")
    form = CompleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complete(
                item, user=request.user, declaration_confirmed=form.cleaned_data["declaration"]
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            add_validation_errors(form, error)
        else:
            messages.success(request, gettext("Signed off: the fellowship is complete."))
            return redirect(item.get_absolute_url())
    return render(request, "portal/fellowships/complete.html", {"enrolment": item, "form": form})


def _cohort_rows(request: HttpRequest):
    person = staff_for_user(request.user)
    if not (
        request.user.has_perm("fellowships.view_enrolment")
        or (person is not None and person.services_led.exists())
    ):
        raise Http404("No cohorts to see")
    form = CohortFilterForm(request.GET)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    enrolments = enrolment_policy.readable(request.user).select_related("programme", "staff")
    if data.get("programme"):
        enrolments = enrolments.filter(programme__code=data["programme"])
    if data.get("cohort"):
        enrolments = enrolments.filter(cohort=data["cohort"])
    if data.get("team"):
        in_team = PostAssignment.objects.current(dates.today()).filter(team=data["team"])
        enrolments = enrolments.filter(staff_id__in=in_team.values("staff_id"))
    if data.get("supervisor"):
        supervising = current_supervision().filter(supervisor=data["supervisor"])
        enrolments = enrolments.filter(pk__in=supervising.values("enrolment_id"))
    enrolments = list(
        enrolments.filter(Q(status__in=Enrolment.OPEN) | Q(completed_on__isnull=False)).order_by(
            "programme__title", "cohort", "staff__last_name"
        )[:1000]
    )
    progress = selectors.progress_for(enrolments)
    supervisors = selectors.supervisors_of(enrolments)
    rows = [(progress[e.pk], supervisors.get(e.pk, [])) for e in enrolments]
    if data.get("risk"):
        rows = [r for r in rows if r[0].forecast.risk == data["risk"]]
    load = selectors.supervisor_load({s.supervisor_id for _, ss in rows for s in ss})
    return form, rows, load


@login_required
@require_GET
def cohorts(request: HttpRequest) -> HttpResponse:
    form, rows, load = _cohort_rows(request)
    people = {s.supervisor_id: s.supervisor for _, ss in rows for s in ss}
    return render(
        request,
        "portal/fellowships/cohorts.html",
        {
            "form": form,
            "rows": rows,
            "load": sorted(
                ((people[pk], n) for pk, n in load.items()), key=lambda x: x[0].last_name
            ),
            "programmes": Programme.objects.filter(enrolments__isnull=False)
            .values_list("code", "title")
            .distinct()
            .order_by("title"),
        },
    )


@login_required
@require_GET
def cohorts_workbook(request: HttpRequest) -> HttpResponse:
    _, rows, _ = _cohort_rows(request)
    response = HttpResponse(
        fellowship_exports.cohort_workbook(rows), content_type=XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="fellowship-cohorts.xlsx"'
    return response
