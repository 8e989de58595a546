"""Who may do what to which object: one policy per guarded model, asked by every page.

Each policy answers two questions the same way for portal pages, admin screens and services:
"may this user do X to this object" (``user_has_permission_for_instance``) and "which
objects may this user do X to" (``instances_user_has_permission_for``).

Access that comes from the organisation's structure (line manager, team lead, service lead)
is read from the structure itself, on today's date, so it starts on an assignment's start
date and ends on its end date whether or not the daily grant sync (``ksf.grants``) has run.
Model-wide permissions come from the role groups; single-object grants from django-guardian.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import AnonymousUser, Permission, User
from django.db.models import Model, Q, QuerySet
from guardian.shortcuts import get_objects_for_user
from wagtail.permission_policies.base import ModelPermissionPolicy

from ksf import dates

if TYPE_CHECKING:
    from ksf.models import DevelopmentReview

AnyUser = User | AnonymousUser


def _active(user: AnyUser) -> TypeGuard[User]:
    """True for a signed-in, active user (never for the anonymous user)."""
    return bool(user.is_authenticated and user.is_active)


class ObjectPermissionPolicy(ModelPermissionPolicy):
    """Model-wide permission (groups) or a guardian grant on the single object."""

    def user_has_permission_for_instance(
        self, user: User | AnonymousUser, action: str, instance: Model
    ) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        perm = self._get_permission_name(action)
        return user.has_perm(perm) or user.has_perm(perm, instance)

    def instances_user_has_any_permission_for(
        self, user: User | AnonymousUser, actions: Iterable[str]
    ) -> QuerySet:
        if not user.is_authenticated or not user.is_active:
            return self.model._default_manager.none()
        known = set(
            Permission.objects.filter(
                content_type=self._content_type,
                codename__in=self._get_permission_codenames(actions),
            ).values_list("codename", flat=True)
        )
        perms = [f"{self.app_label}.{codename}" for codename in known]
        if not perms:  # e.g. "publish" on a model that is never published
            return self.model._default_manager.none()
        return get_objects_for_user(
            user,
            perms,
            klass=self.model._default_manager.all(),
            any_perm=True,
            accept_global_perms=True,
            with_superuser=True,
        )

    def user_has_permission(self, user: User | AnonymousUser, action: str) -> bool:
        """True if the user may do this to at least one object (used to show menus)."""
        if not user.is_authenticated or not user.is_active:
            return False
        if super().user_has_permission(user, action):
            return True
        return self.instances_user_has_permission_for(user, action).exists()


class StaffPolicy(ObjectPermissionPolicy):
    """A person's development record.

    ``view_portfolio``: the person, their current line manager, the lead of a team they are
    currently in, and holders of the model-wide permission (administrators).
    ``manage_portfolio``: the same managers and administrators, never the person themselves.
    """

    STRUCTURAL = ("view_portfolio", "manage_portfolio")

    @staticmethod
    def _managed_by(user: User) -> Q:
        from ksf.models import PostAssignment

        current = PostAssignment.objects.current(dates.today()).filter(
            Q(line_manager__user=user) | Q(team__lead__user=user)
        )
        return Q(pk__in=current.values("staff_id"))

    def user_has_permission_for_instance(self, user: AnyUser, action: str, instance: Model) -> bool:
        if action not in self.STRUCTURAL:
            return super().user_has_permission_for_instance(user, action, instance)
        if not _active(user):
            return False
        own = getattr(instance, "user_id", None) == user.pk
        if action == "manage_portfolio" and own:
            return False
        if own or user.has_perm(self._get_permission_name(action)):
            return True
        return self.model._default_manager.filter(self._managed_by(user), pk=instance.pk).exists()

    def instances_user_has_any_permission_for(
        self, user: AnyUser, actions: Iterable[str]
    ) -> QuerySet:
        actions = list(actions)
        if not set(actions) <= set(self.STRUCTURAL):
            return super().instances_user_has_any_permission_for(user, actions)
        people = self.model._default_manager.all()
        if not _active(user):
            return people.none()
        if any(user.has_perm(self._get_permission_name(a)) for a in actions):
            return people
        wanted = self._managed_by(user)
        if "view_portfolio" in actions:
            wanted |= Q(user=user)
        else:
            people = people.exclude(user=user)
        return people.filter(wanted)


class TeamPolicy(ObjectPermissionPolicy):
    """What may be seen of a team.

    ``view_workforce`` (headcount, WTE, who is in post, the team's totals of red, amber and
    green): its lead, the lead of its service, administrators.
    ``view_development`` (named development records: each member's status, reviews, PDP
    objectives, the team's plans workbook): its lead and administrators. A service lead
    answers for capacity across teams, not for individuals' development, so sees figures for
    the team but no one's record, exactly as the people's own pages answer them 404.
    """

    ACTIONS = ("view_workforce", "view_development")

    def _leads(self, user: User, action: str) -> Q:
        if action == "view_development":
            return Q(lead__user=user)
        return Q(lead__user=user) | Q(service__lead__user=user)

    def user_has_permission_for_instance(self, user: AnyUser, action: str, instance: Model) -> bool:
        if action not in self.ACTIONS:
            return super().user_has_permission_for_instance(user, action, instance)
        if not _active(user):
            return False
        if user.has_perm(self._get_permission_name("view_workforce")):
            return True  # administrators: model-wide
        return self.model._default_manager.filter(
            self._leads(user, action), pk=instance.pk
        ).exists()

    def instances_user_has_any_permission_for(
        self, user: AnyUser, actions: Iterable[str]
    ) -> QuerySet:
        actions = list(actions)
        if len(actions) != 1 or actions[0] not in self.ACTIONS:
            return super().instances_user_has_any_permission_for(user, actions)
        teams = self.model._default_manager.all()
        if not _active(user):
            return teams.none()
        if user.has_perm(self._get_permission_name("view_workforce")):
            return teams
        return teams.filter(self._leads(user, actions[0]))


staff_policy = StaffPolicy("ksf.StaffMember")
team_policy = TeamPolicy("ksf.Team")
post_policy = ModelPermissionPolicy("ksf.Post")


@dataclass(frozen=True)
class ReviewAccess:
    """What a user may do with one development review."""

    can_read: bool
    is_person: bool
    is_reviewer: bool

    @property
    def is_party(self) -> bool:
        return self.is_person or self.is_reviewer


class ReviewPolicy:
    """Development reviews: the person and the reviewer take part; whoever may view the
    person's record (their managers, administrators) reads. Only a manager of the person who
    has a staff record can start one and become its reviewer."""

    def access(self, user: AnyUser, review: "DevelopmentReview") -> ReviewAccess:
        if not _active(user):
            return ReviewAccess(False, False, False)
        is_person = review.staff.user_id == user.pk
        is_reviewer = review.reviewer.user_id == user.pk
        can_read = (
            is_person
            or is_reviewer
            or staff_policy.user_has_permission_for_instance(user, "view_portfolio", review.staff)
        )
        return ReviewAccess(can_read, is_person, is_reviewer)

    def may_start(self, user: AnyUser, person: Model) -> bool:
        from ksf.models import StaffMember

        if not _active(user):
            return False
        return (
            staff_policy.user_has_permission_for_instance(user, "manage_portfolio", person)
            and StaffMember.objects.filter(user_id=user.pk).exists()
        )

    def readable_by(self, user: AnyUser) -> "QuerySet[DevelopmentReview]":
        """Every review this user may read: their own, those they hold, and those of people
        whose record they may view."""
        from ksf.models import DevelopmentReview

        if not _active(user):
            return DevelopmentReview.objects.none()
        people = staff_policy.instances_user_has_permission_for(user, "view_portfolio")
        return DevelopmentReview.objects.filter(
            Q(staff__user=user) | Q(reviewer__user=user) | Q(staff__in=people.values("pk"))
        )


review_policy = ReviewPolicy()
