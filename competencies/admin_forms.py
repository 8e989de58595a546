from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from competencies.models import Competency


class FrameworkForm(WagtailAdminModelForm):
    """A scale needs at least one proficient value and exactly one default."""

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
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 3})


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
