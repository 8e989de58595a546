"""The activity upload's forms: choose the source and the file, then confirm the preview."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import NHSFormMixin
from cms.portal.portfolio_forms import FilesNotKeptMixin
from competencies.models import ActivitySource


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ActivitySource) -> str:
        return obj.name


class UploadForm(FilesNotKeptMixin, NHSFormMixin, forms.Form):
    file_fields = ("file",)

    source = SourceChoiceField(
        queryset=ActivitySource.objects.order_by("name"),
        label=_("Which system the extract comes from"),
        help_text=_(
            "Its saved column mapping says which of the file's columns the platform reads."
        ),
        empty_label=_("Choose a source"),
        error_messages={"required": _("Choose the system the extract comes from.")},
    )
    file = forms.FileField(
        label=_("The extract, as CSV or Excel (.xlsx)"),
        help_text=_("One row per care activity. Nothing is imported until you confirm."),
        error_messages={"required": _("Choose the file to upload.")},
    )


class ConfirmForm(NHSFormMixin, forms.Form):
    """Nothing to fill in: the buttons say import or start again."""
