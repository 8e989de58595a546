"""Forms for applications, enrolments, supervisors, milestones and the cohort filters.

They collect and type input; the services in ``fellowships.enrolments`` decide and own the
messages (shown on the fields through ``add_validation_errors``).
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm
from fellowships.models import Enrolment, Programme, SupervisorRole
from ksf import dates
from ksf.models import StaffMember, Team

TEXT = {"rows": 5, "maxlength": 5000}


class ApplyForm(PortalForm):
    statement = forms.CharField(
        label=_("Why are you applying?"),
        help_text=_("What it would let you do for your patients and your service."),
        widget=forms.Textarea(attrs=TEXT),
        max_length=5000,
    )


class SupportForm(PortalForm):
    statement = forms.CharField(
        label=_("Your statement of support"),
        help_text=_("As the line manager: how the service would use it, and any backfill needed."),
        widget=forms.Textarea(attrs=TEXT),
        max_length=5000,
    )


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    cost = forms.DecimalField(
        label=_("Cost (£)"), required=False, min_value=Decimal(0), max_digits=9, decimal_places=2
    )
    funding_source = forms.CharField(label=_("Funding source"), required=False, max_length=200)
    backfill_hours = forms.DecimalField(
        label=_("Backfill hours"),
        required=False,
        min_value=Decimal(0),
        max_digits=7,
        decimal_places=1,
    )
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    cohort = forms.CharField(
        label=_("Cohort"), required=False, max_length=100, help_text=_("e.g. 2026 autumn")
    )
    criteria_override = forms.CharField(
        label=_("Why the entry criteria are set aside"),
        required=False,
        help_text=_("Only when approving someone who does not meet them."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        max_length=5000,
    )
    decision_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("Needed when declining; shown to the applicant."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        max_length=5000,
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("cost", programme.cost)
        kwargs["initial"].setdefault("start_date", dates.today())
        super().__init__(*args, **kwargs)


class SupervisorForm(PortalForm):
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"), queryset=StaffMember.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(label=_("Role"), choices=SupervisorRole.choices)

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = (
            StaffMember.objects.filter(user__isnull=False)
            .exclude(pk=enrolment.staff_id)
            .order_by("last_name", "first_name")
        )
        self.fields["role"].initial = enrolment.programme.final_signoff_role


class PauseForm(PortalForm):
    starts_on = forms.DateField(
        label=_("Paused from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


class WithdrawForm(PortalForm):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        max_length=5000,
    )


class MilestoneForm(PortalForm):
    achieved_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    mark = forms.IntegerField(label=_("Mark (%)"), required=False, min_value=0, max_value=100)


class CompleteForm(PortalForm):
    declaration = forms.BooleanField(label=_("I make this declaration"), required=False)


class CohortFilterForm(PortalForm):
    programme = forms.CharField(label=_("Programme code"), required=False, max_length=50)
    cohort = forms.CharField(label=_("Cohort"), required=False, max_length=100)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.order_by("name")
    )
    supervisor = forms.ModelChoiceField(
        label=_("Supervisor"),
        required=False,
        queryset=StaffMember.objects.filter(supervising__isnull=False)
        .distinct()
        .order_by("last_name", "first_name"),
    )
    risk = forms.ChoiceField(
        label=_("Progress"),
        required=False,
        choices=[
            ("", _("Any")),
            ("on_track", _("On track")),
            ("at_risk", _("At risk")),
            ("overdue", _("Overdue")),
            ("paused", _("Paused")),
        ],
    )
