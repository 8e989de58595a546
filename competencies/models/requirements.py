"""What a post requires from competency frameworks."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from .frameworks import Competency, ScaleValue


class PostRequirement(models.Model):
    post = models.ForeignKey(
        "ksf.Post",
        on_delete=models.CASCADE,
        related_name="requirements",
        verbose_name=gettext_lazy("post"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        related_name="requirements",
        verbose_name=gettext_lazy("competency"),
    )
    required_value = models.ForeignKey(
        ScaleValue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The scale value needed; empty means the framework's first proficient value."),
        verbose_name=gettext_lazy("required value"),
    )
    mandatory = models.BooleanField(
        default=True, help_text=_("Untick for desirable."), verbose_name=gettext_lazy("mandatory")
    )
    months_allowed = models.PositiveSmallIntegerField(
        default=12,
        help_text=_("Months from starting in post to reach the required level."),
        verbose_name=gettext_lazy("months allowed"),
    )

    class Meta:
        verbose_name = gettext_lazy("post requirement")
        verbose_name_plural = gettext_lazy("post requirements")
        ordering = ["post", "competency__framework__title", "competency__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["post", "competency"], name="requirement_once_per_post")
        ]

    def __str__(self) -> str:
        if self.mandatory:
            text = gettext("%(post)s: %(competency)s (mandatory)")
        else:
            text = gettext("%(post)s: %(competency)s (desirable)")
        return text % {"post": self.post.title, "competency": self.competency}

    def clean(self) -> None:
        if (
            self.required_value_id
            and self.competency_id
            and self.required_value.framework_id != self.competency.framework_id
        ):
            raise ValidationError(
                {
                    "required_value": gettext(
                        "Choose a value from this competency's framework scale."
                    )
                }
            )
