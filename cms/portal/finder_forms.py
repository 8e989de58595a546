"""The search form of "Find a competent clinician": what a referral needs.

It collects and types the referral's needs; the choices (competencies, sites, teams) are read
by the view, once, and passed in, so checking the form costs no query.
"""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm

DATE = forms.DateInput(attrs={"type": "date"})
# Far enough either side of today for any referral; further is a typing slip.
DATE_RANGE_YEARS = 5


def hours_field(label, initial: Decimal) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        initial=initial,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-4", "step": "0.25"}),
    )


class FinderForm(PortalForm):
    competencies = forms.TypedMultipleChoiceField(
        label=_("Competencies the referral needs"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose every competency the clinician must hold. Only verified sign-offs count."
        ),
        error_messages={
            "required": _("Choose at least one competency the referral needs."),
            "invalid_choice": _("Choose competencies from the list."),
        },
    )
    site = forms.TypedChoiceField(
        label=_("Site where the patient will be seen"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    team = forms.TypedChoiceField(
        label=_("Or the team the referral is for"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Its base site is used to work out distances."),
    )
    on = forms.DateField(
        label=_("Date needed"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty for today. Only sign-offs valid on this date count."),
    )
    assessment_hours = hours_field(_("Hours for the assessment"), Decimal("1.5"))
    report_hours = hours_field(_("Hours for the report"), Decimal("1.0"))

    def __init__(
        self,
        *args,
        competencies: list[tuple[str, list[tuple[int, str]]]],
        sites: list[tuple[int, str]],
        teams: list[tuple[int, str]],
        today: datetime.date,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["competencies"].choices = competencies
        self.fields["competencies"].widget.attrs.pop("class", None)
        self.fields["site"].choices = [("", _("Choose a site")), *sites]
        self.fields["team"].choices = [("", _("Choose a team")), *teams]
        self.framework_of = {
            str(pk): framework for framework, items in competencies for pk, _label in items
        }

    def competency_groups(self) -> list[tuple[str, list]]:
        """The competency checkboxes, by framework, for the template's fieldsets."""
        groups: dict[str, list] = {}
        for box in self["competencies"]:
            groups.setdefault(self.framework_of.get(str(box.data["value"]), ""), []).append(box)
        return list(groups.items())

    def clean_on(self):
        on = self.cleaned_data.get("on")
        if on is None:
            return self.today
        span = datetime.timedelta(days=365 * DATE_RANGE_YEARS)
        earliest, latest = self.today - span, self.today + span
        if not earliest <= on <= latest:
            raise forms.ValidationError(
                _("Enter a date within %(years)s years of today.") % {"years": DATE_RANGE_YEARS}
            )
        return on

    def clean(self):
        data = super().clean()
        site, team = data.get("site"), data.get("team")
        if "site" not in self.errors and "team" not in self.errors:
            if site is None and team is None:
                self.add_error("site", _("Choose the site or the team the referral is for."))
            elif site is not None and team is not None:
                self.add_error("team", _("Choose a site or a team, not both."))
        hours = [data.get("assessment_hours"), data.get("report_hours")]
        if all(h is not None for h in hours) and sum(hours) <= 0:
            self.add_error(
                "assessment_hours", _("Enter the hours the assessment and report will take.")
            )
        return data
