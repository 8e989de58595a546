"""Who may do what with a fellowship: one policy, asked by pages, admin screens and services.

- The fellow reads their enrolment and logs in it while it is active.
- A supervisor reads the enrolments they currently supervise (assignment started and not
  ended, today) and signs in the role they hold; nobody else's, and never their own.
- The fellow's line manager and team lead read it (as they read the rest of the record).
- The lead of the service the fellow works in reads it and decides their applications.
- Educators (model-wide ``change_enrolment``) run every cohort: enrol, assign supervisors,
  pause, withdraw; administrators do everything.
Structure is read on today's date, as ``ksf.policies`` reads it.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from wagtail.permission_policies.base import ModelPermissionPolicy

from fellowships.models import Application, Enrolment, Programme, SupervisorAssignment
from ksf import dates
from ksf.models import PostAssignment, StaffMember
from ksf.policies import _active

AnyUser = User | AnonymousUser


def current_supervision(today: datetime.date | None = None) -> QuerySet[SupervisorAssignment]:
    today = today or dates.today()
    return SupervisorAssignment.objects.filter(starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def _structure(user: User, today: datetime.date) -> Q:
    """Fellows the user manages, leads the team of, or leads the service of, today."""
    current = PostAssignment.objects.current(today).filter(
        Q(line_manager__user=user) | Q(team__lead__user=user) | Q(team__service__lead__user=user)
    )
    return Q(staff_id__in=current.values("staff_id"))


class EnrolmentPolicy:
    def readable(self, user: AnyUser) -> QuerySet[Enrolment]:
        enrolments = Enrolment.objects.all()
        if not _active(user):
            return enrolments.none()
        if user.has_perm("fellowships.view_enrolment"):
            return enrolments
        today = dates.today()
        supervised = current_supervision(today).filter(supervisor__user=user)
        return enrolments.filter(
            Q(staff__user=user)
            | Q(pk__in=supervised.values("enrolment_id"))
            | _structure(user, today)
        )

    def may_read(self, user: AnyUser, enrolment: Enrolment) -> bool:
        return self.readable(user).filter(pk=enrolment.pk).exists()

    def is_fellow(self, user: AnyUser, enrolment: Enrolment) -> bool:
        return _active(user) and enrolment.staff.user_id == user.pk

    def supervisor_roles(self, user: AnyUser, enrolment: Enrolment) -> set[str]:
        """The roles in which the user supervises this fellow today (empty: none)."""
        if not _active(user) or enrolment.staff.user_id == user.pk:
            return set()
        return set(
            current_supervision()
            .filter(enrolment=enrolment, supervisor__user=user)
            .values_list("role", flat=True)
        )

    def may_manage(self, user: AnyUser, enrolment: Enrolment | None = None) -> bool:
        """Enrol, assign supervisors, pause, resume, withdraw: educators and administrators."""
        return _active(user) and user.has_perm("fellowships.change_enrolment")

    def supervised_by(self, user: AnyUser) -> QuerySet[Enrolment]:
        """The enrolments the user supervises today: their queue."""
        if not _active(user):
            return Enrolment.objects.none()
        return Enrolment.objects.filter(
            pk__in=current_supervision().filter(supervisor__user=user).values("enrolment_id")
        ).exclude(staff__user=user)


class ApplicationPolicy:
    def readable(self, user: AnyUser) -> QuerySet[Application]:
        applications = Application.objects.all()
        if not _active(user):
            return applications.none()
        if user.has_perm("fellowships.view_application"):
            return applications
        return applications.filter(Q(staff__user=user) | _structure(user, dates.today()))

    def may_decide(self, user: AnyUser, application: Application) -> bool:
        """The lead of the applicant's service today, or a holder of ``change_application``."""
        if not _active(user) or application.staff.user_id == user.pk:
            return False
        if user.has_perm("fellowships.change_application"):
            return True
        return (
            PostAssignment.objects.current(dates.today())
            .filter(staff_id=application.staff_id, team__service__lead__user=user)
            .exists()
        )

    def may_nominate(self, user: AnyUser, person: StaffMember) -> bool:
        """The person's line manager, team lead or service lead today, or a holder of
        ``change_application``; never the person themselves (they apply)."""
        if not _active(user) or person.user_id == user.pk:
            return False
        if user.has_perm("fellowships.change_application"):
            return True
        today = dates.today()
        return (
            PostAssignment.objects.current(today)
            .filter(staff_id=person.pk)
            .filter(_structure(user, today))
            .exists()
        )

    def may_support(self, user: AnyUser, application: Application) -> bool:
        """The applicant's current line manager writes the support statement."""
        if not _active(user) or application.staff.user_id == user.pk:
            return False
        return (
            PostAssignment.objects.current(dates.today())
            .filter(staff_id=application.staff_id, line_manager__user=user)
            .exists()
        )


enrolment_policy = EnrolmentPolicy()
application_policy = ApplicationPolicy()


class ProgrammePolicy(ModelPermissionPolicy):
    """Educators edit, publish and retire only the programmes they own (or nobody owns yet);
    administrators any. Reading and adding are model-wide, as for frameworks."""

    OWNED = frozenset({"change", "delete", "publish", "lock", "unlock"})

    @staticmethod
    def _administers(user: User) -> bool:
        from ksf.roles import Role, roles_for

        return user.is_superuser or Role.ADMINISTRATOR in roles_for(user)

    def user_has_permission_for_instance(self, user: AnyUser, action: str, instance) -> bool:
        if not super().user_has_permission_for_instance(user, action, instance):
            return False
        if action not in self.OWNED or not _active(user) or self._administers(user):
            return True
        return instance.owner_id in (None, user.pk)

    def instances_user_has_any_permission_for(self, user: AnyUser, actions) -> QuerySet:
        actions = list(actions)
        found = super().instances_user_has_any_permission_for(user, actions)
        if not _active(user) or self._administers(user) or not set(actions) <= self.OWNED:
            return found
        return found.filter(Q(owner__isnull=True) | Q(owner=user))


programme_policy = ProgrammePolicy(Programme)
