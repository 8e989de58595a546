"""Who may do what to which object: one policy per guarded model.

Grants are derived from the organisation's structure (who is whose line manager, who leads
which team) and stored as django-guardian rows, so every later feature asks the same question
the same way: ``policy.user_has_permission_for_instance(user, action, obj)``.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser, Permission, User
from django.db.models import Model, QuerySet
from guardian.shortcuts import get_objects_for_user
from wagtail.permission_policies.base import ModelPermissionPolicy


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


def _policy(model_label: str) -> ObjectPermissionPolicy:
    return ObjectPermissionPolicy(model_label)


staff_policy = _policy("ksf.StaffMember")


team_policy = _policy("ksf.Team")
