"""Skill-gap flag pages: a team's flags, a person's (and my own), a service lead's list across
teams, one flag with the contacts behind it, the funnel plot, and the flags workbook.

Thin: ``competencies.activity.flags.policies`` says who may see and act (everyone else gets
404, so a flag's existence does not leak; the person a flag is about reads it and is refused
a change with 403), ``competencies.activity.flags.selectors`` reads in a fixed number of
queries, and ``competencies.activity.flags.lifecycle`` decides each change and owns its message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from cms.portal import flags_present as present
from cms.portal.flags_chart import funnel_chart
from cms.portal.flags_forms import FlagFilterForm, FlagStatusForm
from cms.portal.forms import add_validation_errors
from competencies.activity.flags import policies, selectors
from competencies.models import Flag, FlagSettings
from exports import flags as flag_exports
from exports.workbooks import XLSX_CONTENT_TYPE
from ksf import access
from ksf.models import Service, StaffMember

EMPTY_TEAM = "team"
EMPTY_PERSON = "person"


def _filters(
    request: HttpRequest, flags, *, teams: list[tuple[int, str]] | None = None
) -> tuple[FlagFilterForm, selectors.FlagFilters]:
    """The filter form bound to the query string; fields that do not validate are ignored."""
    form = FlagFilterForm(
        request.GET or None,
        teams=teams,
        competencies=selectors.competencies_flagged(flags),
    )
    data: dict = {}
    if form.is_bound:
        form.is_valid()  # a field that does not validate is left out of cleaned_data
        data = form.cleaned_data
    return form, selectors.FlagFilters(
        kind=data.get("kind") or "",
        team_id=data.get("team"),
        competency_id=data.get("competency"),
        status=data.get("status") or "",
        since=data.get("since"),
        until=data.get("until"),
    )


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _rows(page, *, for_person: bool) -> list[present.FlagRow]:
    return [present.row(flag, for_person=for_person) for flag in page.object_list]


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """Every flag page says that a flag is a prompt to look, not a finding about a person."""
    return render(request, template, {"prompt": present.PROMPT, **context})


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A team ------------------------------------------------------------------------------------


@login_required
@require_GET
def team(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's flags for its lead (and its service lead, and administrators)."""
    item = access.team_or_404(request.user, pk)
    visible = policies.visible_flags(request.user)
    team_flags = visible.filter(team=item)
    form, filters = _filters(request, team_flags)
    flags = selectors.flags_for_team(item, visible, filters)
    page = selectors.page_of(flags, request.GET.get("page"))
    return _render(
        request,
        "portal/flags/team.html",
        {
            "team": item,
            "form": form,
            "page_obj": page,
            "rows": _rows(page, for_person=False),
            "counts": selectors.counts_by_kind(team_flags),
            "filtered": bool(request.GET.dict().keys() - {"page"}),
            "query": _query_without_page(request),
            "workbook_url": reverse("flags:team_workbook", args=[item.pk])
            + (f"?{_query_without_page(request)}" if _query_without_page(request) else ""),
        },
    )


@login_required
@require_GET
def team_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.team_or_404(request.user, pk)
    visible = policies.visible_flags(request.user)
    _, filters = _filters(request, visible.filter(team=item))
    flags = list(selectors.flags_for_team(item, visible, filters))
    counts = selectors.counts_by_team(visible.filter(team=item))
    return _xlsx(flag_exports.flags_workbook(flags, counts), flag_exports.filename(item.name))


# Across teams (a service lead's list) ------------------------------------------------------


def _across(request: HttpRequest):
    if not policies.sees_teams(request.user):
        raise Http404("No teams to see")
    teams = policies.managed_teams(request.user).order_by("service__name", "name")
    visible = policies.visible_flags(request.user)
    across = visible.filter(team__in=teams.values("pk"))
    form, filters = _filters(request, across, teams=selectors.teams_of(teams))
    return teams, visible, across, form, filters


@login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """Every flag across the teams the user leads or whose service they lead, with counts."""
    teams, visible, across, form, filters = _across(request)
    flags = selectors.flags_across(teams, visible, filters)
    page = selectors.page_of(flags, request.GET.get("page"))
    query = _query_without_page(request)
    return _render(
        request,
        "portal/flags/overview.html",
        {
            "form": form,
            "page_obj": page,
            "rows": _rows(page, for_person=False),
            "team_counts": selectors.counts_by_team(filters.apply(across)),
            "kinds": Flag.Kind.choices,
            "counts": selectors.counts_by_kind(filters.apply(across)),
            "services": Service.objects.filter(teams__in=teams.values("pk"))
            .distinct()
            .order_by("name"),
            "query": query,
            "filtered": bool(request.GET.dict().keys() - {"page"}),
            "workbook_url": reverse("flags:workbook") + (f"?{query}" if query else ""),
        },
    )


@login_required
@require_GET
def workbook(request: HttpRequest) -> HttpResponse:
    teams, visible, across, _, filters = _across(request)
    flags = list(selectors.flags_across(teams, visible, filters))
    counts = selectors.counts_by_team(filters.apply(across))
    return _xlsx(flag_exports.flags_workbook(flags, counts), flag_exports.filename())


# A person ----------------------------------------------------------------------------------


def _person_page(request: HttpRequest, person: StaffMember, *, is_self: bool) -> HttpResponse:
    visible = policies.visible_flags(request.user)
    flags = selectors.flags_for_person(person, visible)
    page = selectors.page_of(flags, request.GET.get("page"))
    return _render(
        request,
        "portal/flags/person.html",
        {
            "person": person,
            "is_self": is_self,
            "page_obj": page,
            "rows": _rows(page, for_person=is_self),
            "counts": selectors.counts_by_kind(visible.filter(staff=person)),
            "query": _query_without_page(request),
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My flags: what the data shows about my work, and what to do next, in words for me."""
    person = access.own_record_or_404(request.user)
    return _person_page(request, person, is_self=True)


@login_required
@require_GET
def person(request: HttpRequest, staff_number: str) -> HttpResponse:
    """The flags about one person, for their managers (the person is sent to "My flags")."""
    item = StaffMember.objects.filter(staff_number=staff_number).first()
    if item is None or not policies.can_view_person_flags(request.user, item):
        raise Http404("No such person")
    if access.is_self(request.user, item):
        return redirect("flags:mine")
    return _person_page(request, item, is_self=False)


# One flag ----------------------------------------------------------------------------------


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A flag: its reason, figures and history, the contacts behind it, and what to do."""
    flag = selectors.flag_with_related(policies.visible_flags(request.user), pk)
    if flag is None:
        raise Http404("No such flag")
    is_about_me = policies.is_about(request.user, flag)
    may_act = not is_about_me and policies.can_act(request.user, flag)
    actions = present.actions_for(flag) if may_act else []
    form = None
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied(gettext("You can read this flag but not change it."))
        form = FlagStatusForm(request.POST, actions=actions)
        if form.is_valid():
            try:
                present.apply_action(
                    flag, form.cleaned_data["action"], request.user, form.cleaned_data["note"]
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, present.done_message(form.cleaned_data["action"]))
                return redirect("flags:detail", pk=flag.pk)
    elif actions:
        form = FlagStatusForm(actions=actions)
    contacts = selectors.contacts_page(flag, request.GET.get("page"))
    return _render(
        request,
        "portal/flags/detail.html",
        {
            "flag": flag,
            "row": present.row(flag, for_person=is_about_me),
            "is_about_me": is_about_me,
            "figures": present.figures(flag),
            "events": selectors.events_of(flag),
            "page_obj": contacts,
            "query": _query_without_page(request),
            "form": form,
            "note_rule": present.NOTE_RULE,
        },
    )


# The funnel plot ---------------------------------------------------------------------------


def _funnel_page(request: HttpRequest, *, team_ids: list[int], scope: str, title: str, back):
    measures = present.measures(team_ids)
    measure = request.GET.get("measure") or (measures[0][0] if measures else "")
    known = {code for code, _label in measures}
    if measure and measure not in known:
        measure = measures[0][0] if measures else ""
    settings = FlagSettings.load()
    # Clinicians below the board's threshold for comparing outcomes are not on the funnel at
    # all; the suppression threshold keeps small numbers off the page whatever that is set to.
    threshold = max(settings.minimum_episodes, settings.suppress_below)
    result = present.funnel_for(team_ids, measure) if measure else None
    chart = funnel_chart(result, threshold) if result is not None else None
    if chart is not None:
        chart.suppressed = present.too_few(team_ids, measure, threshold)
    return _render(
        request,
        "portal/flags/funnel.html",
        {
            "scope": scope,
            "title": title,
            "back": back,
            "measures": measures,
            "measure": measure,
            "measure_label": dict(measures).get(measure, measure),
            "chart": chart,
            "suppress_below": threshold,
        },
    )


@login_required
@require_GET
def team_funnel(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.team_or_404(request.user, pk)
    return _funnel_page(
        request,
        team_ids=[item.pk],
        scope=item.name,
        title=item.name,
        back=(
            reverse("flags:team", args=[item.pk]),
            gettext("Flags for %(team)s") % {"team": item.name},
        ),
    )


@login_required
@require_GET
def service_funnel(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(Service, pk=pk)
    team_ids = list(
        policies.managed_teams(request.user).filter(service=service).values_list("pk", flat=True)
    )
    if not team_ids:
        raise Http404("No such service")
    return _funnel_page(
        request,
        team_ids=team_ids,
        scope=service.name,
        title=service.name,
        back=(reverse("flags:overview"), gettext("Flags across your teams")),
    )
