"""Admin wiring for the ksf app: menus, viewsets, extra pages, audit and actions."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from ksf import admin_views, audit
from ksf.actions import AuditedCreateAction, AuditedDeleteAction, AuditedEditAction
from ksf.imports.audit_batch import IMPORT_ACTION, StaffImportFormatter
from ksf.models import (
    BandCost,
    CareSite,
    Establishment,
    KSFDimension,
    KSFIndicator,
    Organisation,
    OutlineEntry,
    Post,
    PostAssignment,
    Service,
    StaffMember,
    Team,
)
from ksf.policies import staff_policy
from ksf.viewsets import KSFGroup, OrganisationGroup

AUDITED_MODELS = (
    Organisation,
    CareSite,
    Service,
    Team,
    StaffMember,
    Post,
    PostAssignment,
    OutlineEntry,
    KSFDimension,
    KSFIndicator,
    Establishment,
    BandCost,
)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [OrganisationGroup(), KSFGroup()]


@hooks.register("register_actions")
def register_actions(registry):
    for model in AUDITED_MODELS:
        registry.register(model, AuditedCreateAction)
        registry.register(model, AuditedEditAction)
        registry.register(model, AuditedDeleteAction)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(audit.CHANGE_ACTION)(audit.ChangeFormatter)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("staff-import/", admin_views.staff_import, name="ksf_staff_import"),
        path(
            "staff-import/template.csv",
            admin_views.staff_import_template,
            name="ksf_staff_import_template",
        ),
        path(
            "staff-import/runs/<int:pk>/",
            admin_views.staff_import_run,
            name="ksf_staff_import_run",
        ),
        path(
            "staff-import/runs/<int:pk>/status.json",
            admin_views.staff_import_run_status,
            name="ksf_staff_import_run_status",
        ),
        path("ksf/posts/<int:pk>/copy-outline/", admin_views.copy_outline, name="ksf_copy_outline"),
        path("sign-in-pauses/", admin_views.sign_in_lockouts, name="ksf_sign_in_lockouts"),
    ]


@hooks.register("register_log_actions")
def register_staff_import_log_action(actions):
    actions.register_action(IMPORT_ACTION)(StaffImportFormatter)


class StaffImportMenuItem(MenuItem):
    def is_shown(self, request):
        return staff_policy.user_has_permission(request.user, "add")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return StaffImportMenuItem(
        _("Import staff"), reverse("ksf_staff_import"), icon_name="upload", order=205
    )


class LockoutsMenuItem(MenuItem):
    def is_shown(self, request):
        return staff_policy.user_has_permission(request.user, "change")


@hooks.register("register_settings_menu_item")
def register_lockouts_menu_item():
    return LockoutsMenuItem(
        _("Sign-in pauses"), reverse("ksf_sign_in_lockouts"), icon_name="lock", order=900
    )
