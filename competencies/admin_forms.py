import json
import re

from bs4 import BeautifulSoup
from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.rich_text import DraftailRichTextArea

from competencies.models import Competency

# What a framework or competency description may hold when edited here. Imported HTML
# outside these (tables, say) is kept until someone edits that description.
DESCRIPTION_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "hr"]
_BLOCK_KEY = re.compile(r' data-block-key="[^"]*"')


class DescriptionEditor(DraftailRichTextArea):
    """A rich text editor for HTML descriptions, imported ones included.

    Moodle and CASE tools write HTML as browsers accept it (``<p>…<br></p>``); the editor's
    converter needs it well formed, so it is tidied before it is shown, never stored.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("features", DESCRIPTION_FEATURES)
        super().__init__(*args, **kwargs)

    def format_value(self, value):
        return super().format_value(str(BeautifulSoup(value or "", "html.parser")))

    def value_from_datadict(self, data, files, name):
        self.unreadable = False
        raw = forms.HiddenInput().value_from_datadict(data, files, name)
        if raw is None:
            return None
        try:
            json.loads(raw)
        except ValueError:
            return raw  # sent as text (no script ran): kept as given, cleaned when shown
        try:
            return self.converter.to_database_format(raw)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            self.unreadable = True  # the form refuses it (see kept_if_unchanged)
            return ""


def kept_if_unchanged(editor: DescriptionEditor, before: str, after: str) -> str:
    """``before`` as it was when the editor gives back the same content in its own markup.

    Saving a form unchanged must not rewrite an imported description (it would count as a
    change, and the four-eyes rule would refuse its approver).
    """
    if getattr(editor, "unreadable", False):
        raise forms.ValidationError(
            gettext("The description could not be read. Type it again, or paste it as text.")
        )
    if not before:
        return after
    again = editor.converter.to_database_format(editor.format_value(before))
    return before if _BLOCK_KEY.sub("", again) == _BLOCK_KEY.sub("", after or "") else after


class FrameworkForm(WagtailAdminModelForm):
    """A scale needs at least one proficient value and exactly one default."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].widget = DescriptionEditor()

    def clean_description(self) -> str:
        widget = self.fields["description"].widget
        value = self.cleaned_data.get("description", "")
        if not isinstance(widget, DescriptionEditor):
            return value
        return kept_if_unchanged(widget, self.instance.description, value)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        formset = self.formsets.get("scale_values")
        if formset is None or not hasattr(formset, "cleaned_data"):
            return valid
        rows = [
            f.cleaned_data
            for f in formset.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]
        if rows and not any(r.get("proficient") for r in rows):
            self.add_error(None, gettext("Mark at least one scale value as proficient."))
            valid = False
        if rows and sum(1 for r in rows if r.get("is_default")) > 1:
            self.add_error(None, gettext("Only one scale value can be the default."))
            valid = False
        taxonomy = self.cleaned_data.get("taxonomy") if hasattr(self, "cleaned_data") else None
        if taxonomy is not None and (
            not isinstance(taxonomy, list) or not all(isinstance(t, str) for t in taxonomy)
        ):
            self.add_error(
                "taxonomy", gettext('Give a list of labels, e.g. ["domain", "competency"].')
            )
            valid = False
        return valid


class CompetencyForm(forms.ModelForm):
    class Meta:
        model = Competency
        fields = ["parent", "idnumber", "code", "short_name", "description"]
        # The model's own names for these are not marked for translation.
        labels = {
            "parent": gettext_lazy("Parent"),
            "code": gettext_lazy("Code"),
            "short_name": gettext_lazy("Short name"),
            "description": gettext_lazy("Description"),
        }

    def __init__(self, *args, framework, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.framework_id is None:  # a new node: the model's checks need it
            self.instance.framework = framework
        self.fields["parent"].queryset = Competency.objects.filter(framework=framework)
        self.fields["parent"].required = False
        if self.instance.description_format == Competency.DescriptionFormat.MARKDOWN:
            # CASE statements are markdown, kept byte for byte: edited as the text they are.
            self.fields["description"].widget = forms.Textarea(attrs={"rows": 6})
        else:
            self.fields["description"].widget = DescriptionEditor()

    def clean_description(self) -> str:
        widget = self.fields["description"].widget
        value = self.cleaned_data.get("description", "")
        if not isinstance(widget, DescriptionEditor):
            return value
        return kept_if_unchanged(widget, self.instance.description, value)


class ImportFrameworkForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("A Moodle competency CSV or a CASE JSON package."),
    )
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[
            ("", gettext_lazy("Detect from the file")),
            ("moodle", gettext_lazy("Moodle CSV")),
            ("case", gettext_lazy("CASE JSON")),
        ],
        required=False,
    )


class NewVersionForm(forms.Form):
    version = forms.CharField(
        label=gettext_lazy("Version"), max_length=50, help_text=gettext_lazy("e.g. 2.0")
    )


class HandOverForm(forms.Form):
    to = forms.ModelChoiceField(queryset=User.objects.none(), label=gettext_lazy("New owner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = (
            User.objects.filter(groups__name__in=["Educators", "Administrators"], is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )


class AssignRequirementsForm(forms.Form):
    posts = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Posts"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick every post to change."),
    )
    competencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Competencies"),
        queryset=None,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=gettext_lazy("From published frameworks. Hold Ctrl (or Cmd) to choose several."),
    )
    mandatory = forms.BooleanField(
        label=gettext_lazy("Mandatory"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Untick for desirable."),
    )
    months_allowed = forms.IntegerField(
        label=gettext_lazy("Months allowed"), min_value=0, max_value=120, initial=12
    )

    def __init__(self, *args, **kwargs):
        from competencies.models import Competency
        from ksf.models import Post

        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = Post.objects.select_related("service").order_by(
            "service__name", "title"
        )
        self.fields["competencies"].queryset = (
            Competency.objects.published()
            .select_related("framework")
            .order_by("framework__title", "depth", "sort_order")
        )
        self.fields["competencies"].label_from_instance = lambda c: (
            f"{c.framework.title}: {c.code} {c.short_name}".replace("  ", " ")
        )


class CopyRequirementsForm(forms.Form):
    source = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Copy requirements from"))
    target = forms.ModelChoiceField(
        queryset=None, label=pgettext_lazy("copy requirements to a post", "To")
    )

    def __init__(self, *args, **kwargs):
        from ksf.models import Post

        super().__init__(*args, **kwargs)
        posts = Post.objects.select_related("service").order_by("service__name", "title")
        self.fields["source"].queryset = posts.filter(requirements__isnull=False).distinct()
        self.fields["target"].queryset = posts
