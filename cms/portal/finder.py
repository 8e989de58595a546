"""Find a competent clinician: a referral's needs in, the clinicians who can take it out.

Thin: ``fellowships.skillmix.finder_policies`` says who may search and among whom (a
clinician without management responsibility is refused with 403), and
``fellowships.skillmix.finder`` reads the answer in a fixed number of queries. A search is a
GET (it reads, books nothing, and can be bookmarked or sent on).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cms.portal.finder_forms import FinderForm
from fellowships.skillmix import finder, finder_policies
from ksf import dates


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    if not finder_policies.may_search(request.user):
        raise PermissionDenied("Finding a clinician is for managers and leads")
    today = dates.today()
    sites = {s.pk: s for s in finder.sites()}
    teams = {
        t.pk: t
        for t in finder_policies.searchable_teams(request.user)
        .select_related("site")
        .order_by("name")
    }
    groups = finder.competency_choices()
    form = FinderForm(
        request.GET or None,
        competencies=groups,
        sites=[(pk, s.name) for pk, s in sites.items()],
        teams=[(pk, f"{t.name} ({t.site.name})") for pk, t in teams.items()],
        today=today,
    )
    result = None
    needed: list[str] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        site = sites[data["site"]] if data["site"] is not None else teams[data["team"]].site
        need = finder.Need(
            competency_ids=tuple(data["competencies"]),
            site=site,
            on=data["on"],
            assessment_hours=data["assessment_hours"],
            report_hours=data["report_hours"],
        )
        result = finder.find(request.user, need, today=today)
        labels = {pk: label for _f, items in groups for pk, label in items}
        needed = [labels[pk] for pk in data["competencies"]]
    return render(
        request,
        "portal/skillmix/finder_search.html",
        {"form": form, "result": result, "needed": needed, "today": today},
    )
