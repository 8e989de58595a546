"""Portal pages for people, posts, teams and the KSF. Thin: selectors do the reading."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ksf import notifications, selectors
from ksf.models import StaffMember, Team
from ksf.permissions import staff_policy, team_policy


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
    person = StaffMember.objects.filter(staff_number=staff_number).first()
    # Not found and not allowed look the same, so a record's existence does not leak.
    if person is None or not staff_policy.user_has_permission_for_instance(
        request.user, "view_portfolio", person
    ):
        raise Http404("No such person")
    return render(
        request,
        "ksf/person_detail.html",
        {
            "person": person,
            "assignments": selectors.current_assignments(person),
            "history": person.assignments.select_related("post", "team").order_by("-start_date"),
            "is_self": person.user_id == request.user.pk,
            "can_manage": staff_policy.user_has_permission_for_instance(
                request.user, "manage_portfolio", person
            ),
        },
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_visible_to(request.user).order_by("service__name", "name")
    return render(request, "ksf/team_list.html", {"teams": teams})


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = Team.objects.select_related("service", "site", "lead").filter(pk=pk).first()
    if team is None or not team_policy.user_has_permission_for_instance(
        request.user, "view_workforce", team
    ):
        raise Http404("No such team")
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
