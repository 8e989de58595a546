"""What a post requires from competency frameworks."""

from django.core.exceptions import ValidationError
from django.db import models

from .frameworks import Competency, ScaleValue


class PostRequirement(models.Model):
    post = models.ForeignKey("ksf.Post", on_delete=models.CASCADE, related_name="requirements")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="requirements"
    )
    required_value = models.ForeignKey(
        ScaleValue,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The scale value needed; empty means the framework's first proficient value.",
    )
    mandatory = models.BooleanField(default=True, help_text="Untick for desirable.")
    months_allowed = models.PositiveSmallIntegerField(
        default=12, help_text="Months from starting in post to reach the required level."
    )

    class Meta:
        ordering = ["post", "competency__framework__title", "competency__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["post", "competency"], name="requirement_once_per_post")
        ]

    def __str__(self) -> str:
        kind = "mandatory" if self.mandatory else "desirable"
        return f"{self.post.title}: {self.competency} ({kind})"

    def clean(self) -> None:
        if (
            self.required_value_id
            and self.competency_id
            and self.required_value.framework_id != self.competency.framework_id
        ):
            raise ValidationError(
                {"required_value": "Choose a value from this competency's framework scale."}
            )
