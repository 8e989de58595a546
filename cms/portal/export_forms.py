"""The HCPC CPD profile form: a summary of practice and the activities to write up.

The same form saves a draft (``draft=True``): then nothing is required and the counts are
not checked, since a draft is work in progress; the bounds on text and choices still hold.
"""

import re
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import NHSFormMixin, lazy_format
from competencies.models import CPDEntry
from competencies.portfolio.services import DRAFT_TITLE_MAX_CHARS, HCPCDraftInput

SUMMARY_MAX_WORDS = 500
MIN_ACTIVITIES = 4
MAX_ACTIVITIES = 6


def count_words(text: str) -> int:
    """Words as a reader counts them: runs of characters between spaces."""
    return len(re.findall(r"\S+", text or ""))


def hours_text(hours: Decimal) -> str:
    """'1 hour', '1.5 hours', '0.25 hours'."""
    value = f"{hours.normalize():f}"
    if hours != hours.to_integral_value():
        # Translators: a fraction of hours, e.g. 1.5 or 0.25.
        return gettext("%(hours)s hours") % {"hours": value}
    return ngettext("%(hours)s hour", "%(hours)s hours", int(hours)) % {"hours": value}


class ActivityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CPDEntry) -> str:
        # Translators: a CPD activity to choose, e.g. '3 Mar 2026: Journal club (Work-based
        # learning, 1.5 hours)'.
        return gettext("%(date)s: %(title)s (%(type)s, %(hours)s)") % {
            "date": date_format(obj.date, "j M Y"),
            "title": obj.title,
            "type": obj.get_activity_type_display(),
            "hours": hours_text(obj.hours),
        }


class HCPCProfileForm(NHSFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary of your practice"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=lazy_format(
            _(
                "Up to %(words)s words. Describe your role, where you work, who you work "
                "with and the service users you see."
            ),
            words=SUMMARY_MAX_WORDS,
        ),
        error_messages={"required": _("Write a summary of your practice.")},
    )
    activities = ActivityChoiceField(
        queryset=CPDEntry.objects.none(),
        label=_("Activities to write up"),
        help_text=lazy_format(
            _(
                "Choose %(min)s to %(max)s activities from your CPD log of the "
                "last two years that best show how you meet the standards."
            ),
            min=MIN_ACTIVITIES,
            max=MAX_ACTIVITIES,
        ),
        error_messages={
            "required": lazy_format(
                _("Choose %(min)s to %(max)s activities from your CPD log."),
                min=MIN_ACTIVITIES,
                max=MAX_ACTIVITIES,
            ),
            "invalid_choice": _("Choose activities from your own CPD log of the last two years."),
            "invalid_pk_value": _("Choose activities from your own CPD log of the last two years."),
        },
    )

    title = forms.CharField(
        label=_("Name for this draft (optional)"),
        max_length=DRAFT_TITLE_MAX_CHARS,
        required=False,
        help_text=_(
            "Shown in your saved HCPC profiles when you save a draft. Leave it blank to name "
            "the draft after today's date."
        ),
    )

    def __init__(self, *args, entries: QuerySet[CPDEntry], draft: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.fields["activities"].queryset = entries
        if draft:
            self.fields["summary"].required = False
            self.fields["activities"].required = False

    def to_draft(self) -> HCPCDraftInput:
        return HCPCDraftInput(
            title=self.cleaned_data.get("title", ""),
            summary=self.cleaned_data.get("summary", ""),
            activities=list(self.cleaned_data.get("activities", [])),
        )

    def clean_summary(self) -> str:
        summary = self.cleaned_data["summary"].strip()
        if self.draft:  # the word count is checked when the profile is built
            return summary
        words = count_words(summary)
        if words > SUMMARY_MAX_WORDS:
            raise forms.ValidationError(
                gettext(
                    "Your summary is %(words)s words long: shorten it to %(max)s words or fewer."
                )
                % {"words": words, "max": SUMMARY_MAX_WORDS}
            )
        return summary

    def clean_activities(self) -> list[CPDEntry]:
        chosen = list(self.cleaned_data["activities"])
        if self.draft:  # a draft may hold any number; building asks for 4 to 6
            return chosen
        values = {"min": MIN_ACTIVITIES, "max": MAX_ACTIVITIES, "count": len(chosen)}
        if len(chosen) < MIN_ACTIVITIES:
            raise forms.ValidationError(
                gettext("Choose at least %(min)s activities: you chose %(count)s.") % values
            )
        if len(chosen) > MAX_ACTIVITIES:
            raise forms.ValidationError(
                gettext("Choose no more than %(max)s activities: you chose %(count)s.") % values
            )
        return chosen
