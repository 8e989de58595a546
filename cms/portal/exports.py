"""Development plans (page and workbook), a team's plans, and the HCPC CPD profile.

Whoever may view a person's record (themselves, their line manager or team lead, and
administrators) may read and download their plan; the HCPC profile is the person's own work,
so only they see it, and only they save, reopen and delete drafts of it. Everyone else gets
404, so a record's existence does not leak; another person's draft is 404 as an unknown one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from cms.portal.export_forms import MAX_ACTIVITIES, MIN_ACTIVITIES, HCPCProfileForm, count_words
from cms.portal.forms import add_validation_errors
from competencies.models import HCPCProfileDraft
from competencies.portfolio import selectors as portfolio_selectors
from competencies.portfolio import services as portfolio_services
from exports import hcpc
from exports.plan import build_plan, build_team_plans
from exports.workbooks import XLSX_CONTENT_TYPE, plan_workbook, team_workbook
from ksf import access
from ksf.access import team_or_404
from ksf.models import StaffMember


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def plan(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = access.person_or_404(request.user, staff_number)
    is_self = access.is_self(request.user, person)
    return render(
        request,
        "portal/exports/plan.html",
        {"plan": build_plan(person, is_self=is_self), "is_self": is_self},
    )


@login_required
def plan_xlsx(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = access.person_or_404(request.user, staff_number)
    built = build_plan(person, is_self=access.is_self(request.user, person))
    return _xlsx(plan_workbook(built), built.filename)


@login_required
def team_plans_xlsx(request: HttpRequest, team_pk: int) -> HttpResponse:
    team = team_or_404(request.user, team_pk, need="view_development")
    plans = build_team_plans(team)
    return _xlsx(team_workbook(plans), plans.filename)


SAVE_DRAFT = "save_draft"  # the name of the form's "Save draft" button


def _draft_or_404(person: StaffMember, pk: int) -> HCPCProfileDraft:
    draft = portfolio_selectors.hcpc_draft(person, pk)
    if draft is None:
        raise Http404("No such draft")
    return draft


def _profile_form(
    request: HttpRequest, person: StaffMember, draft: HCPCProfileDraft | None
) -> HttpResponse:
    """The profile form, new or from a draft. "Build my profile" shows the profile and saves
    nothing; "Save draft" keeps the form as it stands and comes back to it.

    The form is sent by POST so a summary of practice never lands in addresses and logs.
    """
    entries = hcpc.profile_entries(person)
    saving = request.method == "POST" and SAVE_DRAFT in request.POST
    initial = {}
    if draft is not None:
        initial = {
            "title": draft.title,
            "summary": draft.summary,
            "activities": [a.pk for a in draft.activities.all()],
        }
    data = request.POST if request.method == "POST" else None
    form = HCPCProfileForm(data, entries=entries, draft=saving, initial=initial)
    if request.method == "POST" and form.is_valid():
        if not saving:
            profile = hcpc.build_profile(
                person, form.cleaned_data["summary"], form.cleaned_data["activities"]
            )
            return render(request, "portal/exports/hcpc_profile.html", {"profile": profile})
        try:
            draft = portfolio_services.save_hcpc_draft(
                person, form.to_draft(), user=request.user, draft=draft
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, gettext("Draft saved"))
            return redirect("exports:hcpc_draft", staff_number=person.staff_number, pk=draft.pk)
    summary = form.data.get("summary", "") if form.is_bound else initial.get("summary", "")
    return render(
        request,
        "portal/exports/hcpc_profile_form.html",
        {
            "person": person,
            "form": form,
            "draft": draft,
            "available": entries.count(),
            "show_count": form.is_bound or draft is not None,
            "summary_words": count_words(summary),
            "min_activities": MIN_ACTIVITIES,
            "max_activities": MAX_ACTIVITIES,
            "save_draft": SAVE_DRAFT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hcpc_profile(request: HttpRequest, staff_number: str) -> HttpResponse:
    """A new profile: nothing is saved unless the person saves a draft."""
    person = access.person_or_404(request.user, staff_number, need="own")
    return _profile_form(request, person, None)


@login_required
@require_http_methods(["GET", "POST"])
def hcpc_draft(request: HttpRequest, staff_number: str, pk: int) -> HttpResponse:
    """A saved draft, reopened in the form as it was left."""
    person = access.person_or_404(request.user, staff_number, need="own")
    return _profile_form(request, person, _draft_or_404(person, pk))


@login_required
@require_GET
def hcpc_drafts(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = access.person_or_404(request.user, staff_number, need="own")
    return render(
        request,
        "portal/exports/hcpc_drafts.html",
        {"person": person, "drafts": portfolio_selectors.hcpc_drafts(person)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def hcpc_draft_delete(request: HttpRequest, staff_number: str, pk: int) -> HttpResponse:
    """GET asks to confirm; only a POST deletes."""
    person = access.person_or_404(request.user, staff_number, need="own")
    draft = _draft_or_404(person, pk)
    if request.method == "POST":
        title = draft.title
        portfolio_services.delete_hcpc_draft(draft, user=request.user)
        messages.success(request, gettext("Deleted the draft '%(title)s'.") % {"title": title})
        return redirect("exports:hcpc_drafts", staff_number=person.staff_number)
    return render(
        request, "portal/exports/hcpc_draft_delete.html", {"person": person, "draft": draft}
    )
