"""Portal pages for people, posts, teams, the KSF and notifications. Thin: selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cms.portal.organisation_forms import PostSearchForm
from competencies.development.team import people_overview
from competencies.requirements.selectors import requirements_for_post
from fellowships import selectors as fellowship_selectors
from fellowships.models import Enrolment
from ksf import selectors, services
from ksf.access import can_manage, is_self, person_or_404, team_or_404
from ksf.models import Post, PostAssignment, StaffMember
from ksf.policies import team_policy


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    form = PostSearchForm(request.GET)
    query = form.query()
    posts = selectors.posts_for_outline_browse().order_by("service__name", "title")
    if query:
        posts = posts.filter(title__icontains=query)
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/organisation/post_list.html",
        {"page_obj": page, "query": query, "form": form},
    )


@login_required
def person_detail(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number)
    return render(
        request,
        "portal/organisation/person_detail.html",
        {
            "person": person,
            "assignments": selectors.current_assignments(person),
            "history": person.assignments.select_related("post", "team").order_by("-start_date"),
            "is_self": is_self(request.user, person),
            "can_manage": can_manage(request.user, person),
        },
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_visible_to(request.user).order_by("service__name", "name")
    return render(request, "portal/organisation/team_list.html", {"teams": teams})


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_or_404(request.user, pk)
    members = selectors.team_members(team)
    visible = set(selectors.people_visible_to(request.user).values_list("pk", flat=True))
    return render(
        request,
        "portal/organisation/team_detail.html",
        {
            "team": team,
            "members": members,
            "visible": visible,
            "summary": selectors.team_summary(team),
        },
    )


@login_required
def dimension_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/organisation/dimension_list.html",
        {"dimensions": selectors.dimensions_with_levels()},
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = request.user.notifications.all()
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/organisation/notification_list.html",
        {"page_obj": page, "unread": selectors.unread_for(request.user).count()},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)s notification marked as read.",
            "%(count)s notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("ksf:notifications")


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("service"), pk=pk)
    requirements = list(requirements_for_post(post))
    return render(
        request,
        "portal/organisation/post_detail.html",
        {
            "post": post,
            "outline": selectors.post_outline(post),
            "missing_core": selectors.missing_core_dimensions(post),
            "requirements": requirements,
            "mandatory_count": sum(1 for r in requirements if r.mandatory),
        },
    )


@login_required
def team_development(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's development at a glance: one row per member, one click to each person.

    Who may see named rows is the team policy's ``view_development``; a service lead sees the
    team's totals only.
    """
    team = team_or_404(request.user, pk)
    members = StaffMember.objects.filter(
        assignments__in=PostAssignment.objects.current().filter(team=team)
    ).distinct()
    rows = people_overview(members)
    totals = {key: sum(r.counts[key] for r in rows) for key in ("red", "amber", "green")}
    named = team_policy.user_has_permission_for_instance(request.user, "view_development", team)
    fellows = list(
        Enrolment.objects.filter(staff__in=members, status__in=Enrolment.OPEN)
        .select_related("programme", "staff")
        .order_by("target_date", "staff__last_name")
    )
    fellow_progress = fellowship_selectors.progress_for(fellows)
    return render(
        request,
        "portal/organisation/team_development.html",
        {
            "team": team,
            # Named only for those who may see named rows; a service lead reads the count.
            "fellows": [fellow_progress[e.pk] for e in fellows] if named else [],
            "fellow_count": len(fellows),
            "rows": rows if named else [],
            "named": named,
            "people": len(rows),
            "totals": totals,
            "total": sum(totals.values()),
            "overdue_reviews": sum(1 for r in rows if r.review and r.review.overdue),
            "signoffs_expiring": sum(r.signoffs_expiring for r in rows),
            "levels_expiring": sum(r.levels_expiring for r in rows),
            "signoffs_waiting": sum(r.signoffs_waiting for r in rows),
        },
    )
