"""A person's portfolio: evidence, CPD log and competency attainments (sign-offs)."""

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import LazyObject
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .frameworks import Competency, ScaleValue

# The range of hours one CPD entry may record (checked with a message in portfolio.rules).
CPD_MIN_HOURS = Decimal("0.25")
CPD_MAX_HOURS = Decimal("500")


class PrivateStorage(LazyObject):
    """Evidence files live outside MEDIA_ROOT and are only served by a permission-checked view."""

    def _setup(self):
        self._wrapped = FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


private_storage = PrivateStorage()


def get_private_storage() -> PrivateStorage:
    # A callable keeps the machine's path out of migrations.
    return private_storage


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is random so nothing about a person leaks through a path.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{instance.owner_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file or a link that shows what someone can do."""

    owner = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        related_name="evidence",
        verbose_name=gettext_lazy("owner"),
    )
    title = models.CharField(max_length=200, verbose_name=gettext_lazy("title"))
    file = models.FileField(
        upload_to=evidence_path,
        storage=get_private_storage,
        blank=True,
        verbose_name=gettext_lazy("file"),
    )
    original_name = models.CharField(
        max_length=255, blank=True, verbose_name=gettext_lazy("original name")
    )
    content_type = models.CharField(
        max_length=100, blank=True, verbose_name=gettext_lazy("content type")
    )
    size = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("size"))
    url = models.URLField(_("link"), blank=True, max_length=500)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("evidence")
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(url=""), name="evidence_file_or_link"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return not self.file


class CPDEntry(models.Model):
    """One learning activity, recorded the way HCPC's CPD standards ask for it."""

    class ActivityType(models.TextChoices):
        WORK_BASED = "work_based", _("Work-based learning")
        PROFESSIONAL = "professional", _("Professional activity")
        FORMAL = "formal", _("Formal or educational")
        SELF_DIRECTED = "self_directed", _("Self-directed learning")
        OTHER = "other", pgettext_lazy("CPD activity type", "Other")

    staff = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        related_name="cpd",
        verbose_name=gettext_lazy("staff"),
    )
    date = models.DateField(
        help_text=_("When the activity took place (or finished)."),
        verbose_name=gettext_lazy("date"),
    )
    title = models.CharField(max_length=200, verbose_name=gettext_lazy("title"))
    activity_type = models.CharField(
        max_length=20, choices=ActivityType.choices, verbose_name=gettext_lazy("activity type")
    )
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text=_("In hours, e.g. 1.5."),
        verbose_name=gettext_lazy("hours"),
    )
    description = models.TextField(_("what you did"))
    learning = models.TextField(_("what you learnt"), blank=True)
    practice_change = models.TextField(_("how it changed your practice"), blank=True)
    service_user_benefit = models.TextField(_("the benefit to service users"), blank=True)
    competencies = models.ManyToManyField(
        Competency,
        blank=True,
        related_name="cpd_entries",
        verbose_name=gettext_lazy("competencies"),
    )
    dimensions = models.ManyToManyField(
        "ksf.KSFDimension", blank=True, related_name="cpd_entries", verbose_name=_("KSF dimensions")
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="cpd_entries", verbose_name=gettext_lazy("evidence")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("CPD entry")
        verbose_name_plural = _("CPD entries")
        indexes = [models.Index(fields=["staff", "date"])]
        constraints = [
            # The rule and its message live in competencies.portfolio.rules.check_hours; this
            # is the database's backstop for the same range.
            models.CheckConstraint(
                condition=models.Q(hours__gte=CPD_MIN_HOURS, hours__lte=CPD_MAX_HOURS),
                name="cpd_hours_range",
            )
        ]

    def __str__(self) -> str:
        return f"{date_format(self.date, 'd M Y')} {self.title}"

    @property
    def is_reflective(self) -> bool:
        return bool(self.learning and self.practice_change and self.service_user_benefit)


class Attainment(models.Model):
    """A claim that someone reaches a scale value in a competency, and its sign-off.

    Self-assessed, then (when asked) awaiting a named assessor, then verified or declined.
    Each claim is its own row, so the history of who said what, when, is kept.
    """

    class Status(models.TextChoices):
        SELF_ASSESSED = "self", pgettext_lazy("sign-off status", "Self-assessed")
        REQUESTED = "requested", pgettext_lazy("sign-off status", "Awaiting sign-off")
        VERIFIED = "verified", pgettext_lazy("sign-off status", "Verified")
        DECLINED = "declined", pgettext_lazy("sign-off status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("sign-off status", "Withdrawn")

    OPEN = (Status.SELF_ASSESSED, Status.REQUESTED)

    staff = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        related_name="attainments",
        verbose_name=gettext_lazy("staff"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="attainments",
        verbose_name=gettext_lazy("competency"),
    )
    value = models.ForeignKey(
        ScaleValue, on_delete=models.PROTECT, related_name="+", verbose_name=_("level")
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.SELF_ASSESSED,
        verbose_name=gettext_lazy("status"),
    )
    self_comment = models.TextField(_("why you believe you are at this level"), blank=True)
    assessor = models.ForeignKey(
        "ksf.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=gettext_lazy("assessor"),
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="attainments", verbose_name=gettext_lazy("evidence")
    )
    requested_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("requested at")
    )
    decided_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("decided at")
    )
    decision_comment = models.TextField(blank=True, verbose_name=gettext_lazy("decision comment"))
    verified_on = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("verified on"))
    expires_on = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("expires on"))
    source = models.CharField(
        max_length=120,
        blank=True,
        help_text=_(
            "Where a sign-off came from when not from a claim, e.g. the fellowship it completed."
        ),
        verbose_name=gettext_lazy("source"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        verbose_name = gettext_lazy("attainment")
        verbose_name_plural = gettext_lazy("attainments")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["staff", "competency", "status"]),
            models.Index(fields=["assessor", "status"]),
            models.Index(fields=["status", "expires_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(assessor=models.F("staff")), name="attainment_not_own"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="verified")
                | (models.Q(assessor__isnull=False) & models.Q(verified_on__isnull=False)),
                name="attainment_verified_has_assessor",
            ),
            # One open claim per person and competency: a new claim withdraws the old first.
            models.UniqueConstraint(
                fields=["staff", "competency"],
                condition=models.Q(status__in=["self", "requested"]),
                name="one_open_claim_per_competency",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(staff)s: %(competency)s at %(value)s (%(status)s)") % {
            "staff": self.staff,
            "competency": self.competency,
            "value": self.value,
            "status": self.get_status_display(),
        }

    def get_absolute_url(self) -> str:
        """Where the assessor decides the request."""
        return reverse("development:signoff_decide", args=[self.pk])

    def get_claimant_url(self) -> str:
        """Where the person sees this competency, their claims and what to do next."""
        return reverse("development:competency", args=[self.competency_id])


class HCPCProfileDraft(models.Model):
    """An HCPC CPD profile in progress, kept so the person can come back to it.

    It holds what the profile form collects: a summary of practice and the CPD activities
    chosen to write up (the statements on the standards are built from the log each time).
    A CPD entry deleted later simply drops out of the draft.
    """

    owner = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        related_name="hcpc_drafts",
        verbose_name=gettext_lazy("owner"),
    )
    title = models.CharField(max_length=200, verbose_name=gettext_lazy("title"))
    summary = models.TextField(_("summary of practice"), blank=True)
    activities = models.ManyToManyField(
        CPDEntry,
        blank=True,
        related_name="hcpc_drafts",
        verbose_name=gettext_lazy("activities to write up"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        verbose_name = gettext_lazy("HCPC profile draft")
        verbose_name_plural = gettext_lazy("HCPC profile drafts")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exports:hcpc_draft", args=[self.owner.staff_number, self.pk])
