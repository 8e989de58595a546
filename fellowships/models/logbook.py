"""What a fellow records and a supervisor signs: logbook entries, assessments, milestones."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from .enrolments import Enrolment
from .programmes import Milestone

MAX_ENTRY_MINUTES = 24 * 60


class LogbookEntry(models.Model):
    """One case (a scan, a prescribing session, a clinic) in a fellow's logbook."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("logbook entry status", "Not yet submitted")
        SUBMITTED = "submitted", pgettext_lazy("logbook entry status", "Waiting for sign-off")
        SIGNED = "signed", pgettext_lazy("logbook entry status", "Signed off")
        RETURNED = "returned", pgettext_lazy("logbook entry status", "Returned with feedback")

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="logbook",
        verbose_name=gettext_lazy("enrolment"),
    )
    date = models.DateField(gettext_lazy("date"))
    category = models.CharField(
        gettext_lazy("category"),
        max_length=100,
        help_text=gettext_lazy("e.g. the body region or clinical area."),
    )
    supervised = models.BooleanField(gettext_lazy("supervised"), default=True)
    minutes = models.PositiveIntegerField(
        gettext_lazy("duration (minutes)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ENTRY_MINUTES)],
    )
    case_reference = models.CharField(
        gettext_lazy("case reference"),
        max_length=40,
        blank=True,
        help_text=gettext_lazy("Your own pseudonymised reference, never a patient identifier."),
    )
    findings = models.TextField(gettext_lazy("findings or outcome"), blank=True)
    reflection = models.TextField(gettext_lazy("reflection"), blank=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    appraised = models.BooleanField(
        gettext_lazy("quality-appraised"),
        default=False,
        help_text=gettext_lazy("The supervisor appraised the quality of this case."),
    )
    submitted_at = models.DateTimeField(gettext_lazy("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "ksf.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("reviewed by"),
    )
    reviewed_at = models.DateTimeField(gettext_lazy("reviewed at"), null=True, blank=True)
    feedback = models.TextField(gettext_lazy("feedback"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("logbook entry")
        verbose_name_plural = gettext_lazy("logbook entries")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["enrolment", "status", "date"]),
            models.Index(fields=["status", "enrolment"]),
        ]

    def __str__(self) -> str:
        return gettext("%(category)s on %(date)s") % {"category": self.category, "date": self.date}

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class Assessment(models.Model):
    """A workplace-based assessment: asked for by the fellow, recorded by a supervisor."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("assessment status", "Requested")
        RECORDED = "recorded", pgettext_lazy("assessment status", "Recorded")
        CANCELLED = "cancelled", pgettext_lazy("assessment status", "Cancelled")

    class Outcome(models.TextChoices):
        SATISFACTORY = "satisfactory", pgettext_lazy("assessment outcome", "Satisfactory")
        NOT_YET = "not_yet", pgettext_lazy("assessment outcome", "Not yet satisfactory")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=gettext_lazy("enrolment"),
    )
    kind = models.CharField(
        gettext_lazy("type"), max_length=20, choices=Milestone.AssessmentType.choices
    )
    focus = models.CharField(
        gettext_lazy("what is assessed"),
        max_length=200,
        help_text=gettext_lazy("e.g. guided shoulder injection."),
    )
    assessor = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.PROTECT,
        related_name="fellowship_assessments",
        verbose_name=gettext_lazy("assessor"),
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(gettext_lazy("requested at"), auto_now_add=True)
    date = models.DateField(gettext_lazy("date assessed"), null=True, blank=True)
    case_reference = models.CharField(gettext_lazy("case reference"), max_length=40, blank=True)
    domains = models.JSONField(
        gettext_lazy("domains rated"),
        default=dict,
        blank=True,
        help_text=gettext_lazy("Each domain and its rating."),
    )
    outcome = models.CharField(
        gettext_lazy("outcome"), max_length=20, choices=Outcome.choices, blank=True
    )
    feedback = models.TextField(gettext_lazy("feedback"), blank=True)
    reflection = models.TextField(gettext_lazy("the fellow's reflection"), blank=True)
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("workplace-based assessment")
        verbose_name_plural = gettext_lazy("workplace-based assessments")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["assessor", "status"])]

    def __str__(self) -> str:
        return gettext("%(kind)s: %(focus)s") % {
            "kind": self.get_kind_display(),
            "focus": self.focus,
        }


class MilestoneRecord(models.Model):
    """What was recorded against a milestone that is not counted from the logbook.

    An academic module passed (date, mark, credits) or the final sign-off (who, when, the
    declaration they made). Logbook, assessment and competency milestones are worked out
    from their own records.
    """

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="milestone_records",
        verbose_name=gettext_lazy("enrolment"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("milestone"),
    )
    passed = models.BooleanField(gettext_lazy("passed"), default=True)
    achieved_on = models.DateField(gettext_lazy("date"))
    mark = models.PositiveSmallIntegerField(
        gettext_lazy("mark (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    signed_by = models.ForeignKey(
        "ksf.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("signed by"),
    )
    declaration = models.TextField(gettext_lazy("declaration"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("recorded by"),
    )
    recorded_at = models.DateTimeField(gettext_lazy("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("milestone record")
        verbose_name_plural = gettext_lazy("milestone records")
        ordering = ["achieved_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "milestone"], name="milestone_recorded_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.milestone)
