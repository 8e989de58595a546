"""Portal pages for people, posts, teams and the KSF. Thin: selectors do the reading."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ksf import notifications, selectors
from ksf.access import can_manage, is_self, person_or_404, team_or_404


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    posts = selectors.posts_for_outline_browse().order_by("service__name", "title")
    if query:
        posts = posts.filter(title__icontains=query)
    page = Paginator(posts, 50).get_page(request.GET.get("page"))
    return render(request, "ksf/post_list.html", {"page_obj": page, "query": query})


@login_required
def person_detail(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number)
    return render(
        request,
        "ksf/person_detail.html",
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
    return render(request, "ksf/team_list.html", {"teams": teams})


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = team_or_404(request.user, pk)
    members = selectors.team_members(team)
    visible = set(selectors.people_visible_to(request.user).values_list("pk", flat=True))
    return render(
        request,
        "ksf/team_detail.html",
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
        request, "ksf/dimension_list.html", {"dimensions": selectors.dimensions_with_levels()}
    )


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = request.user.notifications.all()
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "ksf/notification_list.html",
        {"page_obj": page, "unread": notifications.unread_for(request.user).count()},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = notifications.mark_read(request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("ksf:notifications")
