"""Admin forms for programmes: the entry criteria's fields and each milestone's own rules."""

from django import forms
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from competencies.models import Competency, ScaleValue
from fellowships.models import Milestone
from ksf.models.choices import Profession


class CompetencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        code = f"{obj.code} " if obj.code else ""
        return f"{obj.framework.title}: {code}{obj.short_name}"


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.framework.title}: {obj.name}"


def published_competencies(keep=None):
    """Competencies of published, current frameworks, and the one already chosen if any."""
    queryset = Competency.objects.published()
    if keep:
        queryset = queryset | Competency.objects.filter(pk=keep)
    return queryset.select_related("framework").order_by("framework__title", "sort_order", "pk")


class LinesField(forms.CharField):
    """A JSON list of words, edited one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return self.to_python(initial or []) != self.to_python(data or "")


class ProgrammeForm(WagtailAdminModelForm):
    professions = forms.MultipleChoiceField(
        label=gettext_lazy("professions"),
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Professions that may apply; none ticked: any."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Whoever creates a programme owns it (its revisions carry the owner too).
        user = getattr(self, "for_user", None)
        if self.instance.pk is None and user is not None and user.is_authenticated:
            self.instance.owner = user
        if "prerequisite" in self.fields:
            self.fields["prerequisite"] = CompetencyChoiceField(
                queryset=published_competencies(self.instance.prerequisite_id),
                required=False,
                label=gettext("required competency"),
                help_text=gettext("A competency the applicant must already hold (verified)."),
            )

    def clean_professions(self) -> list[str]:
        chosen = self.cleaned_data.get("professions") or []
        return [p for p in Profession.values if p in chosen]  # in the list's own order


class MilestoneForm(WagtailAdminModelForm):
    """Each kind of milestone needs its own fields; the messages say which."""

    categories = LinesField(
        label=gettext_lazy("categories"),
        required=False,
        help_text=gettext_lazy(
            "One per line, e.g. Shoulder, Knee; with a minimum per category, each needs it."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "competency" in self.fields:
            self.fields["competency"] = CompetencyChoiceField(
                queryset=published_competencies(self.instance.competency_id),
                required=False,
                label=gettext("competency"),
            )
        if "level" in self.fields:
            self.fields["level"] = LevelChoiceField(
                queryset=ScaleValue.objects.select_related("framework").order_by(
                    "framework__title", "sort_order"
                ),
                required=False,
                label=gettext("at level"),
                help_text=gettext(
                    "A value of the competency's framework scale; empty: proficient."
                ),
            )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        no_target = not data.get("target_entries") and not data.get("target_hours")
        if kind == Milestone.Kind.LOGBOOK and no_target:
            self.add_error(
                "target_entries",
                gettext("A logbook target needs a number of entries or of hours (or both)."),
            )
        if kind == Milestone.Kind.ASSESSMENT:
            if not data.get("assessment_type"):
                self.add_error(
                    "assessment_type",
                    gettext("Choose the type of workplace-based assessment."),
                )
            if not data.get("min_count"):
                self.add_error(
                    "min_count",
                    gettext("Say how many satisfactory assessments are needed."),
                )
        if kind == Milestone.Kind.COMPETENCY:
            competency, level = data.get("competency"), data.get("level")
            if competency is None:
                self.add_error("competency", gettext("Choose the competency to be signed off."))
            elif level is not None and level.framework_id != competency.framework_id:
                self.add_error(
                    "level",
                    gettext(
                        "Choose a level of the scale of %(framework)s, the competency's framework."
                    )
                    % {"framework": competency.framework.title},
                )
        if data.get("min_per_category") and not data.get("categories"):
            self.add_error(
                "categories",
                gettext("A minimum per category needs the categories, one per line."),
            )
        return data
