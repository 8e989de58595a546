"""Portal pages that draw on several apps: a post's requirements, a team's development."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from competencies.selectors import requirements_for_post
from competencies.team import people_overview
from ksf import selectors as ksf_selectors
from ksf.access import team_or_404
from ksf.models import Post, PostAssignment, StaffMember


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("service"), pk=pk)
    requirements = list(requirements_for_post(post))
    return render(
        request,
        "cms/post_detail.html",
        {
            "post": post,
            "outline": ksf_selectors.post_outline(post),
            "missing_core": ksf_selectors.missing_core_dimensions(post),
            "requirements": requirements,
            "mandatory_count": sum(1 for r in requirements if r.mandatory),
        },
    )


@login_required
def team_development(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's development at a glance: one row per member, one click to each person."""
    team = team_or_404(request.user, pk)
    members = StaffMember.objects.filter(
        assignments__in=PostAssignment.objects.current().filter(team=team)
    ).distinct()
    rows = people_overview(members)
    totals = {key: sum(r.counts[key] for r in rows) for key in ("red", "amber", "green")}
    return render(
        request,
        "cms/team_development.html",
        {
            "team": team,
            "rows": rows,
            "totals": totals,
            "total": sum(totals.values()),
            "overdue_reviews": sum(1 for r in rows if r.review and r.review.overdue),
            "expiring": sum(r.expiring for r in rows),
            "signoffs_waiting": sum(r.signoffs_waiting for r in rows),
        },
    )
