"""The annual development review against the KSF outline, its PDP and gateway decision.

A review is open until both the person and the reviewer sign; signing freezes it. Any change
to an open review clears signatures already given, so nobody signs something that then moves.
``version`` is bumped on every save so two people editing at once cannot overwrite each other.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from .framework import LEVEL_CHOICES, KSFDimension
from .people import Post, StaffMember

LEVEL_FIELD = {
    "choices": LEVEL_CHOICES,
    "validators": [MinValueValidator(1), MaxValueValidator(4)],
    "null": True,
    "blank": True,
}


class DevelopmentReview(models.Model):
    class Gateway(models.TextChoices):
        NONE = "", "No gateway this year"
        FOUNDATION = "foundation", "Foundation gateway"
        SECOND = "second", "Second gateway"

    class Outcome(models.TextChoices):
        NONE = "", "Not decided"
        PASS = "pass", "Passed"
        DEFER = "defer", "Deferred"

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="reviews_held")
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="+", help_text="The post reviewed against."
    )
    period_start = models.DateField("review period from")
    period_end = models.DateField("review period to")
    meeting_date = models.DateField(null=True, blank=True)
    self_summary = models.TextField(
        "your summary of the year", blank=True, help_text="What went well, what was hard."
    )
    reviewer_summary = models.TextField("reviewer's summary", blank=True)

    gateway = models.CharField(max_length=12, choices=Gateway.choices, blank=True)
    gateway_outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    gateway_reasons = models.TextField("reasons", blank=True)
    gateway_unmet = models.TextField(
        "outline elements not yet met", blank=True, help_text="Needed when deferring."
    )
    gateway_action_plan = models.TextField("action plan", blank=True)
    gateway_review_date = models.DateField("date to review again", null=True, blank=True)

    staff_signed_at = models.DateTimeField(null=True, blank=True)
    reviewer_signed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = "development review"
        indexes = [models.Index(fields=["staff", "reviewer_signed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="review_period_order",
            ),
            models.CheckConstraint(
                condition=~models.Q(staff=models.F("reviewer")),
                name="review_not_by_self",
            ),
            # One review in progress per person: the service refuses a second with a message.
            models.UniqueConstraint(
                fields=["staff"],
                condition=models.Q(staff_signed_at__isnull=True)
                | models.Q(reviewer_signed_at__isnull=True),
                name="one_open_review_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff}: review {self.period_start:%b %Y} to {self.period_end:%b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("reviews:detail", kwargs={"pk": self.pk})

    @property
    def is_signed(self) -> bool:
        return bool(self.staff_signed_at and self.reviewer_signed_at)

    @property
    def signed_on(self):
        if not self.is_signed:
            return None
        return max(self.staff_signed_at, self.reviewer_signed_at).date()

    @property
    def status_label(self) -> str:
        if self.is_signed:
            return "Signed"
        if self.staff_signed_at or self.reviewer_signed_at:
            return "Awaiting signature"
        return "In preparation"


class ReviewDimension(models.Model):
    """One outline dimension in a review: the level needed, self and reviewer views."""

    review = models.ForeignKey(
        DevelopmentReview, on_delete=models.CASCADE, related_name="dimensions"
    )
    dimension = models.ForeignKey(KSFDimension, on_delete=models.PROTECT, related_name="+")
    required_level = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES)
    self_level = models.PositiveSmallIntegerField("your assessment", **LEVEL_FIELD)
    self_evidence = models.TextField(
        "your evidence", blank=True, help_text="Examples from your work, CPD and feedback."
    )
    reviewer_level = models.PositiveSmallIntegerField("reviewer's assessment", **LEVEL_FIELD)
    reviewer_comment = models.TextField("reviewer's comment", blank=True)

    class Meta:
        ordering = ["dimension__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "dimension"], name="review_dimension_once")
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code} (needs level {self.required_level})"

    @property
    def met(self) -> bool | None:
        if self.reviewer_level is None:
            return None
        return self.reviewer_level >= self.required_level


class PDPObjective(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        ACHIEVED = "achieved", "Achieved"
        CARRIED_FORWARD = "carried_forward", "Carried forward"

    review = models.ForeignKey(
        DevelopmentReview, on_delete=models.CASCADE, related_name="objectives"
    )
    objective = models.CharField(max_length=300)
    gap = models.CharField(
        "the gap it closes", max_length=300, help_text="e.g. a KSF dimension or competency."
    )
    dimension = models.ForeignKey(
        KSFDimension, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actions = models.TextField(help_text="What you will do.")
    support = models.TextField("support needed", blank=True)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = "PDP objective"

    def __str__(self) -> str:
        return self.objective


class ReviewAddendum(models.Model):
    """A note added after signing; the signed review itself never changes."""

    review = models.ForeignKey(DevelopmentReview, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name_plural = "review addenda"

    def __str__(self) -> str:
        return f"Addendum to {self.review} on {self.created_at:%d %b %Y}"
