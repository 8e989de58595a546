"""Applications, enrolments, pauses and supervisors."""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from .programmes import Programme, SupervisorRole


class Application(models.Model):
    """A clinician asks to join a programme; the service lead decides, with the costs.

    A manager may start one for someone they manage (a nomination): it waits for the person
    to say why they want to train, or to decline, before anyone decides."""

    class Status(models.TextChoices):
        NOMINATED = (
            "nominated",
            pgettext_lazy("application status", "Nominated: waiting for the applicant"),
        )
        SUBMITTED = "submitted", pgettext_lazy("application status", "Waiting for a decision")
        APPROVED = "approved", pgettext_lazy("application status", "Approved")
        DECLINED = "declined", pgettext_lazy("application status", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")

    staff = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        related_name="fellowship_applications",
        verbose_name=gettext_lazy("applicant"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=gettext_lazy("programme"),
    )
    statement = models.TextField(gettext_lazy("why you are applying"), blank=True)
    nominated_by = models.ForeignKey(
        "ksf.StaffMember",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("nominated by"),
    )
    manager_support = models.TextField(gettext_lazy("line manager's support"), blank=True)
    supported_by = models.ForeignKey(
        "ksf.StaffMember",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("supported by"),
    )
    supported_at = models.DateTimeField(gettext_lazy("supported at"), null=True, blank=True)
    status = models.CharField(
        gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    created_at = models.DateTimeField(gettext_lazy("applied at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decision_reason = models.TextField(gettext_lazy("reason"), blank=True)
    criteria_override = models.TextField(
        gettext_lazy("why the entry criteria are set aside"), blank=True
    )
    cost = models.DecimalField(
        gettext_lazy("cost (£)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_source = models.CharField(gettext_lazy("funding source"), max_length=200, blank=True)
    backfill_hours = models.DecimalField(
        gettext_lazy("backfill hours"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = gettext_lazy("fellowship application")
        verbose_name_plural = gettext_lazy("fellowship applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "programme"],
                condition=models.Q(status__in=["nominated", "submitted"]),
                name="one_open_application_per_programme",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(person)s: %(programme)s") % {
            "person": self.staff,
            "programme": self.programme,
        }

    def get_absolute_url(self) -> str:
        return reverse("fellowships:application", args=[self.pk])


class Enrolment(models.Model):
    """A fellow on one version of a programme, from approval to completion or withdrawal."""

    class Status(models.TextChoices):
        APPROVED = "approved", pgettext_lazy("enrolment status", "Approved, not started")
        ACTIVE = "active", pgettext_lazy("enrolment status", "Active")
        PAUSED = "paused", pgettext_lazy("enrolment status", "Paused")
        COMPLETED = "completed", pgettext_lazy("enrolment status", "Completed")
        WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")

    OPEN = (Status.APPROVED, Status.ACTIVE, Status.PAUSED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    staff = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=gettext_lazy("fellow"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        related_name="enrolments",
        verbose_name=gettext_lazy("programme version"),
    )
    application = models.OneToOneField(
        Application,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolment",
        verbose_name=gettext_lazy("application"),
    )
    cohort = models.CharField(gettext_lazy("cohort"), max_length=100, blank=True)
    start_date = models.DateField(gettext_lazy("start date"))
    target_date = models.DateField(
        gettext_lazy("target date"), help_text=gettext_lazy("Moves on by the length of any pause.")
    )
    learning_contract = models.TextField(
        gettext_lazy("learning contract"),
        blank=True,
        help_text=gettext_lazy(
            "The agreed scope, e.g. shoulder and knee diagnostic scanning, then guided injection."
        ),
    )
    status = models.CharField(
        gettext_lazy("status"), max_length=20, choices=Status.choices, default=Status.APPROVED
    )
    completed_on = models.DateField(gettext_lazy("completed on"), null=True, blank=True)
    withdrawn_on = models.DateField(gettext_lazy("withdrawn on"), null=True, blank=True)
    withdrawn_reason = models.TextField(gettext_lazy("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("enrolment")
        verbose_name_plural = gettext_lazy("enrolments")
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["status", "programme"])]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "programme"],
                condition=models.Q(status__in=["approved", "active", "paused"]),
                name="one_open_enrolment_per_programme",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(person)s on %(programme)s") % {
            "person": self.staff,
            "programme": self.programme.title,
        }

    def get_absolute_url(self) -> str:
        return reverse("fellowships:enrolment", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class Pause(models.Model):
    """A break in an enrolment (leave, illness): sign-off stops and the target moves on."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="pauses",
        verbose_name=gettext_lazy("enrolment"),
    )
    starts_on = models.DateField(gettext_lazy("paused from"))
    ends_on = models.DateField(gettext_lazy("resumed on"), null=True, blank=True)
    reason = models.CharField(gettext_lazy("reason"), max_length=300)

    class Meta:
        verbose_name = gettext_lazy("pause")
        verbose_name_plural = gettext_lazy("pauses")
        ordering = ["starts_on", "pk"]

    def __str__(self) -> str:
        return self.reason

    def days(self, today: datetime.date) -> int:
        """How long the pause lasted (so far, when it has not ended)."""
        return max(0, ((self.ends_on or today) - self.starts_on).days)


class SupervisorAssignment(models.Model):
    """A supervisor of a fellow, in a role the programme names; ended, never deleted."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="supervisors",
        verbose_name=gettext_lazy("enrolment"),
    )
    supervisor = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.PROTECT,
        related_name="supervising",
        verbose_name=gettext_lazy("supervisor"),
    )
    role = models.CharField(gettext_lazy("role"), max_length=20, choices=SupervisorRole.choices)
    starts_on = models.DateField(gettext_lazy("from"))
    ends_on = models.DateField(gettext_lazy("until"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("supervisor assignment")
        verbose_name_plural = gettext_lazy("supervisor assignments")
        ordering = ["role", "starts_on", "pk"]
        indexes = [models.Index(fields=["supervisor", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="supervision_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return gettext("%(supervisor)s (%(role)s)") % {
            "supervisor": self.supervisor,
            "role": self.get_role_display(),
        }
