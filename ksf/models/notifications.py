"""Messages to a person in the portal (and by email), e.g. a sign-off request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    subject = models.CharField(max_length=200, verbose_name=_("subject"))
    body = models.TextField(blank=True, verbose_name=_("body"))
    url = models.CharField(
        max_length=500, blank=True, help_text=_("Where to act on it."), verbose_name=_("url")
    )
    key = models.CharField(
        max_length=120,
        blank=True,
        help_text=_("Set for reminders so the same one is never sent twice."),
        verbose_name=_("key"),
    )
    topic = models.CharField(
        max_length=120,
        blank=True,
        db_index=True,
        help_text=_(
            "What the notification asks its recipient to act on (e.g. one sign-off request), "
            "so it is marked done when that is dealt with."
        ),
        verbose_name=_("topic"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    done_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When what it asked for was dealt with, by anyone."),
        verbose_name=_("dealt with at"),
    )
    read_at = models.DateTimeField(null=True, blank=True, verbose_name=_("read at"))
    emailed = models.BooleanField(default=False, verbose_name=_("emailed"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="notification_key_once",
            )
        ]

    def __str__(self) -> str:
        return self.subject
