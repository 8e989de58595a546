"""Wagtail admin for frameworks: a snippet with drafts, revisions, locking and moderation."""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
    SnippetCreateView,
)
from wagtail.snippets.views.snippets import (
    CollectWorkflowActionDataView,
    EditView,
    HistoryView,
    IndexView,
    InspectView,
    PreviewOnEditView,
    PreviewRevisionView,
    RevisionsCompareView,
    SnippetViewSet,
    UsageView,
    WorkflowActionView,
    WorkflowHistoryDetailView,
    WorkflowHistoryView,
)

from competencies.admin_forms import FrameworkForm
from competencies.frameworks.policies import framework_policy, may_read, readable_frameworks
from competencies.models import Framework, PostRequirement
from ksf.admin_exports import SafeSpreadsheetExportMixin
from ksf.viewsets import AdminViewSet


class FrameworkIndexView(SafeSpreadsheetExportMixin, IndexView):
    def get_base_queryset(self):
        # guardian's queryset filters through a Cast the search backend cannot read; the
        # frameworks a user may see are few, so hand the search a plain id filter.
        visible = readable_frameworks(self.request.user)
        return Framework.objects.filter(pk__in=list(visible.values_list("pk", flat=True)))


class ReadableFrameworkMixin:
    """Views of one framework answer only to those who may read it (see the policy)."""

    def dispatch(self, request, *args, **kwargs):
        framework = Framework.objects.filter(pk=unquote(str(kwargs.get("pk")))).first()
        if framework is not None and not may_read(request.user, framework):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class FrameworkInspectView(ReadableFrameworkMixin, InspectView):
    pass


class FrameworkHistoryView(ReadableFrameworkMixin, HistoryView):
    pass


class FrameworkUsageView(ReadableFrameworkMixin, UsageView):
    pass


class FrameworkPreviewRevisionView(ReadableFrameworkMixin, PreviewRevisionView):
    pass


class FrameworkRevisionsCompareView(ReadableFrameworkMixin, RevisionsCompareView):
    pass


class FrameworkPreviewOnEditView(ReadableFrameworkMixin, PreviewOnEditView):
    pass


class FrameworkWorkflowHistoryView(ReadableFrameworkMixin, WorkflowHistoryView):
    pass


class FrameworkWorkflowHistoryDetailView(ReadableFrameworkMixin, WorkflowHistoryDetailView):
    pass


class FrameworkChooseView(ChooseView):
    def get_object_list(self):
        return readable_frameworks(self.request.user)


class FrameworkChooseResultsView(ChooseResultsView):
    def get_object_list(self):
        return readable_frameworks(self.request.user)


class FrameworkChosenView(SnippetChosenView):
    def get_object(self, pk):
        return readable_frameworks(self.request.user).get(pk=pk)


class FrameworkChosenMultipleView(SnippetChosenMultipleView):
    def get_objects(self, pks):
        return readable_frameworks(self.request.user).filter(pk__in=pks)


class FrameworkEditView(EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        user = self.request.user
        task = obj.current_workflow_task
        reviewing = task is not None and task.specific.user_can_access_editor(obj, user)
        if not reviewing and not framework_policy.user_has_permission_for_instance(
            user, "change", obj
        ):
            raise PermissionDenied
        return obj

    def get(self, request, *args, **kwargs):
        refusal = _approval_refusal(self.object, request.user)
        if refusal:
            messages.info(request, refusal)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        framework = self.get_object()
        if framework.live or framework.retired:
            messages.error(
                request,
                # The link in the framework's help panel carries the same words.
                gettext("Published versions never change. Use '%(action)s' to make changes.")
                % {"action": gettext("Start a new version")},
            )
            return redirect(self.get_edit_url())
        return super().post(request, *args, **kwargs)


def _approval_refusal(framework, user) -> str | None:
    """The four-eyes rule of the task the framework waits on, if it has one."""
    task = framework.current_workflow_task if framework.workflow_in_progress else None
    refusal = getattr(task.specific, "approval_refusal", None) if task else None
    return refusal(framework, user) if refusal else None


class FourEyesActionMixin:
    """A direct request to approve one's own framework is sent back with the reason (the
    task refuses it either way; this turns a bare 403 into the message)."""

    def dispatch(self, request, *args, **kwargs):
        refusal = self.action_name == "approve" and _approval_refusal(self.object, request.user)
        if not refusal:
            return super().dispatch(request, *args, **kwargs)
        messages.error(request, refusal)
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            return self.render_modal_json(
                request, {"step": "success", "redirect": self.redirect_url}
            )
        return redirect(self.redirect_url)


class FrameworkWorkflowActionView(FourEyesActionMixin, WorkflowActionView):
    pass


class FrameworkCollectWorkflowActionDataView(FourEyesActionMixin, CollectWorkflowActionDataView):
    pass


class FrameworkChooserCreateView(SnippetCreateView):
    """Frameworks are started from the Frameworks menu or an import, never inside a chooser
    (it has no creation form; Wagtail would otherwise fail on a POST here)."""

    def can_create(self) -> bool:
        return False


class FrameworkChooserViewSet(SnippetChooserViewSet):
    choose_view_class = FrameworkChooseView
    choose_results_view_class = FrameworkChooseResultsView
    chosen_view_class = FrameworkChosenView
    chosen_multiple_view_class = FrameworkChosenMultipleView
    create_view_class = FrameworkChooserCreateView


class FrameworkViewSet(SnippetViewSet):
    chooser_viewset_class = FrameworkChooserViewSet
    model = Framework
    icon = "list-ul"
    menu_label = gettext_lazy("Frameworks")
    menu_order = 220
    add_to_admin_menu = True
    index_view_class = FrameworkIndexView
    edit_view_class = FrameworkEditView
    inspect_view_class = FrameworkInspectView
    history_view_class = FrameworkHistoryView
    usage_view_class = FrameworkUsageView
    revisions_view_class = FrameworkPreviewRevisionView
    revisions_compare_view_class = FrameworkRevisionsCompareView
    preview_on_edit_view_class = FrameworkPreviewOnEditView
    workflow_history_view_class = FrameworkWorkflowHistoryView
    workflow_history_detail_view_class = FrameworkWorkflowHistoryDetailView
    workflow_action_view_class = FrameworkWorkflowActionView
    collect_workflow_action_data_view_class = FrameworkCollectWorkflowActionDataView
    permission_policy = framework_policy
    list_display = [
        "title",
        "version",
        Column("get_status_display", label=gettext_lazy("Status")),
        "publisher",
        "owner",
    ]
    list_export = ["title", "idnumber", "version", "get_status_display", "publisher", "licence"]
    export_headings = {"get_status_display": gettext_lazy("Status")}
    search_fields = ["title", "idnumber", "publisher"]
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        base_form_class=FrameworkForm,
        children=[
            HelpPanel(
                template="competencies/admin/framework_help.html",
                heading=gettext_lazy("Competencies"),
            ),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("idnumber"), FieldPanel("version")]),
            FieldRowPanel([FieldPanel("publisher"), FieldPanel("licence")]),
            FieldPanel("source_url"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("taxonomy"), FieldPanel("validity_months")]),
            InlinePanel(
                "scale_values",
                heading=gettext_lazy("Proficiency scale"),
                label=gettext_lazy("Scale value"),
                min_num=1,
                panels=[
                    FieldRowPanel(
                        [FieldPanel("name"), FieldPanel("proficient"), FieldPanel("is_default")]
                    )
                ],
            ),
        ],
    )


class PostRequirementViewSet(AdminViewSet):
    model = PostRequirement
    name = "competencies_requirement"
    icon = "tick-inverse"
    menu_label = gettext_lazy("Post requirements")
    list_display = ["post", "competency", "required_value", "mandatory", "months_allowed"]
    list_filter = ["mandatory", "competency__framework", "post__service"]
    list_export = ["post", "competency", "required_value", "mandatory", "months_allowed"]
    search_fields = ["post__title", "competency__short_name"]
    form_fields = ["post", "competency", "required_value", "mandatory", "months_allowed"]
    inspect_view_enabled = True
    add_to_admin_menu = True
    menu_order = 225
