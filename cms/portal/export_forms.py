"""The HCPC CPD profile form: a summary of practice and the activities to write up."""

import re

from django import forms
from django.db.models import QuerySet

from cms.portal.forms import NHSFormMixin
from competencies.models import CPDEntry

SUMMARY_MAX_WORDS = 500
MIN_ACTIVITIES = 4
MAX_ACTIVITIES = 6


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of characters between spaces."""
    return len(re.findall(r"\S+", text or ""))


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CPDEntry) -> str:
        hours = f"{obj.hours.normalize():f}"
        return (
            f"{obj.date:%-d %b %Y}: {obj.title} ({obj.get_activity_type_display()}, "
            f"{hours} hour{'' if obj.hours == 1 else 's'})"
        )


class HCPCProfileForm(NHSFormMixin, forms.Form):
    summary = forms.CharField(
        label="Summary of your practice",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=(
            f"Up to {SUMMARY_MAX_WORDS} words. Describe your role, where you work, who you work "
            "with and the service users you see."
        ),
        error_messages={"required": "Write a summary of your practice."},
    )
    activities = ActivityChoiceField(
        queryset=CPDEntry.objects.none(),
        label="Activities to write up",
        help_text=(
            f"Choose {MIN_ACTIVITIES} to {MAX_ACTIVITIES} activities from your CPD log of the "
            "last two years that best show how you meet the standards."
        ),
        error_messages={
            "required": (
                f"Choose {MIN_ACTIVITIES} to {MAX_ACTIVITIES} activities from your CPD log."
            ),
            "invalid_choice": "Choose activities from your own CPD log of the last two years.",
            "invalid_pk_value": "Choose activities from your own CPD log of the last two years.",
        },
    )

    def __init__(self, *args, entries: QuerySet[CPDEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = entries

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"].strip()
        words = count_words(summary)
        if words > SUMMARY_MAX_WORDS:
            raise forms.ValidationError(
                f"Your summary is {words} words long: shorten it to {SUMMARY_MAX_WORDS} words "
                "or fewer."
            )
        return summary

    def clean_activities(self) -> list[CPDEntry]:
        chosen = list(self.cleaned_data["activities"])
        if len(chosen) < MIN_ACTIVITIES:
            raise forms.ValidationError(
                f"Choose at least {MIN_ACTIVITIES} activities: you chose {len(chosen)}."
            )
        if len(chosen) > MAX_ACTIVITIES:
            raise forms.ValidationError(
                f"Choose no more than {MAX_ACTIVITIES} activities: you chose {len(chosen)}."
            )
        return chosen
