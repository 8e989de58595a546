"""Admin wiring for frameworks, their tree editor and interchange pages."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from competencies import admin_views
from competencies.actions import FrameworkCreateAction
from competencies.activity_admin import ActivityViewSetGroup
from competencies.frameworks.policies import framework_policy
from competencies.models import (
    ActivityRequirement,
    ActivitySource,
    Competency,
    Framework,
    PostRequirement,
)
from competencies.requirements.policies import requirement_policy
from competencies.requirements.selectors import posts_requiring_framework
from competencies.viewsets import FrameworkViewSet, PostRequirementViewSet
from ksf.actions import AuditedCreateAction, AuditedDeleteAction, AuditedEditAction

register_snippet(FrameworkViewSet)


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [PostRequirementViewSet(), ActivityViewSetGroup()]


@hooks.register("insert_global_admin_css")
def admin_css():
    """Phone widths: wide tables scroll in place, the tree editor's fields fit the screen."""
    return format_html('<link rel="stylesheet" href="{}">', static("competencies/admin.css"))


@hooks.register("register_actions")
def register_actions(registry):
    registry.register(Framework, FrameworkCreateAction)
    for model in (Competency, PostRequirement, ActivityRequirement, ActivitySource):
        registry.register(model, AuditedCreateAction)
        registry.register(model, AuditedEditAction)
        registry.register(model, AuditedDeleteAction)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("frameworks/import/", admin_views.import_view, name="competencies_import"),
        path("frameworks/<int:pk>/tree/", admin_views.framework_tree, name="competencies_tree"),
        path(
            "frameworks/<int:pk>/new-version/",
            admin_views.new_version,
            name="competencies_new_version",
        ),
        path(
            "frameworks/<int:pk>/hand-over/",
            admin_views.hand_over_view,
            name="competencies_hand_over",
        ),
        path(
            "requirements/assign/",
            admin_views.assign_requirements_view,
            name="competencies_assign_requirements",
        ),
        path(
            "requirements/copy/",
            admin_views.copy_requirements_view,
            name="competencies_copy_requirements",
        ),
        path(
            "frameworks/<int:pk>/export/<str:fmt>/",
            admin_views.export_view,
            name="competencies_export",
        ),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return framework_policy.user_has_permission(request.user, "add")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Import framework"),
        reverse("competencies_import"),
        icon_name="upload",
        order=221,
    )


class RequirementsMenuItem(MenuItem):
    def is_shown(self, request):
        return requirement_policy.user_has_permission(request.user, "add")


@hooks.register("register_admin_menu_item")
def register_assign_menu_items():
    return RequirementsMenuItem(
        gettext_lazy("Assign requirements"),
        reverse("competencies_assign_requirements"),
        icon_name="tick-inverse",
        order=226,
    )


@hooks.register("register_requirement_source")
def register_requirement_sources():
    """The KSF outline first, then the post's required competencies (see development.registry)."""
    from competencies.development.sources import KSF_OUTLINE, POST_REQUIREMENTS

    return [KSF_OUTLINE, POST_REQUIREMENTS]


@hooks.register("before_delete_snippet")
def refuse_deleting_required_frameworks(request, instances):
    """A framework whose competencies posts require is protected, as Wagtail protects models
    referenced directly: say why, and point to retiring it or moving the requirements."""
    for framework in instances:
        if not isinstance(framework, Framework):
            continue
        if not framework_policy.user_has_permission_for_instance(request.user, "delete", framework):
            continue  # Wagtail refuses it as usual
        posts = posts_requiring_framework(framework)
        if posts:
            messages.error(
                request,
                ngettext(
                    "%(framework)s cannot be deleted: %(count)s post requires its competencies. "
                    "Move the requirement to another framework, or retire this one instead.",
                    "%(framework)s cannot be deleted: %(count)s posts require its competencies. "
                    "Move the requirements to another framework, or retire this one instead.",
                    posts,
                )
                % {"framework": framework, "count": posts},
            )
            return redirect(reverse("wagtailsnippets_competencies_framework:list"))
    return None
