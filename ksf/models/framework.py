"""The NHS Knowledge and Skills Framework: dimensions, levels and indicators."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.search import index

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(4)]


def level_label(level: int) -> str:
    """'Level 3': the words for a KSF level wherever one is shown."""
    return gettext("Level %(level)s") % {"level": level}


# Choice labels are read at import time, so they are built lazily in the language of the
# request that shows them.
LEVEL_CHOICES = [(n, lazy(level_label, str)(n)) for n in range(1, 5)]


class KSFDimension(index.Indexed, ClusterableModel):
    class Kind(models.TextChoices):
        CORE = "core", pgettext_lazy("KSF dimension kind", "Core")
        SPECIFIC = "specific", pgettext_lazy("KSF dimension kind", "Specific")

    code = models.CharField(max_length=10, unique=True, verbose_name=gettext_lazy("code"))
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    group = models.CharField(max_length=60, verbose_name=gettext_lazy("group"))
    title = models.CharField(max_length=255, verbose_name=gettext_lazy("title"))
    sort_order = models.PositiveSmallIntegerField(
        default=0, verbose_name=gettext_lazy("sort order")
    )

    search_fields = [index.SearchField("title"), index.SearchField("code")]

    class Meta:
        ordering = ["sort_order"]
        verbose_name = gettext_lazy("KSF dimension")
        verbose_name_plural = gettext_lazy("KSF dimensions")

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class KSFLevel(ClusterableModel):
    dimension = ParentalKey(
        KSFDimension,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=gettext_lazy("dimension"),
    )
    level = models.PositiveSmallIntegerField(
        choices=LEVEL_CHOICES, validators=LEVEL_VALIDATORS, verbose_name=gettext_lazy("level")
    )
    title = models.CharField(max_length=255, verbose_name=gettext_lazy("title"))

    class Meta:
        ordering = ["dimension__sort_order", "level"]
        verbose_name = gettext_lazy("KSF level")
        verbose_name_plural = gettext_lazy("KSF levels")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "level"], name="ksf_level_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(code)s level %(level)s: %(title)s") % {
            "code": self.dimension.code,
            "level": self.level,
            "title": self.title,
        }


class KSFIndicator(models.Model):
    """A lettered statement of what someone at a level does; local ones may be added."""

    level = models.ForeignKey(
        KSFLevel,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=gettext_lazy("level"),
    )
    letter = models.CharField(max_length=3, verbose_name=gettext_lazy("letter"))
    text = models.TextField(verbose_name=gettext_lazy("text"))
    is_local = models.BooleanField(
        default=False,
        help_text=gettext_lazy("Added by this organisation rather than shipped with the KSF."),
        verbose_name=gettext_lazy("is local"),
    )

    class Meta:
        ordering = ["level__dimension__sort_order", "level__level", "letter"]
        verbose_name = gettext_lazy("KSF indicator")
        verbose_name_plural = gettext_lazy("KSF indicators")
        constraints = [
            models.UniqueConstraint(fields=["level", "letter"], name="ksf_indicator_unique")
        ]

    def __str__(self) -> str:
        return f"{self.level.dimension.code}.{self.level.level}{self.letter} {self.text[:60]}"
