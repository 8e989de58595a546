"""People, posts and who holds which post in which team."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from modelcluster.models import ClusterableModel
from wagtail.search import index

from ksf import dates

from .choices import BAND_ORDER, Band, Profession


class StaffMember(index.Indexed, models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        help_text=gettext_lazy(
            "The login this person uses; leave empty for people who do not sign in."
        ),
        verbose_name=gettext_lazy("user"),
    )
    staff_number = models.CharField(
        max_length=20,
        unique=True,
        help_text=gettext_lazy("The ESR / HR staff number."),
        verbose_name=gettext_lazy("staff number"),
    )
    first_name = models.CharField(max_length=100, verbose_name=gettext_lazy("first name"))
    last_name = models.CharField(max_length=100, verbose_name=gettext_lazy("last name"))
    email = models.EmailField(blank=True, verbose_name=gettext_lazy("email"))
    profession = models.CharField(
        max_length=40, choices=Profession.choices, verbose_name=gettext_lazy("profession")
    )
    band = models.CharField(gettext_lazy("pay band"), max_length=3, choices=Band.choices)
    qualified_on = models.DateField(
        gettext_lazy("qualified on"),
        null=True,
        blank=True,
        help_text=gettext_lazy("When they first qualified in their profession (entry criteria)."),
    )
    hcpc_number = models.CharField(
        gettext_lazy("HCPC registration number"),
        max_length=12,
        blank=True,
        help_text=gettext_lazy("e.g. PH123456"),
    )
    hcpc_renewal_date = models.DateField(gettext_lazy("HCPC renewal date"), null=True, blank=True)

    search_fields = [
        index.SearchField("first_name"),
        index.SearchField("last_name"),
        index.SearchField("staff_number"),
        index.SearchField("email"),
        index.AutocompleteField("last_name"),
        index.AutocompleteField("first_name"),
        index.FilterField("profession"),
        index.FilterField("band"),
    ]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = gettext_lazy("staff member")
        verbose_name_plural = gettext_lazy("staff members")
        permissions = [
            ("view_portfolio_staffmember", gettext_lazy("Can view a person's development record")),
            ("manage_portfolio_staffmember", gettext_lazy("Can act as line manager for a person")),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.hcpc_number and not self.hcpc_number[:2].isalpha():
            raise ValidationError(
                {"hcpc_number": gettext("Start with the two-letter register prefix.")}
            )


class Post(index.Indexed, ClusterableModel):
    """A job (e.g. Band 7 MSK First Contact Practitioner) with its KSF outline."""

    title = models.CharField(max_length=200, verbose_name=gettext_lazy("title"))
    profession = models.CharField(
        max_length=40, choices=Profession.choices, verbose_name=gettext_lazy("profession")
    )
    band = models.CharField(max_length=3, choices=Band.choices, verbose_name=gettext_lazy("band"))
    service = models.ForeignKey(
        "ksf.Service",
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=gettext_lazy("service"),
    )
    summary = models.TextField(
        blank=True,
        help_text=gettext_lazy("What the post is for, in a sentence or two."),
        verbose_name=gettext_lazy("summary"),
    )

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.FilterField("band"),
        index.FilterField("profession"),
    ]

    class Meta:
        verbose_name = gettext_lazy("post")
        verbose_name_plural = gettext_lazy("posts")
        ordering = ["service__name", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "title"], name="post_title_unique_in_service"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(title)s (band %(band)s)") % {"title": self.title, "band": self.band}

    @property
    def band_rank(self) -> int:
        return BAND_ORDER[self.band]

    def outline_summary(self) -> str:
        from .outlines import OutlineEntry

        entries = OutlineEntry.objects.filter(post_id=self.pk).select_related("dimension")
        return (
            ", ".join(f"{e.dimension.code} {e.foundation_level}/{e.second_level}" for e in entries)
            or "—"
        )

    def audit_extra(self) -> dict[str, str]:
        return {gettext("KSF outline"): self.outline_summary()}


def current_q(on: datetime.date, prefix: str = "") -> Q:
    """An assignment in force on ``on`` (from its start date to its end date, inclusive).

    ``prefix`` reaches assignments through a relation, e.g. ``"assignments__"`` from a team.
    """
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


class CurrentAssignmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None) -> "CurrentAssignmentQuerySet":
        return self.filter(current_q(on or dates.today()))


class PostAssignment(models.Model):
    """A person holding a post in a team for a period, with their line manager."""

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=gettext_lazy("staff"),
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=gettext_lazy("post"),
    )
    team = models.ForeignKey(
        "ksf.Team",
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=gettext_lazy("team"),
    )
    wte = models.DecimalField(
        gettext_lazy("WTE"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text=gettext_lazy("Whole-time equivalent, 0.01 to 1.00."),
    )
    start_date = models.DateField(verbose_name=gettext_lazy("start date"))
    end_date = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Leave empty while in post."),
        verbose_name=gettext_lazy("end date"),
    )
    line_manager = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_assignments",
        verbose_name=gettext_lazy("line manager"),
    )

    objects = CurrentAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["staff__last_name", "start_date"]
        verbose_name = gettext_lazy("post assignment")
        verbose_name_plural = gettext_lazy("post assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(wte__gte=Decimal("0.01")) & Q(wte__lte=Decimal("1.00")),
                name="assignment_wte_range",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["line_manager", "end_date"]),
            models.Index(fields=["team", "end_date"]),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s: %(post)s in %(team)s") % {
            "person": self.staff,
            "post": self.post.title,
            "team": self.team,
        }

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": gettext("The end date is before the start date.")})
        if self.line_manager_id and self.line_manager_id == self.staff_id:
            raise ValidationError(
                {"line_manager": gettext("Nobody can be their own line manager.")}
            )

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or dates.today()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)
