"""Reads about people, posts and teams. Views call these; they never write."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from ksf import dates
from ksf.models import (
    KSFDimension,
    Notification,
    OutlineEntry,
    Post,
    PostAssignment,
    StaffMember,
    Team,
)
from ksf.models.people import current_q
from ksf.policies import staff_policy, team_policy


def unread_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def staff_for_user(user: User | AnonymousUser) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    try:
        return user.staff_member
    except StaffMember.DoesNotExist:
        return None


def current_reports_for(
    manager: StaffMember, on: datetime.date | None = None
) -> QuerySet[StaffMember]:
    """People whose current assignment names this manager, or sits in a team they lead."""
    current = PostAssignment.objects.current(on)
    return (
        StaffMember.objects.filter(
            Q(assignments__in=current.filter(line_manager=manager))
            | Q(assignments__in=current.filter(team__lead=manager))
        )
        .exclude(pk=manager.pk)
        .distinct()
    )


def people_visible_to(user: User) -> QuerySet[StaffMember]:
    return staff_policy.instances_user_has_permission_for(user, "view_portfolio")


def people_managed_by(user: User) -> QuerySet[StaffMember]:
    """The people this user may act for as a manager (never themselves)."""
    qs = staff_policy.instances_user_has_permission_for(user, "manage_portfolio")
    me = staff_for_user(user)
    return qs.exclude(pk=me.pk) if me else qs


def teams_visible_to(user: User) -> QuerySet[Team]:
    return team_policy.instances_user_has_permission_for(user, "view_workforce").select_related(
        "service", "site", "lead"
    )


def with_headcount(teams: QuerySet[Team], on: datetime.date | None = None) -> QuerySet[Team]:
    """Teams annotated with ``people`` and ``wte`` in post on ``on``, in one query."""
    current = current_q(on or dates.today(), prefix="assignments__")
    return teams.annotate(
        people=Count("assignments__staff", filter=current, distinct=True),
        wte=Sum("assignments__wte", filter=current),
    )


def teams_led_by(staff: StaffMember) -> QuerySet[Team]:
    return Team.objects.filter(lead=staff).select_related("site", "service")


def teams_in_services_led_by(staff: StaffMember) -> QuerySet[Team]:
    return Team.objects.filter(service__lead=staff).select_related("site", "service", "lead")


def current_assignments(staff: StaffMember) -> QuerySet[PostAssignment]:
    return (
        PostAssignment.objects.current()
        .filter(staff=staff)
        .select_related("post", "team", "team__site", "line_manager")
    )


def current_line_manager(staff: StaffMember) -> StaffMember | None:
    """The line manager of the person's current post (the first, if they hold several)."""
    current = (
        PostAssignment.objects.current(dates.today())
        .filter(staff=staff, line_manager__isnull=False)
        .select_related("line_manager__user")
        .order_by("start_date", "pk")
        .first()
    )
    return current.line_manager if current else None


def team_members(team: Team) -> QuerySet[PostAssignment]:
    return (
        PostAssignment.objects.current()
        .filter(team=team)
        .select_related("staff", "post", "line_manager")
        .order_by("staff__last_name", "staff__first_name")
    )


def team_summary(team: Team) -> dict:
    """Headcount and WTE in post today, counted as the team lists count them."""
    counted = with_headcount(Team.objects.filter(pk=team.pk)).first()
    return {
        "people": getattr(counted, "people", 0) or 0,
        "wte": getattr(counted, "wte", 0) or 0,
    }


def post_outline(post: Post) -> list[OutlineEntry]:
    entries = (
        OutlineEntry.objects.filter(post=post)
        .select_related("dimension")
        .prefetch_related("indicators", "dimension__levels", "dimension__levels__indicators")
    )
    return list(entries)


def missing_core_dimensions(post: Post) -> list[KSFDimension]:
    present = OutlineEntry.objects.filter(post=post).values("dimension_id")
    return list(KSFDimension.objects.filter(kind=KSFDimension.Kind.CORE).exclude(pk__in=present))


def posts_with_incomplete_outlines() -> QuerySet[Post]:
    core_count = KSFDimension.objects.filter(kind=KSFDimension.Kind.CORE).count()
    return (
        Post.objects.annotate(
            core_present=Count("outline", filter=Q(outline__dimension__kind="core"))
        )
        .filter(core_present__lt=core_count)
        .select_related("service")
    )


def posts_for_outline_browse() -> QuerySet[Post]:
    return Post.objects.select_related("service").annotate(dimensions=Count("outline"))


def dimensions_with_levels() -> QuerySet[KSFDimension]:
    return KSFDimension.objects.prefetch_related(Prefetch("levels"), "levels__indicators").order_by(
        "sort_order"
    )


def current_lockouts() -> QuerySet[AccessAttempt]:
    """Accounts paused now by sign-in throttling (django-axes), most recent first."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
    ).order_by("-attempt_time")
