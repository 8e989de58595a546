"""Portal pages: where someone stands (RAG), claiming a competency, and deciding sign-offs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from cms.portal.development_forms import ClaimForm, DecisionForm
from cms.portal.forms import add_validation_errors
from competencies.development.engine import development_status
from competencies.development.rollups import rollup_for
from competencies.frameworks import selectors as frameworks_selectors
from competencies.models import Attainment
from competencies.portfolio import selectors as portfolio_selectors
from competencies.portfolio import services as portfolio_services
from competencies.portfolio.policies import attainment_policy
from competencies.requirements.selectors import requirements_of_person_for
from fellowships import selectors as fellowship_selectors
from fellowships.models import Enrolment
from fellowships.policies import enrolment_policy
from ksf import access, dates
from ksf.selectors import current_assignments, current_line_manager


@login_required
def person_development(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = access.person_or_404(request.user, staff_number)
    is_self = access.is_self(request.user, person)
    status = development_status(person, is_self=is_self)
    enrolments = list(
        enrolment_policy.readable(request.user)
        .filter(staff=person, status__in=Enrolment.OPEN)
        .select_related("programme", "staff")
    )
    progress = fellowship_selectors.progress_for(enrolments)
    return render(
        request,
        "portal/development/person.html",
        {
            "fellowships": [progress[e.pk] for e in enrolments],
            "person": person,
            "status": status,
            "counts": status.counts,
            "total": len(status.rows),
            "is_self": is_self,
            "assignments": current_assignments(person),
        },
    )


@login_required
def my_development(request: HttpRequest) -> HttpResponse:
    person = access.own_record_or_404(request.user)
    return redirect("development:person", staff_number=person.staff_number)


@login_required
def competency(request: HttpRequest, pk: int) -> HttpResponse:
    """One competency for me: what is needed, my history, and the form to claim it."""
    person = access.own_record_or_404(request.user)
    item = get_object_or_404(
        frameworks_selectors.assessable_competencies().select_related("framework"), pk=pk
    )
    form = ClaimForm(
        request.POST or None,
        person=person,
        competency=item,
        initial={"assessor": current_line_manager(person)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            portfolio_services.claim(
                person=person,
                user=request.user,
                competency=item,
                value=form.cleaned_data["value"],
                comment=form.cleaned_data["comment"],
                evidence=list(form.cleaned_data["evidence"]),
                assessor=form.cleaned_data["assessor"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            assessor = form.cleaned_data["assessor"]
            messages.success(
                request,
                gettext("Sign-off requested from %(name)s.") % {"name": assessor.full_name}
                if assessor
                else gettext("Self-assessment saved. Ask for sign-off when you are ready."),
            )
            return redirect("development:competency", pk=item.pk)
    requirements = list(requirements_of_person_for(person, item))
    levels = [r.required_value.sort_order for r in requirements if r.required_value]
    return render(
        request,
        "portal/development/competency.html",
        {
            "person": person,
            "competency": item,
            "requirements": requirements,
            "history": portfolio_selectors.history_for(person, item),
            "rollup": rollup_for(person.pk, item, max(levels, default=None), dates.today()),
            "form": form,
            "has_evidence": form.fields["evidence"].queryset.exists(),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    attainment = attainment_policy.claims_of(request.user).filter(pk=pk).first()
    if attainment is None:
        raise Http404("No such claim")
    try:
        portfolio_services.withdraw(attainment, user=request.user)
        messages.success(request, gettext("Your claim was withdrawn."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("development:competency", pk=attainment.competency_id)


@login_required
def signoff_list(request: HttpRequest) -> HttpResponse:
    decided = (
        Attainment.objects.filter(
            assessor__user=request.user,
            status__in=[Attainment.Status.VERIFIED, Attainment.Status.DECLINED],
        )
        .select_related("staff", "competency", "value")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "portal/development/signoff_list.html",
        {"waiting": portfolio_selectors.waiting_for(request.user), "decided": decided},
    )


@login_required
def signoff_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Only the named assessor sees a request; everyone else gets 404."""
    attainment = (
        attainment_policy.decidable_by(request.user)
        .select_related("staff", "competency__framework", "value", "assessor")
        .prefetch_related("evidence")
        .filter(pk=pk)
        .first()
    )
    if attainment is None:
        raise Http404("No such sign-off request")
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and attainment.status == Attainment.Status.REQUESTED:
        if form.is_valid():
            verify = form.cleaned_data["decision"] == "verify"
            try:
                portfolio_services.decide(
                    attainment,
                    user=request.user,
                    verify=verify,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                name = attainment.staff.full_name
                text = (
                    gettext("You verified %(name)s.")
                    if verify
                    else gettext("You declined %(name)s's request.")
                )
                messages.success(request, text % {"name": name})
                return redirect("development:signoff_list")
    elif request.method == "POST":
        messages.error(request, gettext("This request has already been decided."))
        return redirect(request.path)
    history = portfolio_selectors.history_for(attainment.staff, attainment.competency).exclude(
        pk=attainment.pk
    )
    return render(
        request,
        "portal/development/signoff_decide.html",
        {"attainment": attainment, "form": form, "history": history},
    )
