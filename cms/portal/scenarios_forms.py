"""Forms for the projection, what-if and who-to-train-next pages.

They collect and type input; ``fellowships.skillmix.scenarios`` decides each change and owns
its message (a WTE outside 0.01 to 1.00, an unknown competency, demand below -100%, a person
not in the team), shown on the field through ``add_validation_errors``. Fields are typed
loosely on purpose (text for numbers, ids for choices) so that the service, not the form,
refuses bad values with its own words.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm
from fellowships.models import ScenarioChange
from ksf.models import Band

MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month as ``YYYY-MM`` (the browser's month input) or a full date."""

    input_formats = ["%Y-%m", "%Y-%m-%d"]
    widget = MONTH


class ProjectionForm(PortalForm):
    """The growth in demand and the competency to chart. Bad values fall back to none."""

    growth = forms.DecimalField(
        label=_("Growth in demand a year (%)"),
        required=False,
        min_value=Decimal("-100"),
        max_value=Decimal("1000"),
        decimal_places=1,
        help_text=_("For example 5 for 5% more work each year. Leave empty for none."),
        widget=forms.NumberInput(attrs={"step": "0.1", "class": "nhsuk-input--width-4"}),
    )
    competency = forms.TypedChoiceField(
        label=_("Competency to chart"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, competencies: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", _("The first one called out")), *competencies]


class ScenarioForm(PortalForm):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)


class ChangeForm(PortalForm):
    """One change to a scenario; which fields apply depends on the kind."""

    kind = forms.ChoiceField(label=_("What changes"), choices=ScenarioChange.Kind.choices)
    from_month = MonthField(
        label=_("From (month)"), required=False, help_text=_("Leave empty for this month.")
    )
    staff = forms.TypedChoiceField(
        label=_("Person (leaves, enrols or moves)"), required=False, coerce=int, empty_value=None
    )
    band = forms.ChoiceField(label=_("Band (a new person)"), required=False)
    wte = forms.CharField(
        label=_("WTE (a new person)"),
        required=False,
        max_length=10,
        help_text=_("From 0.01 to 1.00."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
    )
    competencies = forms.MultipleChoiceField(
        label=_("Competencies a new person holds"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": "6"}),
    )
    programme = forms.TypedChoiceField(
        label=_("Programme (enrol)"), required=False, coerce=int, empty_value=None
    )
    to_team = forms.TypedChoiceField(
        label=_("Team they move to"), required=False, coerce=int, empty_value=None
    )
    percent = forms.CharField(
        label=_("Change in demand (%)"),
        required=False,
        max_length=10,
        help_text=_("For example 10 for 10% more, -25 for a quarter less. Not below -100."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-4"}),
    )
    competency = forms.CharField(
        label=_("Competency whose demand changes (empty: every one)"),
        required=False,
        max_length=20,
        widget=forms.Select(),
    )

    def __init__(
        self,
        *args,
        people=(),
        competencies=(),
        programmes=(),
        teams=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", _("Choose a person")), *people]
        self.fields["band"].choices = [("", _("Choose a band")), *Band.choices]
        # any id is accepted here: the service says when a competency does not exist
        self.fields["competencies"].choices = list(competencies)
        self.fields["competencies"].valid_value = lambda value: True
        self.fields["programme"].choices = [("", _("Choose a programme")), *programmes]
        self.fields["to_team"].choices = [("", _("Choose a team")), *teams]
        self.fields["competency"].widget.choices = [("", _("Every competency")), *competencies]

    @staticmethod
    def number(value: str):
        """The typed number, or the text itself for the service to refuse."""
        if value in (None, ""):
            return None
        try:
            return Decimal(value.strip())
        except (InvalidOperation, AttributeError):
            return value


class TrainForm(PortalForm):
    """One click on the who-to-train-next list."""

    action = forms.ChoiceField(
        choices=[
            ("objective", _("Add a PDP objective")),
            ("apply", _("Nominate for the programme")),
        ],
        widget=forms.HiddenInput,
    )
    staff = forms.IntegerField(widget=forms.HiddenInput)
    competency = forms.IntegerField(widget=forms.HiddenInput)
