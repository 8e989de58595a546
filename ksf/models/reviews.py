"""The annual development review against the KSF outline, its PDP and gateway decision.

A review is open until both the person and the reviewer sign; signing freezes it. Any change
to an open review clears signatures already given, so nobody signs something that then moves.
``version`` is bumped on every save so two people editing at once cannot overwrite each other.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy

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
        NONE = "", gettext_lazy("No gateway this year")
        FOUNDATION = "foundation", gettext_lazy("Foundation gateway")
        SECOND = "second", gettext_lazy("Second gateway")

    class Outcome(models.TextChoices):
        NONE = "", gettext_lazy("Not decided")
        PASS = "pass", gettext_lazy("Passed")
        DEFER = "defer", gettext_lazy("Deferred")

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=gettext_lazy("staff"),
    )
    reviewer = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="reviews_held",
        verbose_name=gettext_lazy("reviewer"),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=gettext_lazy("The post reviewed against."),
        verbose_name=gettext_lazy("post"),
    )
    period_start = models.DateField(gettext_lazy("review period from"))
    period_end = models.DateField(gettext_lazy("review period to"))
    meeting_date = models.DateField(
        null=True, blank=True, verbose_name=gettext_lazy("meeting date")
    )
    self_summary = models.TextField(
        gettext_lazy("your summary of the year"),
        blank=True,
        help_text=gettext_lazy("What went well, what was hard."),
    )
    reviewer_summary = models.TextField(gettext_lazy("reviewer's summary"), blank=True)

    gateway = models.CharField(
        max_length=12, choices=Gateway.choices, blank=True, verbose_name=gettext_lazy("gateway")
    )
    gateway_outcome = models.CharField(
        max_length=8,
        choices=Outcome.choices,
        blank=True,
        verbose_name=gettext_lazy("gateway outcome"),
    )
    gateway_reasons = models.TextField(gettext_lazy("reasons"), blank=True)
    gateway_unmet = models.TextField(
        gettext_lazy("outline elements not yet met"),
        blank=True,
        help_text=gettext_lazy("Needed when deferring."),
    )
    gateway_action_plan = models.TextField(gettext_lazy("action plan"), blank=True)
    gateway_review_date = models.DateField(
        gettext_lazy("date to review again"), null=True, blank=True
    )

    staff_signed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("staff signed at")
    )
    reviewer_signed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("reviewer signed at")
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, verbose_name=gettext_lazy("version")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        ordering = ["-period_end", "-pk"]
        verbose_name = gettext_lazy("development review")
        verbose_name_plural = gettext_lazy("development reviews")
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
        return gettext("%(person)s: review %(start)s to %(end)s") % {
            "person": self.staff,
            "start": date_format(self.period_start, "M Y"),
            "end": date_format(self.period_end, "M Y"),
        }

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
            return gettext("Signed")
        if self.staff_signed_at or self.reviewer_signed_at:
            return gettext("Awaiting signature")
        return gettext("In preparation")


class ReviewDimension(models.Model):
    """One outline dimension in a review: the level needed, self and reviewer views."""

    review = models.ForeignKey(
        DevelopmentReview,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=gettext_lazy("review"),
    )
    dimension = models.ForeignKey(
        KSFDimension,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("dimension"),
    )
    required_level = models.PositiveSmallIntegerField(
        choices=LEVEL_CHOICES, verbose_name=gettext_lazy("required level")
    )
    self_level = models.PositiveSmallIntegerField(gettext_lazy("your assessment"), **LEVEL_FIELD)
    self_evidence = models.TextField(
        gettext_lazy("your evidence"),
        blank=True,
        help_text=gettext_lazy("Examples from your work, CPD and feedback."),
    )
    reviewer_level = models.PositiveSmallIntegerField(
        gettext_lazy("reviewer's assessment"), **LEVEL_FIELD
    )
    reviewer_comment = models.TextField(gettext_lazy("reviewer's comment"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("review dimension")
        verbose_name_plural = gettext_lazy("review dimensions")
        ordering = ["dimension__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "dimension"], name="review_dimension_once")
        ]

    def __str__(self) -> str:
        return gettext("%(code)s (needs level %(level)s)") % {
            "code": self.dimension.code,
            "level": self.required_level,
        }

    @property
    def met(self) -> bool | None:
        if self.reviewer_level is None:
            return None
        return self.reviewer_level >= self.required_level


class PDPObjective(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", gettext_lazy("Not started")
        IN_PROGRESS = "in_progress", gettext_lazy("In progress")
        ACHIEVED = "achieved", gettext_lazy("Achieved")
        CARRIED_FORWARD = "carried_forward", gettext_lazy("Carried forward")

    review = models.ForeignKey(
        DevelopmentReview,
        on_delete=models.CASCADE,
        related_name="objectives",
        verbose_name=gettext_lazy("review"),
    )
    objective = models.CharField(max_length=300, verbose_name=gettext_lazy("objective"))
    gap = models.CharField(
        gettext_lazy("the gap it closes"),
        max_length=300,
        help_text=gettext_lazy("e.g. a KSF dimension or competency."),
    )
    dimension = models.ForeignKey(
        KSFDimension,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("dimension"),
    )
    actions = models.TextField(
        help_text=gettext_lazy("What you will do."), verbose_name=gettext_lazy("actions")
    )
    support = models.TextField(gettext_lazy("support needed"), blank=True)
    target_date = models.DateField(verbose_name=gettext_lazy("target date"))
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.NOT_STARTED,
        verbose_name=gettext_lazy("status"),
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, verbose_name=gettext_lazy("sort order")
    )

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = gettext_lazy("PDP objective")
        verbose_name_plural = gettext_lazy("PDP objectives")

    def __str__(self) -> str:
        return self.objective

    # Objectives still open: achieved ones are done, carried-forward ones live on elsewhere.
    OPEN = (Status.NOT_STARTED, Status.IN_PROGRESS)

    @property
    def is_overdue(self) -> bool:
        """Still open and its target date has passed (today as ``ksf.dates`` says)."""
        from ksf import dates

        return (
            self.status in self.OPEN
            and self.target_date is not None
            and self.target_date < dates.today()
        )


class ReviewAddendum(models.Model):
    """A note added after signing; the signed review itself never changes."""

    review = models.ForeignKey(
        DevelopmentReview,
        on_delete=models.CASCADE,
        related_name="addenda",
        verbose_name=gettext_lazy("review"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("author"),
    )
    text = models.TextField(verbose_name=gettext_lazy("text"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("review addendum")
        ordering = ["created_at", "pk"]
        verbose_name_plural = gettext_lazy("review addenda")

    def __str__(self) -> str:
        return gettext("Addendum to %(review)s on %(date)s") % {
            "review": self.review,
            "date": date_format(self.created_at, "d M Y"),
        }
