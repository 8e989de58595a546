"""Wagtail admin for fellowship programmes: a snippet with drafts and revisions.

A published version never changes (``Programme.is_editable``): its edit page says so and
offers "Start a new version"; a POST to it is refused with that message. Retiring withdraws
a published version from the site and from applications.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import SnippetChooserViewSet, SnippetCreateView
from wagtail.snippets.views.snippets import EditView, IndexView, SnippetViewSet, SnippetViewSetGroup

from fellowships import policies
from fellowships.admin_forms import MilestoneForm, ProgrammeForm
from fellowships.models import Programme
from fellowships.programmes import selectors, services

NAMESPACE = "wagtailsnippets_fellowships_programme"
programme_policy = policies.programme_policy
REFUSAL = gettext_lazy("Published versions never change. Use '%(action)s' to make changes.")


class MilestonePanel(InlinePanel):
    """The milestones, each with the form that checks its kind's own fields."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name]["form"] = MilestoneForm
        return options


class ProgrammeIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.with_enrolment_counts(super().get_base_queryset())


class ProgrammeEditView(EditView):
    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not programme_policy.user_has_permission_for_instance(self.request.user, "change", obj):
            raise PermissionDenied  # another educator's programme: its owner edits it
        return obj

    def get(self, request, *args, **kwargs):
        if not self.object.is_editable:
            messages.info(request, _refusal())
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.get_object().is_editable:
            messages.error(request, _refusal())
            return redirect(self.get_edit_url())
        return super().post(request, *args, **kwargs)


def _refusal() -> str:
    return str(REFUSAL) % {"action": gettext("Start a new version")}


class NewVersionForm(forms.Form):
    version = forms.CharField(
        label=gettext_lazy("New version"),
        max_length=20,
        help_text=gettext_lazy("e.g. 2.0; the code stays the same."),
    )


class RetireForm(forms.Form):
    """Nothing to fill in: the button confirms."""


def _programme(pk) -> Programme:
    return get_object_or_404(Programme, pk=unquote(str(pk)))


def _form_page(request, form, *, title: str, intro: str, submit: str, icon: str):
    return TemplateResponse(
        request,
        "fellowships/admin/form.html",
        {"form": form, "page_title": title, "intro": intro, "submit": submit, "header_icon": icon},
    )


def new_version_view(request, pk):
    programme = _programme(pk)
    if not programme_policy.user_has_permission(request.user, "add"):
        raise PermissionDenied
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.start_new_version(
                programme, form.cleaned_data["version"], user=request.user
            )
        except ValidationError as error:
            for message in error.message_dict.get("version", error.messages):
                form.add_error("version", message)
        else:
            messages.success(
                request,
                gettext("Started %(new)s as a draft copy of %(programme)s.")
                % {"new": new, "programme": programme},
            )
            return redirect(reverse(f"{NAMESPACE}:edit", args=[new.pk]))
    return _form_page(
        request,
        form,
        title=gettext("Start a new version of %(programme)s") % {"programme": programme},
        intro=gettext(
            "The new version starts as a draft copy with the same milestones. Fellows already "
            "enrolled stay on the version they started; new applications go to the new "
            "version once it is published."
        ),
        submit=gettext("Start new version"),
        icon="copy",
    )


def retire_view(request, pk):
    programme = _programme(pk)
    if not programme_policy.user_has_permission(request.user, "publish"):
        raise PermissionDenied
    form = RetireForm(request.POST or None)
    if request.method == "POST":
        try:
            services.retire(programme, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, gettext("%(programme)s is retired.") % {"programme": programme}
            )
        return redirect(reverse(f"{NAMESPACE}:list"))
    return _form_page(
        request,
        form,
        title=gettext("Retire %(programme)s") % {"programme": programme},
        intro=gettext(
            "A retired programme leaves the public site and takes no new applications. Fellows "
            "already enrolled on it carry on; it cannot be published again."
        ),
        submit=gettext("Retire"),
        icon="warning",
    )


class ProgrammeChooserCreateView(SnippetCreateView):
    """Programmes are started from the Fellowships menu, never inside a chooser (it has no
    creation form; Wagtail would otherwise fail on a POST here)."""

    def can_create(self) -> bool:
        return False


class ProgrammeChooserViewSet(SnippetChooserViewSet):
    create_view_class = ProgrammeChooserCreateView


MILESTONE_PANELS = [
    FieldRowPanel([FieldPanel("stage"), FieldPanel("kind")]),
    FieldPanel("title"),
    FieldRowPanel([FieldPanel("credits"), FieldPanel("pass_mark")], heading=gettext_lazy("Module")),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [
                    FieldPanel("target_entries"),
                    FieldPanel("target_hours"),
                    FieldPanel("supervision"),
                ]
            ),
            FieldPanel("category"),
            FieldRowPanel(
                [
                    FieldPanel("categories"),
                    FieldPanel("min_per_category"),
                    FieldPanel("appraised_percent"),
                ]
            ),
        ],
        heading=gettext_lazy("Logbook target"),
    ),
    FieldRowPanel(
        [FieldPanel("assessment_type"), FieldPanel("min_count")],
        heading=gettext_lazy("Workplace-based assessments"),
    ),
    FieldRowPanel(
        [FieldPanel("competency"), FieldPanel("level")],
        heading=gettext_lazy("Competency sign-off"),
    ),
]


class ProgrammeViewSet(SnippetViewSet):
    permission_policy = programme_policy
    model = Programme
    chooser_viewset_class = ProgrammeChooserViewSet
    icon = "group"
    menu_label = gettext_lazy("Programmes")
    menu_order = 100
    index_view_class = ProgrammeIndexView
    edit_view_class = ProgrammeEditView
    list_display = [
        "title",
        "code",
        "version",
        Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
        Column("get_status_display", label=gettext_lazy("Status")),
        Column("enrolment_count", label=gettext_lazy("Enrolments"), sort_key="enrolment_count"),
    ]
    list_filter = ["kind", "live", "retired"]
    list_export = ["title", "code", "version", "kind", "get_status_display", "partner"]
    export_headings = {"get_status_display": gettext_lazy("Status")}
    search_fields = ["title", "code"]
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        base_form_class=ProgrammeForm,
        children=[
            HelpPanel(
                template="fellowships/admin/programme_help.html",
                heading=gettext_lazy("Versions"),
            ),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("code"), FieldPanel("version")]),
            FieldRowPanel([FieldPanel("kind"), FieldPanel("target_months")]),
            FieldPanel("summary"),
            FieldPanel("partner"),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("min_band"), FieldPanel("min_years_qualified")]),
                    FieldPanel("professions"),
                    FieldPanel("prerequisite"),
                    FieldPanel("entry_notes"),
                ],
                heading=gettext_lazy("Entry criteria"),
            ),
            MultiFieldPanel(
                [FieldPanel("cost"), FieldPanel("funding_note")],
                heading=gettext_lazy("Cost and funding"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("supervisor_capacity"), FieldPanel("final_signoff_role")]
                    ),
                    FieldPanel("declaration"),
                ],
                heading=gettext_lazy("Supervision and sign-off"),
            ),
            HelpPanel(
                template="fellowships/admin/milestone_help.html",
                heading=gettext_lazy("Milestones"),
            ),
            MilestonePanel(
                "milestones",
                heading=gettext_lazy("Milestones"),
                label=gettext_lazy("Milestone"),
                panels=MILESTONE_PANELS,
            ),
        ],
    )

    def get_urlpatterns(self):
        conv = self.pk_path_converter
        return [
            *super().get_urlpatterns(),
            path(f"new-version/<{conv}:pk>/", new_version_view, name="new_version"),
            path(f"retire/<{conv}:pk>/", retire_view, name="retire"),
        ]


class FellowshipsViewSetGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("Fellowships")
    menu_icon = "group"
    menu_order = 230
    items = (ProgrammeViewSet,)


def programme_url(name: str, programme: Programme) -> str:
    return reverse(f"{NAMESPACE}:{name}", args=[quote(programme.pk)])
