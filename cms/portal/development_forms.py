"""Forms for self-assessment and sign-off decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import NHSFormMixin
from competencies.models import Competency, Evidence, ScaleValue
from competencies.portfolio.selectors import possible_assessors
from ksf.models import StaffMember


class ClaimForm(NHSFormMixin, forms.Form):
    value = forms.ModelChoiceField(
        queryset=ScaleValue.objects.none(),
        label=_("The level you have reached"),
        empty_label=None,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Why you believe you are at this level"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Describe cases you managed, supervision you had and feedback you received."),
        max_length=5000,
    )
    evidence = forms.ModelMultipleChoiceField(
        queryset=Evidence.objects.none(),
        required=False,
        label=_("Evidence to attach"),
        widget=forms.CheckboxSelectMultiple,
    )
    assessor = forms.ModelChoiceField(
        queryset=StaffMember.objects.none(),
        required=False,
        label=_("Ask for sign-off from"),
        empty_label=_("Nobody yet: save as a self-assessment"),
        help_text=_(
            "Usually your line manager or a clinical specialist who has seen you practise."
        ),
    )

    def __init__(self, *args, person: StaffMember, competency: Competency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["value"].queryset = competency.framework.scale_values.order_by("sort_order")
        self.fields["evidence"].queryset = Evidence.objects.filter(owner=person)
        self.fields["assessor"].queryset = possible_assessors(person)
        self.fields["value"].widget.attrs.pop("class", None)
        self.fields["evidence"].widget.attrs.pop("class", None)


class DecisionForm(NHSFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("verify", _("Verify: they meet this level")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
        help_text=_("Needed when you decline: say what is missing so they know what to do next."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].widget.attrs.pop("class", None)
