"""Development plans (page and workbook), a team's plans, and the HCPC CPD profile.

Whoever may view a person's record (themselves, their line manager or team lead, and
administrators) may read and download their plan; the HCPC profile is the person's own work,
so only they see it. Everyone else gets 404, so a record's existence does not leak.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from cms.portal.export_forms import MAX_ACTIVITIES, MIN_ACTIVITIES, HCPCProfileForm, count_words
from exports import hcpc
from exports.plan import build_plan, build_team_plans
from exports.workbooks import XLSX_CONTENT_TYPE, plan_workbook, team_workbook
from ksf import access
from ksf.access import team_or_404


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


@login_required
@require_http_methods(["GET", "POST"])
def hcpc_profile(request: HttpRequest, staff_number: str) -> HttpResponse:
    """The form, then the printable profile. Nothing is saved: the profile is built each time.

    The form is sent by POST so a summary of practice never lands in addresses and logs.
    """
    person = access.person_or_404(request.user, staff_number, need="own")
    entries = hcpc.profile_entries(person)
    data = request.POST if request.method == "POST" else None
    form = HCPCProfileForm(data, entries=entries)
    if request.method == "POST" and form.is_valid():
        profile = hcpc.build_profile(
            person, form.cleaned_data["summary"], form.cleaned_data["activities"]
        )
        return render(request, "portal/exports/hcpc_profile.html", {"profile": profile})
    summary_words = count_words(form.data.get("summary", "")) if form.is_bound else 0
    return render(
        request,
        "portal/exports/hcpc_profile_form.html",
        {
            "person": person,
            "form": form,
            "available": entries.count(),
            "summary_words": summary_words,
            "min_activities": MIN_ACTIVITIES,
            "max_activities": MAX_ACTIVITIES,
        },
    )
