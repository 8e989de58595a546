"""Forms for the development review pages. Rules live in ksf.reviews.services; these collect.

Every edit form carries the review's ``version`` so a save made after someone else's is
refused rather than silently overwriting it.
"""

from django import forms

from cms.portal.forms import PortalForm
from ksf.models import DevelopmentReview, KSFDimension, PDPObjective, Post, ReviewDimension


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "nhsuk-input--width-10", **(attrs or {})}, format="%Y-%m-%d"
        )


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        error_messages={
            "invalid": f"Enter the {label.lower()} as a real date, e.g. 31/3/2026.",
            "required": f"Give the {label.lower()}.",
        },
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
        label="Post reviewed against",
        help_text="The review uses this post's KSF outline.",
    )
    period_start = date_field("Review period from")
    period_end = date_field("Review period to")
    meeting_date = date_field(
        "Meeting date", required=False, help_text="Leave empty if not yet arranged."
    )

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts


def level_choices(row: ReviewDimension) -> list[tuple[str, str]]:
    titles = {level.level: level.title for level in row.dimension.levels.all()}
    choices = [("", "Not assessed yet")]
    for n in range(1, 5):
        title = titles.get(n)
        choices.append((str(n), f"Level {n}: {title}" if title else f"Level {n}"))
    return choices


class AssessmentForm(VersionedForm):
    """The person's self-assessment or the reviewer's assessment, one pair of fields a dimension."""

    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    def __init__(self, *args, review: DevelopmentReview, as_person: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(review.dimensions.all())
        self.as_person = as_person
        who = "Your" if as_person else "Reviewer's"
        if as_person:
            self.fields["summary"].label = "Your summary of the year"
            self.fields[
                "summary"
            ].help_text = "What went well, what was hard, what you would like to develop next."
        else:
            self.fields["summary"].label = "Reviewer's summary"
            self.fields["summary"].help_text = "The overall picture you and they agreed."
        self.initial.setdefault(
            "summary", review.self_summary if as_person else review.reviewer_summary
        )
        self.initial.setdefault("version", review.version)
        for row in self.rows:
            name = f"{row.dimension.code} {row.dimension.title}"
            level = forms.ChoiceField(
                label=f"{who} level for {name}",
                choices=level_choices(row),
                required=False,
                error_messages={"invalid_choice": f"Choose a level from 1 to 4 for {name}."},
            )
            text = forms.CharField(
                label=f"{'Your evidence' if as_person else 'Reviewer comment'} for {name}",
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                help_text=(
                    "Examples from your work, CPD and feedback."
                    if as_person
                    else "What they showed, and what would take them further."
                ),
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
        label="Gateway",
        choices=DevelopmentReview.Gateway.choices,
        required=False,
        help_text="Choose no gateway if none is due this year.",
    )
    gateway_outcome = forms.ChoiceField(
        label="Decision",
        choices=DevelopmentReview.Outcome.choices,
        required=False,
        help_text="Leave as 'Not decided' while you are still discussing it.",
    )
    gateway_reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Needed for a pass and for a deferral.",
    )
    gateway_unmet = forms.CharField(
        label="Outline elements not yet met",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when deferring, e.g. 'C2 level 2: contributes to others' learning'.",
    )
    gateway_action_plan = forms.CharField(
        label="Action plan",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Needed when deferring: what will be done, with what support.",
    )
    gateway_review_date = date_field(
        "Date to review again", required=False, help_text="Needed when deferring."
    )


class ObjectiveForm(VersionedForm):
    """What is required and how long each part may be is the service's rule (and message)."""

    objective = forms.CharField(
        required=False,
        help_text="What you will be able to do, in a sentence.",
    )
    gap = forms.CharField(
        label="The gap it closes",
        required=False,
        help_text="A KSF dimension or a competency. Suggestions appear as you type.",
        widget=forms.TextInput(attrs={"list": "gap-suggestions", "autocomplete": "off"}),
    )
    dimension = forms.ModelChoiceField(
        label="KSF dimension (optional)",
        queryset=KSFDimension.objects.none(),
        required=False,
        empty_label="None",
    )
    actions = forms.CharField(
        label="Actions",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will do.",
        required=False,
    )
    support = forms.CharField(
        label="Support needed", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    target_date = date_field("Target date", required=False, help_text="When it should be done by.")
    status = forms.ChoiceField(choices=PDPObjective.Status.choices, initial="not_started")

    def __init__(self, *args, review: DevelopmentReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].queryset = KSFDimension.objects.filter(
            pk__in=[row.dimension_id for row in review.dimensions.all()]
        ).order_by("sort_order")
        self.fields["dimension"].label_from_instance = lambda d: f"{d.code} {d.title}"
        self.initial.setdefault("version", review.version)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(
        choices=PDPObjective.Status.choices,
        help_text="Changes after signing are added to the review as a note.",
    )


class ConfirmForm(VersionedForm):
    """Signing or removing: nothing to fill in but the version seen."""


class NoteForm(PortalForm):
    text = forms.CharField(
        label="Note",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="For example progress on an objective or something agreed since signing.",
        required=False,
    )
