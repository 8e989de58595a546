"""Wagtail admin for caseload activity: the activity-to-competency map and the sources.

The map's form asks ``activity.map_rules`` whether a line may be saved, so the admin refuses
what the bulk upload refuses, in the same words. The map's list can be searched, filtered
(framework, code scheme, activity type, in force today), exported as a spreadsheet, and
replaced or extended by a bulk upload (``activity.map_io``) whose file has the columns of
"Download for upload". A source's column mapping is edited as one box per platform column.
"""

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from competencies.activity import map_io, map_rules
from competencies.activity.columns import COLUMNS as CANONICAL
from competencies.models import (
    ActivityRequirement,
    ActivitySource,
    Competency,
    Framework,
    ScaleValue,
)
from competencies.models.activity import Attendance
from ksf import dates
from ksf.admin_exports import SafeIndexView
from ksf.imports.tabular import ImportFailed, check_size
from ksf.viewsets import AdminViewSet

MAP = "competencies_activity_map"
SOURCES = "competencies_activity_source"


# --- The map -----------------------------------------------------------------------------------


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return gettext("%(framework)s %(version)s: %(competency)s") % {
            "framework": obj.framework.title,
            "version": obj.framework.version,
            "competency": obj,
        }


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ScaleValue) -> str:
        return f"{obj.framework.title} {obj.framework.version}: {obj.name}"


class ActivityRequirementForm(WagtailAdminModelForm):
    """A line of the map, checked by the map's rules (their messages show by the fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Published, current frameworks' competencies; a saved line keeps its own.
        current = self.instance.competency_id if self.instance.pk else None
        competencies = (
            Competency.objects.filter(
                Q(framework__live=True, framework__retired=False) | Q(pk=current or 0)
            )
            .select_related("framework")
            .order_by("framework__title", "framework__version", "depth", "sort_order")
        )
        if "competency" in self.fields:
            old = self.fields["competency"]
            self.fields["competency"] = CompetencyChoiceField(
                queryset=competencies,
                required=False,
                label=old.label,
                help_text=gettext(
                    "Competencies of published frameworks. Leave empty for everyday work that "
                    "needs no particular competency (its code is then known to imports)."
                ),
            )
        if "level" in self.fields:
            old = self.fields["level"]
            self.fields["level"] = LevelChoiceField(
                queryset=ScaleValue.objects.filter(
                    Q(framework__live=True, framework__retired=False)
                    | Q(framework__competencies__pk=current or 0)
                )
                .select_related("framework")
                .order_by("framework__title", "framework__version", "sort_order")
                .distinct(),
                required=False,
                label=old.label,
                help_text=old.help_text,
            )

    def clean(self):
        cleaned = super().clean()
        line = map_rules.Line(
            procedure_scheme=cleaned.get("procedure_scheme") or "snomed",
            procedure_code=cleaned.get("procedure_code") or "",
            activity_type=cleaned.get("activity_type") or "",
            label=cleaned.get("label") or "",
            competency=cleaned.get("competency"),
            level=cleaned.get("level"),
            valid_from=cleaned.get("valid_from"),
            valid_to=cleaned.get("valid_to"),
            lapse_months=cleaned.get("lapse_months"),
        )
        if self.errors:  # a field already refused (e.g. no competency chosen): say that first
            return cleaned
        instance = self.instance if self.instance.pk else None
        for field, refusals in map_rules.problems(line, instance=instance).items():
            for message in refusals:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


class InForce(django_filters.ChoiceFilter):
    def filter(self, qs, value):
        if value not in ("yes", "no"):
            return qs
        today = dates.today()
        now = Q(valid_from__lte=today) & (Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        return qs.filter(now) if value == "yes" else qs.exclude(now)


class ActivityRequirementFilterSet(WagtailFilterSet):
    framework = django_filters.ModelChoiceFilter(
        field_name="competency__framework",
        queryset=Framework.objects.order_by("title", "version"),
        label=gettext_lazy("Framework"),
    )
    in_force = InForce(
        choices=[("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))],
        label=gettext_lazy("In force today"),
        empty_label=gettext_lazy("Either"),
    )

    class Meta:
        model = ActivityRequirement
        fields = ["framework", "procedure_scheme", "activity_type", "in_force"]


def may_upload(user) -> bool:
    return user.has_perm("competencies.add_activityrequirement") and user.has_perm(
        "competencies.change_activityrequirement"
    )


class ActivityRequirementIndexView(SafeIndexView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if may_upload(self.request.user):
            buttons.append(
                HeaderButton(
                    gettext("Bulk upload"), url=reverse(f"{MAP}:upload"), icon_name="upload"
                )
            )
        return buttons

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("competency__framework", "level")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The map as CSV or Excel (.xlsx)"),
        help_text=gettext_lazy("With the columns of 'Download for upload'."),
    )


def upload_view(request: HttpRequest) -> HttpResponse:
    """Add or change lines of the map from a spreadsheet: every row, or none."""
    if not may_upload(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    failure = result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_MAX_BYTES:  # refused unread
                check_size(b"", upload.name, size=upload.size)
            result = map_io.upload(upload.read(), upload.name, user=request.user)
        except ImportFailed as exc:
            failure = exc
            form.add_error("file", map_io.upload_failed_summary(exc))
        else:
            messages.success(request, result.summary)
            return redirect(reverse(f"{MAP}:index"))
    return TemplateResponse(
        request,
        "competencies/admin/activity_map_upload.html",
        {
            "form": form,
            "failure": failure,
            "columns": map_io.COLUMNS,
            "required": map_io.REQUIRED,
            "page_title": gettext("Upload the activity map"),
            "header_icon": "upload",
            "index_url": reverse(f"{MAP}:index"),
        },
    )


@require_GET
def download_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The whole map with the upload's columns: change it and upload it again."""
    if not request.user.has_perm("competencies.view_activityrequirement"):
        raise PermissionDenied
    if fmt == "xlsx":
        response = HttpResponse(
            map_io.export_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(map_io.export_csv(), content_type="text/csv; charset=utf-8")
        fmt = "csv"
    response["Content-Disposition"] = f'attachment; filename="activity-map.{fmt}"'
    return response


class ActivityRequirementViewSet(AdminViewSet):
    model = ActivityRequirement
    name = MAP
    icon = "table"
    menu_label = gettext_lazy("Activity map")
    menu_order = 100
    index_view_class = ActivityRequirementIndexView
    filterset_class = ActivityRequirementFilterSet
    list_display = [
        "label",
        Column("procedure_code", label=gettext_lazy("Code")),
        Column(
            "activity_type",
            label=gettext_lazy("Activity type"),
            accessor="get_activity_type_display",
        ),
        Column("competency", label=gettext_lazy("Competency"), accessor="needs"),
        "level",
        "valid_from",
        "valid_to",
    ]
    list_export = [
        "label",
        "procedure_scheme",
        "procedure_code",
        "activity_type",
        "competency",
        "level",
        "valid_from",
        "valid_to",
        "lapse_months",
    ]
    export_filename = "activity-map"
    search_fields = ["label", "procedure_code"]
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        base_form_class=ActivityRequirementForm,
        children=[
            FieldPanel("label"),
            FieldRowPanel(
                [FieldPanel("procedure_scheme"), FieldPanel("procedure_code")],
                heading=gettext_lazy("Procedure"),
            ),
            FieldPanel("activity_type"),
            FieldRowPanel([FieldPanel("competency"), FieldPanel("level")]),
            FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
            FieldPanel("lapse_months"),
        ],
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("upload/", upload_view, name="upload"),
            path("download/<str:fmt>/", download_view, name="download"),
        ]


# --- Sources -----------------------------------------------------------------------------------


def _column_field(name: str) -> str:
    return f"column_{name}"


ATTENDANCE_HELP = gettext_lazy(
    "One per line: this source's value, '=', and what it means (attended, did_not_attend, "
    "cancelled_by_patient or cancelled_by_provider), e.g. 'ATT = attended'."
)


class _ActivitySourceForm(WagtailAdminModelForm):
    """A source, with its column mapping as one box per platform column."""

    attendance_text = forms.CharField(
        label=gettext_lazy("Attendance values"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=ATTENDANCE_HELP,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mapping = self.instance.column_mapping or {}
        for column in CANONICAL:
            field = self.fields.get(_column_field(column.name))
            if field is not None:
                field.initial = mapping.get(column.name, "")
        if "attendance_text" in self.fields:
            self.fields["attendance_text"].initial = "\n".join(
                f"{theirs} = {ours}"
                for theirs, ours in (self.instance.attendance_values or {}).items()
            )

    def clean_attendance_text(self) -> dict[str, str]:
        values: dict[str, str] = {}
        allowed = set(Attendance.values)
        problems = []
        for number, raw in enumerate(self.cleaned_data.get("attendance_text", "").splitlines(), 1):
            text = raw.strip()
            if not text:
                continue
            theirs, sep, ours = text.partition("=")
            theirs, ours = theirs.strip(), ours.strip().lower()
            if not sep or not theirs or ours not in allowed:
                problems.append(
                    gettext(
                        "Line %(line)s ('%(text)s'): write the source's value, '=', and one of "
                        "%(values)s."
                    )
                    % {"line": number, "text": text[:60], "values": ", ".join(sorted(allowed))}
                )
                continue
            values[theirs] = ours
        if problems:
            raise forms.ValidationError(problems)
        return values

    def clean(self):
        cleaned = super().clean()
        headings: dict[str, str] = {}
        for column in CANONICAL:
            name = _column_field(column.name)
            heading = (cleaned.get(name) or "").strip()
            if not heading:
                continue
            key = " ".join(heading.replace("_", " ").replace("-", " ").lower().split())
            if key in headings:
                self.add_error(
                    name,
                    gettext("'%(heading)s' is already given for %(column)s.")
                    % {"heading": heading, "column": headings[key]},
                )
            headings[key] = column.name
        return cleaned

    def save(self, commit: bool = True):
        source = super().save(commit=False)
        source.column_mapping = {
            column.name: (self.cleaned_data.get(_column_field(column.name)) or "").strip()
            for column in CANONICAL
            if (self.cleaned_data.get(_column_field(column.name)) or "").strip()
        }
        source.attendance_values = self.cleaned_data.get("attendance_text") or {}
        if commit:
            source.save()
        return source


def _column_fields() -> dict[str, forms.Field]:
    fields = {}
    for column in CANONICAL:
        label = (
            gettext_lazy("%(column)s (required)") % {"column": column.name}
            if column.required
            else column.name
        )
        fields[_column_field(column.name)] = forms.CharField(
            label=label,
            required=False,
            max_length=100,
            help_text=gettext_lazy("Empty: the extract calls it '%(column)s' or a usual alias.")
            % {"column": column.name},
        )
    return fields


# One box per canonical column, declared as the form's own fields.
ActivitySourceForm = type(_ActivitySourceForm)(
    "ActivitySourceForm", (_ActivitySourceForm,), {"__module__": __name__, **_column_fields()}
)


class ActivitySourceViewSet(AdminViewSet):
    model = ActivitySource
    name = SOURCES
    icon = "download"
    menu_label = gettext_lazy("Activity sources")
    menu_order = 200
    list_display = ["name", "code", Column("date_format", accessor="get_date_format_display")]
    list_export = ["name", "code", "description", "date_format"]
    export_filename = "activity-sources"
    search_fields = ["name"]
    inspect_view_enabled = True
    copy_view_enabled = False
    edit_handler = ObjectList(
        base_form_class=ActivitySourceForm,
        children=[
            FieldRowPanel([FieldPanel("name"), FieldPanel("code")]),
            FieldPanel("description"),
            FieldPanel("date_format"),
            MultiFieldPanel(
                [
                    HelpPanel(
                        content=gettext_lazy(
                            "For each platform column, the heading this source's extract "
                            "uses for it. Leave a box empty when the extract uses the "
                            "platform's own name (or a usual alias)."
                        )
                    ),
                    *[FieldPanel(_column_field(c.name)) for c in CANONICAL],
                ],
                heading=gettext_lazy("Column mapping"),
            ),
            FieldPanel("attendance_text"),
        ],
    )


class ActivityViewSetGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Caseload activity")
    menu_icon = "table"
    menu_order = 227
    items = (ActivityRequirementViewSet, ActivitySourceViewSet)
