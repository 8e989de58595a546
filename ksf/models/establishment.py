"""What a team is funded for, and what an hour of each band costs.

The funded establishment is the denominator of vacancies (funded WTE less the WTE of the
post's current assignments in the team); band costs turn a clinician's hours into the costing
line a case manager needs before approving a referral.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from .choices import Band


class Establishment(models.Model):
    """A team's funded WTE for a post (e.g. MSK Outpatients North: 3.00 WTE band 6)."""

    team = models.ForeignKey(
        "ksf.Team",
        on_delete=models.CASCADE,
        related_name="establishment",
        verbose_name=gettext_lazy("team"),
    )
    post = models.ForeignKey(
        "ksf.Post",
        on_delete=models.PROTECT,
        related_name="establishment",
        verbose_name=gettext_lazy("post"),
    )
    funded_wte = models.DecimalField(
        gettext_lazy("funded WTE"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("500"))],
        help_text=gettext_lazy("Whole-time equivalents the budget pays for in this team."),
    )

    class Meta:
        ordering = ["team__name", "post__title"]
        verbose_name = gettext_lazy("funded post")
        verbose_name_plural = gettext_lazy("funded establishment")
        constraints = [
            models.UniqueConstraint(fields=["team", "post"], name="establishment_unique"),
            models.CheckConstraint(
                condition=Q(funded_wte__gt=Decimal("0")), name="establishment_wte_positive"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(team)s: %(wte)s WTE %(post)s") % {
            "team": self.team,
            "wte": self.funded_wte,
            "post": self.post,
        }


class BandCost(models.Model):
    """The cost of an hour of a band's time, salary with on-costs, for costing lines."""

    band = models.CharField(
        max_length=3, choices=Band.choices, unique=True, verbose_name=gettext_lazy("band")
    )
    hourly_cost = models.DecimalField(
        gettext_lazy("cost per hour (£)"),
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10000"))],
        help_text=gettext_lazy("Salary with employer's on-costs, per hour worked."),
    )

    class Meta:
        ordering = ["band"]
        verbose_name = gettext_lazy("band hourly cost")
        verbose_name_plural = gettext_lazy("band hourly costs")

    def __str__(self) -> str:
        return gettext("Band %(band)s: £%(cost)s an hour") % {
            "band": self.band,
            "cost": self.hourly_cost,
        }
