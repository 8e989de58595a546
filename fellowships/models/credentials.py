"""Open Badges 3.0 credentials issued when a fellow completes a programme."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from .enrolments import Enrolment


class Credential(models.Model):
    """The signed credential as issued (kept byte for byte), and whether it was revoked."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="credential",
        verbose_name=gettext_lazy("enrolment"),
    )
    document = models.JSONField(gettext_lazy("signed credential"))
    issued_at = models.DateTimeField(gettext_lazy("issued at"))
    key_id = models.CharField(
        gettext_lazy("signing key"),
        max_length=100,
        help_text=gettext_lazy("Which of the issuer's keys signed it (keys are rotated)."),
    )
    revoked_at = models.DateTimeField(gettext_lazy("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("revoked by"),
    )
    revoked_reason = models.TextField(gettext_lazy("reason for revoking"), blank=True)

    class Meta:
        verbose_name = gettext_lazy("credential")
        verbose_name_plural = gettext_lazy("credentials")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return gettext("Credential for %(enrolment)s") % {"enrolment": self.enrolment}

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
