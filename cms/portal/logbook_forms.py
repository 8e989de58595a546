"""Portal forms for the fellowship logbook, its sign-off and workplace-based assessments.

The forms collect and type what a person enters; the rules and their messages live in
fellowships.logbook (rules and services), and a refusal is shown next to its field.
"""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import NHSFormMixin, lazy_format
from cms.portal.portfolio_forms import DateInput
from fellowships.logbook import rules
from fellowships.logbook import services as logbook_services
from fellowships.logbook.selectors import Defaults
from fellowships.models import Assessment, LogbookEntry, Milestone
from ksf.models import StaffMember

DATE_ERRORS = {
    "required": _("Enter the date of the case."),
    "invalid": _("Enter a real date, for example 14/03/2025."),
}


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _minutes_text(minutes: int | None) -> str:
    if not minutes:
        return ""
    return str(minutes)


class EntryForm(NHSFormMixin, forms.Form):
    """One case on one screen: the quick entry a fellow fills in on a phone after a clinic."""

    date = forms.DateField(label=_("Date"), widget=DateInput, error_messages=DATE_ERRORS)
    category = forms.CharField(
        label=_("Category"),
        max_length=100,
        error_messages={"required": _("Choose the category of the case.")},
        help_text=_("The body region or clinical area."),
    )
    supervised = forms.BooleanField(label=_("Supervised"), required=False)
    minutes = forms.CharField(
        label=_("Duration"),
        max_length=5,
        error_messages={"required": _("Enter how long the case took, in minutes or as hh:mm.")},
        help_text=_("Minutes, e.g. 45, or hours and minutes, e.g. 1:15."),
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-5", "inputmode": "text"}),
    )
    case_reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        required=False,
        help_text=_(
            "Your own pseudonymised reference, e.g. US-014. Never a patient's name, NHS number, "
            "date of birth or postcode."
        ),
    )
    findings = forms.CharField(label=_("Findings or outcome"), required=False, widget=_textarea())
    reflection = forms.CharField(label=_("Reflection"), required=False, widget=_textarea())

    def __init__(
        self,
        *args,
        categories: list[str],
        entry: LogbookEntry | None = None,
        defaults: Defaults | None = None,
        **kwargs,
    ):
        if "initial" not in kwargs:
            if entry is not None:
                kwargs["initial"] = {
                    "date": entry.date,
                    "category": entry.category,
                    "supervised": entry.supervised,
                    "minutes": _minutes_text(entry.minutes),
                    "case_reference": entry.case_reference,
                    "findings": entry.findings,
                    "reflection": entry.reflection,
                }
            elif defaults is not None:
                kwargs["initial"] = {
                    "date": defaults.date,
                    "category": defaults.category,
                    "supervised": defaults.supervised,
                    "minutes": _minutes_text(defaults.minutes),
                }
        super().__init__(*args, **kwargs)
        self.categories = categories
        if categories:
            field = self.fields["category"]
            choices = [("", gettext("Choose a category"))] + [(c, c) for c in categories]
            current = (self.initial.get("category") or "").strip()
            if current and current.casefold() not in {c.casefold() for c in categories}:
                choices.append((current, current))  # an entry logged before the list changed
            field.widget = forms.Select(choices=choices, attrs={"class": "nhsuk-select"})
            field.widget.attrs["aria-describedby"] = "id_category-hint"

    def clean_minutes(self) -> int | None:
        text = self.cleaned_data["minutes"]
        minutes = rules.parse_minutes(text)
        if minutes is None:
            raise forms.ValidationError(
                gettext("Give the duration in minutes (e.g. 45) or as hh:mm (e.g. 0:45).")
            )
        return minutes

    def to_input(self) -> logbook_services.EntryInput:
        data = self.cleaned_data
        return logbook_services.EntryInput(
            date=data["date"],
            category=data["category"],
            minutes=data["minutes"],
            supervised=data["supervised"],
            case_reference=data["case_reference"],
            findings=data["findings"],
            reflection=data["reflection"],
        )


class FilterForm(NHSFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args, categories: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", gettext("Any status")), *LogbookEntry.Status.choices]
        self.fields["category"].choices = [
            ("", gettext("Any category")),
            *[(c, c) for c in categories],
        ]

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["status"], self.cleaned_data["category"]


class UploadForm(NHSFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Upload a CSV file"),
        required=False,
        help_text=lazy_format(
            _("A .csv (or .xlsx) file of up to %(rows)s rows and %(size)s MB."),
            rows=f"{rules.BULK_MAX_ROWS:,}",
            size=rules.BULK_MAX_BYTES // (1024 * 1024),
        ),
    )
    pasted = forms.CharField(
        label=_("Or paste the rows here"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("Copy the rows from a spreadsheet, with the header row first."),
    )

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("pasted") or "").strip():
            raise forms.ValidationError(gettext("Choose a file to upload, or paste the rows."))
        if data.get("file") and (data.get("pasted") or "").strip():
            raise forms.ValidationError(
                gettext("Upload a file or paste rows, not both: add one at a time.")
            )
        return data

    def content(self) -> tuple[bytes, str]:
        upload = self.cleaned_data.get("file")
        if upload:
            # No more than one byte over the limit is read: the reader then refuses it whole.
            return upload.read(rules.BULK_MAX_BYTES + 1), upload.name
        text = self.cleaned_data["pasted"]
        lines = text.splitlines()
        if lines and "\t" in lines[0] and "," not in lines[0]:  # copied from a spreadsheet
            text = "\n".join(",".join(_quote(c) for c in line.split("\t")) for line in lines)
        return text.encode("utf-8"), gettext("pasted rows") + ".csv"


def _quote(cell: str) -> str:
    cell = cell.strip()
    if any(ch in cell for ch in ',"\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


class ReturnForm(NHSFormMixin, forms.Form):
    feedback = forms.CharField(
        label=_("Feedback for the fellow"),
        widget=_textarea(5),
        error_messages={
            "required": _("Say what the fellow should change, so they know what to do.")
        },
        help_text=_("What to change or add before you can sign it off. The fellow sees this."),
    )


class RequestAssessmentForm(NHSFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Type of assessment"),
        choices=Milestone.AssessmentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of assessment.")},
    )
    focus = forms.CharField(
        label=_("What is to be assessed"),
        max_length=200,
        error_messages={
            "required": _("Say what is to be assessed, e.g. guided shoulder injection.")
        },
        help_text=_("e.g. guided shoulder injection."),
    )
    assessor = forms.ModelChoiceField(
        label=_("Assessor"),
        queryset=StaffMember.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose one of your current supervisors to assess you."),
            "invalid_choice": _("Choose one of your current supervisors to assess you."),
        },
        help_text=_("One of your current supervisors."),
    )

    def __init__(self, *args, supervisors: list[StaffMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = StaffMember.objects.filter(
            pk__in=[s.pk for s in supervisors]
        ).order_by("last_name", "first_name")


class RecordAssessmentForm(NHSFormMixin, forms.Form):
    date = forms.DateField(label=_("Date assessed"), widget=DateInput, error_messages=DATE_ERRORS)
    case_reference = forms.CharField(
        label=_("Case reference"),
        max_length=40,
        required=False,
        help_text=_("A pseudonymised reference, never a patient identifier."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Assessment.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the outcome: satisfactory or not yet.")},
    )
    feedback = forms.CharField(
        label=_("Feedback"),
        widget=_textarea(5),
        error_messages={"required": _("Give feedback: what went well and what to work on.")},
        help_text=_("What went well and what to work on. The fellow sees this."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ratings = [("", gettext("Choose a rating")), *rules.RATINGS.items()]
        for key, label in rules.ASSESSMENT_DOMAINS.items():
            self.fields[f"domain_{key}"] = forms.ChoiceField(
                label=label,
                choices=ratings,
                required=False,
                widget=forms.Select(attrs={"class": "nhsuk-select"}),
            )

    def domain_fields(self):
        return [self[f"domain_{key}"] for key in rules.ASSESSMENT_DOMAINS]

    def to_record(self) -> logbook_services.AssessmentRecord:
        data = self.cleaned_data
        return logbook_services.AssessmentRecord(
            date=data["date"],
            case_reference=data["case_reference"],
            domains={key: data.get(f"domain_{key}", "") for key in rules.ASSESSMENT_DOMAINS},
            outcome=data["outcome"],
            feedback=data["feedback"],
        )


class ReflectionForm(NHSFormMixin, forms.Form):
    reflection = forms.CharField(
        label=_("Your reflection"),
        widget=_textarea(6),
        error_messages={"required": _("Write your reflection: what you learnt and will do next.")},
        help_text=_("What you learnt from the assessment and its feedback, and what to do next."),
    )
