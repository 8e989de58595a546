"""KSF post outlines: the level each dimension needs at the two gateways."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField

from .framework import LEVEL_CHOICES, LEVEL_VALIDATORS, KSFDimension, KSFIndicator
from .people import Post


class OutlineEntry(models.Model):
    post = ParentalKey(
        Post, on_delete=models.CASCADE, related_name="outline", verbose_name=gettext_lazy("post")
    )
    dimension = models.ForeignKey(
        KSFDimension,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("dimension"),
    )
    foundation_level = models.PositiveSmallIntegerField(
        gettext_lazy("foundation gateway level"),
        choices=LEVEL_CHOICES,
        validators=LEVEL_VALIDATORS,
        help_text=gettext_lazy("Expected within 12 months of starting in the band."),
    )
    second_level = models.PositiveSmallIntegerField(
        gettext_lazy("second gateway level"),
        choices=LEVEL_CHOICES,
        validators=LEVEL_VALIDATORS,
        help_text=gettext_lazy("The full outline, expected near the top of the band."),
    )
    indicators = ParentalManyToManyField(
        KSFIndicator,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            "Indicators that apply to this post; leave empty for all at the level."
        ),
        verbose_name=gettext_lazy("indicators"),
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, verbose_name=gettext_lazy("sort order")
    )

    class Meta:
        ordering = ["dimension__sort_order"]
        verbose_name = gettext_lazy("outline dimension")
        verbose_name_plural = gettext_lazy("outline dimensions")
        constraints = [
            models.UniqueConstraint(fields=["post", "dimension"], name="outline_dimension_once"),
            models.CheckConstraint(
                condition=models.Q(foundation_level__lte=models.F("second_level")),
                name="outline_foundation_not_above_second",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code}: {self.foundation_level} → {self.second_level}"

    def clean(self) -> None:
        if (
            self.foundation_level
            and self.second_level
            and self.foundation_level > self.second_level
        ):
            raise ValidationError(
                {
                    "foundation_level": (
                        gettext("The foundation level cannot be above the second gateway level.")
                    )
                }
            )
