"""Portal forms for the CPD log and the evidence store.

The rules themselves (dates, hours, file types and sizes, links) live in
competencies.portfolio.rules; the forms call them so the person sees every problem next to its
field.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import NHSFormMixin, lazy_format
from competencies.models import CPDEntry, Evidence
from competencies.portfolio import rules as portfolio_rules
from competencies.portfolio import selectors as portfolio_selectors
from competencies.portfolio import services as portfolio_services
from ksf.models import KSFDimension, StaffMember

ACTIVITY_HINTS = {
    CPDEntry.ActivityType.WORK_BASED: _(
        "Learning by doing: case reviews, supervision, shadowing, in-service training, "
        "reflecting on a case."
    ),
    CPDEntry.ActivityType.PROFESSIONAL: _(
        "Giving to your profession: teaching or supervising others, journal club, "
        "a specialist interest group, a committee."
    ),
    CPDEntry.ActivityType.FORMAL: _(
        "Courses, conferences, study days, e-learning modules, further study."
    ),
    CPDEntry.ActivityType.SELF_DIRECTED: _(
        "Reading journals or books, reviewing guidelines, updating your knowledge online."
    ),
    CPDEntry.ActivityType.OTHER: _("Anything else, such as relevant voluntary work."),
}

# The largest upload ('10 MB'), worked out when shown so its unit is in the reader's language.
_max_size = lazy(portfolio_rules.max_size_text, str)

DATE_ERRORS = {
    "required": _("Enter the date of the activity."),
    "invalid": _("Enter a real date, for example 14/03/2025."),
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__({"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d")


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class FilesNotKeptMixin:
    """Say plainly which chosen file was not kept when the form comes back with errors.

    A browser never refills a file input, and nothing is stored until the form is valid, so
    a file chosen in a form shown again with errors is gone: the person must choose it again.
    """

    file_fields: tuple[str, ...] = ()

    def files_not_kept(self) -> dict[str, dict]:
        """Each file field whose chosen file was dropped: its file name, and whether the file
        itself was refused (then another file is needed, not the same one again)."""
        if not self.is_bound or not self.errors:
            return {}
        dropped = {}
        for name in self.file_fields:
            upload = self.files.get(self.add_prefix(name))
            if not upload or not getattr(upload, "name", ""):
                continue
            dropped[name] = {"name": upload.name, "refused": name in self.errors}
            widget = self.fields[name].widget
            note = f"{self[name].auto_id}-not-kept"
            described = widget.attrs.get("aria-describedby", "")
            if note not in described.split():
                widget.attrs["aria-describedby"] = f"{described} {note}".strip()
        return dropped


class CPDEntryForm(FilesNotKeptMixin, NHSFormMixin, forms.Form):
    """One CPD activity, with links to competencies, KSF dimensions and evidence."""

    file_fields = ("new_file",)

    date = forms.DateField(
        label=_("Date"),
        widget=DateInput,
        error_messages=DATE_ERRORS,
        help_text=_("The day it happened, or the last day if it ran over several days."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Enter a title for the activity.")},
        help_text=_("A short name you will recognise later, e.g. 'Shoulder injection update day'."),
    )
    activity_type = forms.ChoiceField(
        label=_("Type of activity"),
        choices=CPDEntry.ActivityType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of activity.")},
        help_text=_("HCPC asks for a mix of types over two years."),
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": _("Enter the hours spent, e.g. 1.5."),
            "invalid": _("Enter the hours as a number, e.g. 1.5 (or 0.25 for 15 minutes)."),
            "max_decimal_places": _("Give hours to 2 decimal places at most, e.g. 1.25."),
            "max_digits": _("Hours must be between 0.25 (15 minutes) and 500."),
            "max_whole_digits": _("Hours must be between 0.25 (15 minutes) and 500."),
        },
        widget=forms.NumberInput(
            attrs={"step": "0.25", "min": "0.25", "max": "500", "class": "nhsuk-input--width-5"}
        ),
        help_text=_("In hours: 1.5 is an hour and a half, 0.25 is 15 minutes. From 0.25 to 500."),
    )
    description = forms.CharField(
        label=_("What you did"),
        widget=_textarea(),
        error_messages={"required": _("Say briefly what you did.")},
        help_text=_("A few sentences are enough."),
    )
    learning = forms.CharField(
        label=_("What you learnt"),
        required=False,
        widget=_textarea(),
        help_text=_("New knowledge or skills, or something you now understand differently."),
    )
    practice_change = forms.CharField(
        label=_("How it changed your practice"),
        required=False,
        widget=_textarea(),
        help_text=_("What you now do differently, or what you confirmed you do well."),
    )
    service_user_benefit = forms.CharField(
        label=_("The benefit to service users"),
        required=False,
        widget=_textarea(),
        help_text=_("How patients, carers or colleagues gain. HCPC audits look for this."),
    )
    competencies = forms.ModelMultipleChoiceField(
        label=_("Competencies"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={"invalid_choice": _("Choose competencies from published frameworks only.")},
        help_text=_(
            "Optional. Competencies your posts require are listed first. "
            "Hold Ctrl (or Cmd on a Mac) to choose several."
        ),
    )
    dimensions = forms.ModelMultipleChoiceField(
        label=_("KSF dimensions"),
        queryset=KSFDimension.objects.order_by("sort_order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Optional. Tick the KSF dimensions this activity helped you develop."),
    )
    evidence = forms.ModelMultipleChoiceField(
        label=_("Attach evidence you have already added"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Attach only your own evidence.")},
    )
    new_file = forms.FileField(
        label=_("Upload a new file"),
        required=False,
        help_text=lazy_format(
            _("Optional, e.g. a certificate. %(types)s; up to %(size)s."),
            types=portfolio_rules.ALLOWED_TYPES_TEXT,
            size=_max_size(),
        ),
    )
    new_link = forms.CharField(
        label=_("Or add a link"),
        required=False,
        help_text=_("Optional: a web address starting with https://, e.g. an online certificate."),
    )
    new_evidence_title = forms.CharField(
        label=_("Name of the new file or link"),
        required=False,
        max_length=200,
        help_text=_("Optional: the file name or address is used if you leave this empty."),
    )

    def __init__(self, *args, person: StaffMember, entry: CPDEntry | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(entry, name) for name in portfolio_services.CPDInput.FIELDS},
                "competencies": list(entry.competencies.values_list("pk", flat=True)),
                "dimensions": list(entry.dimensions.values_list("pk", flat=True)),
                "evidence": list(entry.evidence.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.person, self.entry = person, entry
        self.fields["competencies"].queryset = portfolio_selectors.competency_choices_queryset(
            entry
        )
        self.fields["competencies"].widget.choices = portfolio_selectors.competency_choices(
            person, entry
        )
        self.fields["evidence"].queryset = Evidence.objects.filter(owner=person)

    def clean_date(self) -> datetime.date:
        value = self.cleaned_data["date"]
        portfolio_rules.check_date(value)
        return value

    def clean_hours(self):
        value = self.cleaned_data["hours"]
        portfolio_rules.check_hours(value)
        return value

    def clean_new_file(self):
        upload = self.cleaned_data.get("new_file")
        if upload:
            portfolio_rules.check_upload(upload)
        return upload

    def clean_new_link(self) -> str:
        link = self.cleaned_data.get("new_link", "").strip()
        if link:
            portfolio_rules.check_link(link)
        return link

    def clean(self):
        data = super().clean()
        if data.get("new_file") and data.get("new_link"):
            self.add_error(
                "new_link",
                gettext("Give either a new file or a new link, not both: add one at a time."),
            )
        return data

    def to_input(self) -> portfolio_services.CPDInput:
        data = self.cleaned_data
        return portfolio_services.CPDInput(
            **{name: data.get(name) for name in portfolio_services.CPDInput.FIELDS},
            competencies=list(data.get("competencies") or []),
            dimensions=list(data.get("dimensions") or []),
            evidence=list(data.get("evidence") or []),
            new_file=data.get("new_file"),
            new_link=data.get("new_link", ""),
            new_evidence_title=data.get("new_evidence_title", ""),
        )

    def activity_options(self) -> list[tuple]:
        """Each activity type's radio with a hint saying what counts."""
        return [
            (option, ACTIVITY_HINTS.get(option.data["value"], ""))
            for option in self["activity_type"]
        ]

    def dimension_groups(self) -> list[tuple[str, list[tuple]]]:
        """The dimension checkboxes split into core and specific, for two fieldsets."""
        kinds = dict(KSFDimension.objects.values_list("pk", "kind"))
        core, specific = [], []
        for option in self["dimensions"]:
            value = getattr(option.data["value"], "value", option.data["value"])
            (core if kinds.get(value) == "core" else specific).append((option, ""))
        return [(gettext("Core dimensions"), core), (gettext("Specific dimensions"), specific)]

    def evidence_options(self) -> list[tuple]:
        """The person's evidence checkboxes, each hinted with what it is."""
        items = {e.pk: e for e in self.fields["evidence"].queryset}
        result = []
        for option in self["evidence"]:
            item = items.get(getattr(option.data["value"], "value", option.data["value"]))
            hint = (
                pgettext("evidence", "Link") if item is None or item.is_link else item.original_name
            )
            result.append((option, hint))
        return result


class EvidenceForm(FilesNotKeptMixin, NHSFormMixin, forms.Form):
    """A file or a link for the evidence store."""

    file_fields = ("file",)

    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_(
            "Optional: what it is, e.g. 'Injection course certificate'. "
            "The file name or address is used if you leave this empty."
        ),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=lazy_format(
            # Translators: the file types allowed, then the largest size, e.g. '10 MB'.
            _("%(types)s; up to %(size)s."),
            types=portfolio_rules.ALLOWED_TYPES_TEXT,
            size=_max_size(),
        ),
    )
    url = forms.CharField(
        label=_("Or a link"),
        required=False,
        help_text=_("A web address starting with https://, e.g. an online certificate."),
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            portfolio_rules.check_upload(upload)
        return upload

    def clean_url(self) -> str:
        url = self.cleaned_data.get("url", "").strip()
        if url:
            portfolio_rules.check_link(url)
        return url

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if data.get("file") and data.get("url"):
            raise ValidationError(gettext("Give a file or a link, not both: add one at a time."))
        if not data.get("file") and not data.get("url"):
            raise ValidationError(gettext("Choose a file to upload or give a link."))
        return data


class CPDFilterForm(NHSFormMixin, forms.Form):
    """How the CPD list is narrowed; every field is optional."""

    type = forms.ChoiceField(
        label=_("Type of activity"),
        required=False,
        choices=[("", _("All types")), *CPDEntry.ActivityType.choices],
    )
    start = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    end = forms.DateField(
        label=pgettext_lazy("end of a date range", "To"),
        required=False,
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    competency = forms.TypedChoiceField(
        label=_("Linked competency"), required=False, coerce=int, empty_value=None
    )
    dimension = forms.TypedChoiceField(
        label=_("Linked KSF dimension"), required=False, coerce=int, empty_value=None
    )
    all = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, person: StaffMember, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].choices = [("", pgettext("any competency", "Any"))] + [
            (c.pk, f"{c} ({c.framework.title})")
            for c in portfolio_selectors.used_competencies(person)
        ]
        self.fields["dimension"].choices = [("", pgettext("any KSF dimension", "Any"))] + [
            (d.pk, str(d)) for d in KSFDimension.objects.order_by("sort_order")
        ]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", gettext("The 'to' date is before the 'from' date."))
        return data

    def filters(
        self, today: datetime.date | None = None
    ) -> tuple[portfolio_selectors.CPDFilters, bool]:
        """The filters to apply and whether the two-year default is in force.

        Without dates (and unless everything was asked for) the list shows the last two
        years, the period an HCPC audit looks at.
        """
        self.is_valid()  # fields with errors are left out of cleaned_data, so ignored
        valid = self.cleaned_data
        start, end = valid.get("start"), valid.get("end")
        default_window = not (start or end or valid.get("all"))
        if default_window:
            start = portfolio_selectors.audit_window_start(today)
        return (
            portfolio_selectors.CPDFilters(
                start=start,
                end=end,
                activity_type=valid.get("type") or "",
                text=(valid.get("q") or "").strip(),
                competency=valid.get("competency"),
                dimension=valid.get("dimension"),
            ),
            default_window,
        )
