"""What-if scenarios for a team's skill mix: changes a manager tries without touching real data.

A scenario belongs to its author and one team; its changes are applied, in order, to a copy of
the team's baseline projection in memory (``fellowships.skillmix``), never to assignments,
attainments or enrolments.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy, pgettext_lazy

from ksf.models import Band


class Scenario(models.Model):
    """A named set of changes to one team, saved by its author."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skillmix_scenarios",
        verbose_name=gettext_lazy("author"),
    )
    team = models.ForeignKey(
        "ksf.Team",
        on_delete=models.CASCADE,
        related_name="skillmix_scenarios",
        verbose_name=gettext_lazy("team"),
    )
    name = models.CharField(gettext_lazy("name"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = gettext_lazy("skill-mix scenario")
        verbose_name_plural = gettext_lazy("skill-mix scenarios")
        constraints = [
            models.UniqueConstraint(
                fields=["author", "team", "name"], name="scenario_name_unique_per_author"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ScenarioChange(models.Model):
    """One change in a scenario: a person added, removed, enrolled or moved, or demand changed."""

    class Kind(models.TextChoices):
        ADD_PERSON = "add", pgettext_lazy("scenario change", "Add a person")
        REMOVE_PERSON = "remove", pgettext_lazy("scenario change", "A person leaves")
        ENROL = "enrol", pgettext_lazy("scenario change", "Enrol someone on a programme")
        MOVE_PERSON = "move", pgettext_lazy("scenario change", "Move a person to another team")
        DEMAND = "demand", pgettext_lazy("scenario change", "Change demand")

    scenario = models.ForeignKey(
        Scenario,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=gettext_lazy("scenario"),
    )
    kind = models.CharField(gettext_lazy("change"), max_length=8, choices=Kind.choices)
    from_month = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("The first month the change applies (empty: from now)."),
        verbose_name=gettext_lazy("from"),
    )
    # remove, enrol, move: who
    staff = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("person"),
    )
    # add: a new person's band, WTE and the competencies they hold
    band = models.CharField(gettext_lazy("band"), max_length=3, choices=Band.choices, blank=True)
    wte = models.DecimalField(
        gettext_lazy("WTE"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
    )
    competencies = models.ManyToManyField(
        "competencies.Competency",
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("competencies held"),
    )
    # enrol: on which programme
    programme = models.ForeignKey(
        "fellowships.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("programme"),
    )
    # move: to which team
    to_team = models.ForeignKey(
        "ksf.Team",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("to team"),
    )
    # demand: by how much, for every competency or one
    percent = models.DecimalField(
        gettext_lazy("change in demand (%)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("1000"))],
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Empty: demand for every competency changes."),
        verbose_name=gettext_lazy("competency"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    class Meta:
        ordering = ["scenario", "created_at", "pk"]
        verbose_name = gettext_lazy("scenario change")
        verbose_name_plural = gettext_lazy("scenario changes")
        constraints = [
            models.CheckConstraint(
                condition=Q(wte__isnull=True)
                | (Q(wte__gte=Decimal("0.01")) & Q(wte__lte=Decimal("1.00"))),
                name="scenario_change_wte_range",
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__gte=Decimal("-100")),
                name="scenario_change_percent_floor",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())
