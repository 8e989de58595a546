"""Planning pages for a team: the 24-month projection, what-if scenarios, who to train next.

Thin views: ``fellowships.skillmix`` computes (``coverage``, ``projection``, ``ranking``) and
writes (``scenarios``); ``fellowships.skillmix.policies`` decides who reads a scenario (people
who may see the team's workforce) and who changes it (its author). A team or scenario the user
may not read answers 404 alike. The one-click actions on the who-to-train-next list call the
existing services: ``ksf.reviews.services.save_objective`` for a PDP objective, and
``fellowships.enrolments.services.nominate`` to start the person's application, which waits
for them to say why they want to train (or to decline).
"""

from __future__ import annotations

from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from cms.portal.forms import add_validation_errors
from cms.portal.scenarios_chart import line_chart, month_label
from cms.portal.scenarios_forms import ChangeForm, ProjectionForm, ScenarioForm, TrainForm
from exports import skillmix_scenario as scenario_exports
from exports.workbooks import XLSX_CONTENT_TYPE
from fellowships.enrolments import services as enrolment_services
from fellowships.models import Programme, Scenario, ScenarioChange
from fellowships.skillmix import coverage, policies, ranking, scenarios
from fellowships.skillmix.projection import Projection, project
from ksf import access, dates
from ksf.models import StaffMember, Team
from ksf.reviews import services as review_services

MAX_COMPARED = 3


def _scenario_or_404(request: HttpRequest, team: Team, spk: int) -> Scenario:
    scenario = Scenario.objects.select_related("author", "team").filter(pk=spk, team=team).first()
    if scenario is None or not policies.may_read(request.user, scenario):
        raise Http404("No such scenario")
    return scenario


def _growth(request: HttpRequest, form: ProjectionForm) -> Decimal:
    if form.is_bound and form.is_valid():
        return form.cleaned_data.get("growth") or Decimal(0)
    return Decimal(0)


def _choices(p: Projection) -> list[tuple[int, str]]:
    return [(x.competency_id, x.label) for x in p.lines]


def _chosen(p: Projection, form: ProjectionForm):
    wanted = form.cleaned_data.get("competency") if form.is_bound and form.is_valid() else None
    line = next((x for x in p.lines if x.competency_id == wanted), None)
    if line is None:
        line = p.called_out[0] if p.called_out else (p.lines[0] if p.lines else None)
    return line


def _summary(base: Projection, other: Projection | None = None) -> list[dict]:
    rows = []
    for line in base.lines:
        twin = other.line(line.team_id, line.competency_id) if other else None
        rows.append(
            {
                "line": line,
                "now": line.points[0],
                "end": line.points[-1],
                "twin": twin,
                "twin_end": twin.points[-1] if twin else None,
            }
        )
    return rows


def _chart(base: Projection, line, scenario_line=None, scenario_name: str = ""):
    if line is None:
        return None
    series = [
        (gettext("Competent WTE"), [p.competent for p in line.points]),
        (gettext("Demand WTE"), [p.demand for p in line.points]),
    ]
    if scenario_line is not None:
        series.append(
            (
                gettext("Competent WTE in '%(name)s'") % {"name": scenario_name},
                [p.competent for p in scenario_line.points],
            )
        )
        if [p.demand for p in scenario_line.points] != series[1][1]:
            series.append(
                (
                    gettext("Demand WTE in '%(name)s'") % {"name": scenario_name},
                    [p.demand for p in scenario_line.points],
                )
            )
    below = (scenario_line or line).first_below
    return line_chart(base.months, series, below=below.on if below else None)


def _months(p: Projection) -> list[dict]:
    return [{"on": d, "label": month_label(d)} for d in p.months]


# --- the projection ------------------------------------------------------------------------


@login_required
@require_GET
def projection(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    today = dates.today()
    b = coverage.baseline([team.pk], today, practised=False)
    form = ProjectionForm(request.GET or None)
    growth = _growth(request, form)
    p = project(b, growth=growth)
    form = ProjectionForm(request.GET or None, competencies=_choices(p))
    line = _chosen(p, form)
    return render(
        request,
        "portal/skillmix/projection_team.html",
        {
            "team": team,
            "form": form,
            "projection": p,
            "baseline": b,
            "rows": _summary(p),
            "line": line,
            "chart": _chart(p, line),
            "months": _months(p),
            "growth": growth,
            "scenarios": policies.readable(request.user, team)[:20],
        },
    )


# --- scenarios -----------------------------------------------------------------------------


@login_required
def scenario_list(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    form = ScenarioForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = scenarios.create(request.user, team, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, gettext("Scenario saved. Add the changes you want to try."))
            return redirect("scenarios:scenario", team.pk, scenario.pk)
    items = list(policies.readable(request.user, team).prefetch_related("changes"))
    return render(
        request,
        "portal/skillmix/scenario_list.html",
        {"team": team, "form": form, "items": items, "max_compared": MAX_COMPARED},
    )


def _change_form(team: Team, b: coverage.Baseline, data=None) -> ChangeForm:
    people = [(m.staff_id, m.name) for m in b.assignments if m.team_id == team.pk]
    competencies = sorted(
        ((c, b.competency_label(c)) for c in set(b.levels) | {c for _, c in b.demand}),
        key=lambda x: x[1],
    )
    programmes = list(Programme.objects.published().order_by("title").values_list("pk", "title"))
    teams = list(
        Team.objects.filter(service_id=team.service_id)
        .exclude(pk=team.pk)
        .order_by("name")
        .values_list("pk", "name")
    )
    return ChangeForm(
        data, people=people, competencies=competencies, programmes=programmes, teams=teams
    )


def _add_change(request: HttpRequest, scenario: Scenario, form: ChangeForm) -> bool:
    if not form.is_valid():
        return False
    d = form.cleaned_data
    staff = StaffMember.objects.filter(pk=d["staff"]).first() if d.get("staff") else None
    programme = Programme.objects.filter(pk=d["programme"]).first() if d.get("programme") else None
    to_team = Team.objects.filter(pk=d["to_team"]).first() if d.get("to_team") else None
    try:
        scenarios.add_change(
            request.user,
            scenario,
            kind=d["kind"],
            from_month=d.get("from_month"),
            staff=staff,
            band=d.get("band") or "",
            wte=d.get("wte"),
            competencies=d.get("competencies") or [],
            programme=programme,
            to_team=to_team,
            percent=d.get("percent"),
            competency=d.get("competency") or None,
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return False
    messages.success(request, gettext("Change added."))
    return True


@login_required
def scenario(request: HttpRequest, pk: int, spk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    item = _scenario_or_404(request, team, spk)
    may_edit = policies.may_edit(request.user, item)
    today = dates.today()
    b = coverage.baseline([team.pk], today, practised=False)
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and action not in ("remove", "rename"):
        action = "add"
    change_form = _change_form(team, b, request.POST if action == "add" else None)
    rename_form = ScenarioForm(
        request.POST if action == "rename" else None, initial={"name": item.name}
    )
    if request.method == "POST":
        if not may_edit:
            _forbidden()
        done = False
        if action == "add":
            done = _add_change(request, item, change_form)
        elif action == "remove":
            change = ScenarioChange.objects.filter(
                scenario=item, pk=request.POST.get("change") or 0
            ).first()
            if change is None:
                messages.error(request, gettext("That change is no longer in the scenario."))
            else:
                scenarios.remove_change(request.user, change)
                messages.success(request, gettext("Change removed."))
                done = True
        elif action == "rename" and rename_form.is_valid():
            try:
                scenarios.rename(request.user, item, name=rename_form.cleaned_data["name"])
            except ValidationError as error:
                add_validation_errors(rename_form, error)
            else:
                messages.success(request, gettext("Scenario renamed."))
                done = True
        if done:
            return redirect("scenarios:scenario", team.pk, item.pk)
    growth_form = ProjectionForm(request.GET or None)
    growth = _growth(request, growth_form)
    base = project(b, growth=growth)
    plan = scenarios.plan_of(item)
    w, demand = scenarios.what_if(b, plan)
    mine = project(w, growth=growth, demand_changes=demand, team_ids=[team.pk])
    growth_form = ProjectionForm(request.GET or None, competencies=_choices(mine))
    line = _chosen(mine, growth_form)
    base_line = base.line(team.pk, line.competency_id) if line else None
    return render(
        request,
        "portal/skillmix/scenario_detail.html",
        {
            "team": team,
            "scenario": item,
            "may_edit": may_edit,
            "changes": plan.changes,
            "change_form": change_form,
            "rename_form": rename_form,
            "form": growth_form,
            "growth": growth,
            "projection": mine,
            "baseline_projection": base,
            "rows": _summary(base, mine),
            "line": line,
            "base_line": base_line,
            "chart": _chart(mine, base_line, line, item.name) if line else None,
            "months": _months(mine),
        },
    )


def _forbidden() -> None:
    raise PermissionDenied(gettext("Only the scenario's author can change it."))


@login_required
def scenario_delete(request: HttpRequest, pk: int, spk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    item = _scenario_or_404(request, team, spk)
    if not policies.may_edit(request.user, item):
        _forbidden()
    if request.method == "POST":
        scenarios.delete(request.user, item)
        messages.success(request, gettext("Scenario deleted."))
        return redirect("scenarios:list", team.pk)
    return render(request, "portal/skillmix/scenario_delete.html", {"team": team, "scenario": item})


@login_required
@require_GET
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    """The baseline and up to three scenarios side by side, competency by competency."""
    team = access.team_or_404(request.user, pk)
    wanted = [int(x) for x in request.GET.getlist("scenario") if x.isdigit()][:MAX_COMPARED]
    chosen = list(policies.readable(request.user, team).filter(pk__in=wanted))
    available = list(policies.readable(request.user, team))
    today = dates.today()
    b = coverage.baseline([team.pk], today, practised=False)
    base = project(b)
    columns = []
    for item in chosen:
        w, demand = scenarios.what_if(b, scenarios.plan_of(item))
        columns.append((item, project(w, demand_changes=demand, team_ids=[team.pk])))
    rows = []
    for line in base.lines:
        cells = []
        for _item, p in columns:
            twin = p.line(line.team_id, line.competency_id)
            cells.append(twin)
        rows.append({"line": line, "cells": cells})
    return render(
        request,
        "portal/skillmix/scenario_compare.html",
        {
            "team": team,
            "baseline_projection": base,
            "columns": columns,
            "rows": rows,
            "available": available,
            "wanted": {i.pk for i in chosen},
            "too_many": len([x for x in request.GET.getlist("scenario") if x]) > MAX_COMPARED,
            "max_compared": MAX_COMPARED,
        },
    )


@login_required
@require_GET
def workbook(request: HttpRequest, pk: int, spk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    item = _scenario_or_404(request, team, spk)
    b = coverage.baseline([team.pk], dates.today(), practised=False)
    plan = scenarios.plan_of(item)
    w, demand = scenarios.what_if(b, plan)
    content = scenario_exports.scenario_workbook(
        team.name,
        item.name,
        project(b),
        project(w, demand_changes=demand, team_ids=[team.pk]),
        [str(c.get_kind_display()) + scenario_exports.describe(c) for c in plan.changes],
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{scenario_exports.filename(team.name, item.name)}"'
    )
    return response


# --- who to train next ---------------------------------------------------------------------


def _objective(request: HttpRequest, person: StaffMember, candidate):
    months = 6
    if candidate.programme_id:
        months = Programme.objects.get(pk=candidate.programme_id).target_months or months
    return review_services.add_objective_to_open_review(
        person,
        request.user,
        data={
            "objective": gettext("Become competent in %(competency)s")
            % {"competency": candidate.competency},
            "gap": gettext("The team's demand for %(competency)s")
            % {"competency": candidate.competency},
            "dimension": None,
            "actions": (
                gettext("Complete %(programme)s") % {"programme": candidate.programme}
                if candidate.programme
                else gettext("Supervised practice, then a sign-off")
            ),
            "support": "",
            "target_date": dates.today() + relativedelta(months=months),
            "status": "",
        },
    )


def _nominate(request: HttpRequest, person: StaffMember, candidate) -> None:
    """Start the person's application for the candidate's programme (they complete it)."""
    if not candidate.programme_id:  # the page offers no button then; a crafted post says why
        raise ValidationError(
            gettext("No open programme signs off %(competency)s.")
            % {"competency": candidate.competency}
        )
    enrolment_services.nominate(
        person,
        Programme.objects.get(pk=candidate.programme_id),
        user=request.user,
        reason=gettext(
            "Nominated from the team's plan of who to train next: it would cover the team's "
            "demand for %(competency)s."
        )
        % {"competency": candidate.competency},
    )


@login_required
def train_next(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    today = dates.today()
    b = coverage.baseline([team.pk], today, practised=False)
    p = project(b)
    candidates = ranking.rank(b, p, team.pk, limit=20)
    form = TrainForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        found = None
        if form.is_valid():
            key = (form.cleaned_data["staff"], form.cleaned_data["competency"])
            found = next((c for c in candidates if (c.staff_id, c.competency_id) == key), None)
        if found is None:
            form.add_error(None, gettext("Choose someone from the list."))
        else:
            person = StaffMember.objects.select_related("user").get(pk=found.staff_id)
            try:
                if form.cleaned_data["action"] == "objective":
                    review = _objective(request, person, found)
                    messages.success(
                        request,
                        gettext("Objective added to %(name)s's development review.")
                        % {"name": person.full_name},
                    )
                    return redirect("reviews:detail", review.pk)
                _nominate(request, person, found)
            except (ValidationError, PermissionDenied) as refused:
                messages_ = getattr(refused, "messages", None) or [str(refused)]
                form.add_error(None, " ".join(str(m) for m in messages_))
            else:
                messages.success(
                    request,
                    gettext(
                        "%(name)s is nominated for %(programme)s and asked to complete the "
                        "application."
                    )
                    % {"name": person.full_name, "programme": found.programme},
                )
                return redirect("scenarios:train_next", team.pk)
    return render(
        request,
        "portal/skillmix/train_next.html",
        {"team": team, "candidates": candidates, "baseline": b, "form": form},
    )
