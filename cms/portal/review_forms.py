"""Forms for the development review pages. Rules live in ksf.reviews.services; these collect.

Every edit form carries the review's ``version`` so a save made after someone else's is
refused rather than silently overwriting it.
"""

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cms.portal.forms import PortalForm
from ksf.models import DevelopmentReview, KSFDimension, PDPObjective, Post, ReviewDimension


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


def date_field(
    label: str | Promise,
    *,
    invalid: str | Promise,
    missing: str | Promise,
    required: bool = True,
    help_text: str | Promise = "",
) -> forms.DateField:
    """A date input; ``invalid`` and ``missing`` are the whole sentences shown for it."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        error_messages={"invalid": invalid, "required": missing},
    )


class VersionedForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def keep_input_with_version(self, version: int) -> None:
        """After a refused save: keep what the user typed but let the next save go through."""
        data = self.data.copy()
        data["version"] = str(version)
        self.data = data


class StartReviewForm(PortalForm):
    post = forms.ModelChoiceField(
        queryset=Post.objects.none(),
        empty_label=None,
        label=_("Post reviewed against"),
        help_text=_("The review uses this post's KSF outline."),
    )
    period_start = date_field(
        _("Review period from"),
        invalid=_("Enter the review period from as a real date, e.g. 31/3/2026."),
        missing=_("Give the review period from."),
    )
    period_end = date_field(
        _("Review period to"),
        invalid=_("Enter the review period to as a real date, e.g. 31/3/2026."),
        missing=_("Give the review period to."),
    )
    meeting_date = date_field(
        _("Meeting date"),
        invalid=_("Enter the meeting date as a real date, e.g. 31/3/2026."),
        missing=_("Give the meeting date."),
        required=False,
        help_text=_("Leave empty if not yet arranged."),
    )

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts


def level_choices(row: ReviewDimension) -> list[tuple[str, str]]:
    titles = {level.level: level.title for level in row.dimension.levels.all()}
    choices = [("", gettext("Not assessed yet"))]
    for n in range(1, 5):
        title = titles.get(n)
        if title:
            label = gettext("Level %(level)s: %(title)s") % {"level": n, "title": title}
        else:
            label = gettext("Level %(level)s") % {"level": n}
        choices.append((str(n), label))
    return choices


class AssessmentForm(VersionedForm):
    """The person's self-assessment or the reviewer's assessment, one pair of fields a dimension."""

    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, review: DevelopmentReview, as_person: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(review.dimensions.all())
        self.as_person = as_person
        if as_person:
            self.fields["summary"].label = gettext("Your summary of the year")
            self.fields["summary"].help_text = gettext(
                "What went well, what was hard, what you would like to develop next."
            )
        else:
            self.fields["summary"].label = gettext("Reviewer's summary")
            self.fields["summary"].help_text = gettext("The overall picture you and they agreed.")
        self.initial.setdefault(
            "summary", review.self_summary if as_person else review.reviewer_summary
        )
        self.initial.setdefault("version", review.version)
        for row in self.rows:
            words = {"dimension": f"{row.dimension.code} {row.dimension.title}"}
            if as_person:
                level_label = gettext("Your level for %(dimension)s") % words
                text_label = gettext("Your evidence for %(dimension)s") % words
                text_help = gettext("Examples from your work, CPD and feedback.")
            else:
                level_label = gettext("Reviewer's level for %(dimension)s") % words
                text_label = gettext("Reviewer comment for %(dimension)s") % words
                text_help = gettext("What they showed, and what would take them further.")
            level = forms.ChoiceField(
                label=level_label,
                choices=level_choices(row),
                required=False,
                error_messages={
                    "invalid_choice": gettext("Choose a level from 1 to 4 for %(dimension)s.")
                    % words
                },
            )
            text = forms.CharField(
                label=text_label,
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                help_text=text_help,
            )
            self.fields[f"level_{row.pk}"] = level
            self.fields[f"text_{row.pk}"] = text
            current = row.self_level if as_person else row.reviewer_level
            self.initial.setdefault(f"level_{row.pk}", str(current) if current else "")
            self.initial.setdefault(
                f"text_{row.pk}", row.self_evidence if as_person else row.reviewer_comment
            )
        # NHSFormMixin styled the fields it saw; style the ones added since.
        for name, field in self.fields.items():
            if "class" not in field.widget.attrs:
                css = "nhsuk-select" if isinstance(field.widget, forms.Select) else "nhsuk-textarea"
                field.widget.attrs["class"] = css
                if field.help_text:
                    field.widget.attrs["aria-describedby"] = f"id_{name}-hint"

    def dimension_fields(self):
        for row in self.rows:
            yield row, self[f"level_{row.pk}"], self[f"text_{row.pk}"]

    def dimensions_data(self) -> dict[int, tuple[str, str]]:
        return {
            row.pk: (
                self.cleaned_data.get(f"level_{row.pk}", ""),
                self.cleaned_data.get(f"text_{row.pk}", ""),
            )
            for row in self.rows
        }


class GatewayForm(VersionedForm):
    gateway = forms.ChoiceField(
        label=pgettext_lazy("KSF gateway", "Gateway"),
        choices=DevelopmentReview.Gateway.choices,
        required=False,
        help_text=_("Choose no gateway if none is due this year."),
    )
    gateway_outcome = forms.ChoiceField(
        label=pgettext_lazy("gateway outcome", "Decision"),
        choices=DevelopmentReview.Outcome.choices,
        required=False,
        help_text=_("Leave as 'Not decided' while you are still discussing it."),
    )
    gateway_reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Needed for a pass and for a deferral."),
    )
    gateway_unmet = forms.CharField(
        label=_("Outline elements not yet met"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when deferring, e.g. 'C2 level 2: contributes to others' learning'."),
    )
    gateway_action_plan = forms.CharField(
        label=_("Action plan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Needed when deferring: what will be done, with what support."),
    )
    gateway_review_date = date_field(
        _("Date to review again"),
        invalid=_("Enter the date to review again as a real date, e.g. 31/3/2026."),
        missing=_("Give the date to review again."),
        required=False,
        help_text=_("Needed when deferring."),
    )


class ObjectiveForm(VersionedForm):
    """What is required and how long each part may be is the service's rule (and message)."""

    objective = forms.CharField(
        label=_("Objective"),
        required=False,
        help_text=_("What you will be able to do, in a sentence."),
    )
    gap = forms.CharField(
        label=_("The gap it closes"),
        required=False,
        help_text=_("A KSF dimension or a competency. Suggestions appear as you type."),
        widget=forms.TextInput(attrs={"list": "gap-suggestions", "autocomplete": "off"}),
    )
    dimension = forms.ModelChoiceField(
        label=_("KSF dimension (optional)"),
        queryset=KSFDimension.objects.none(),
        required=False,
        empty_label=pgettext_lazy("no KSF dimension", "None"),
    )
    actions = forms.CharField(
        label=_("Actions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you will do."),
        required=False,
    )
    support = forms.CharField(
        label=_("Support needed"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    target_date = date_field(
        _("Target date"),
        invalid=_("Enter the target date as a real date, e.g. 31/3/2026."),
        missing=_("Give the target date."),
        required=False,
        help_text=_("When it should be done by."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PDPObjective.Status.choices,
        initial="not_started",
    )

    def __init__(self, *args, review: DevelopmentReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = KSFDimension.objects.filter(
            pk__in=[row.dimension_id for row in review.dimensions.all()]
        ).order_by("sort_order")
        self.fields["dimension"].label_from_instance = lambda d: f"{d.code} {d.title}"
        self.initial.setdefault("version", review.version)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=PDPObjective.Status.choices,
        help_text=_("Changes after signing are added to the review as a note."),
    )


class ConfirmForm(VersionedForm):
    """Signing or removing: nothing to fill in but the version seen."""


class NoteForm(PortalForm):
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For example progress on an objective or something agreed since signing."),
        required=False,
    )
