"""Tell someone something in the portal and, if they have an email address, by email."""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from ksf.models import Notification

log = logging.getLogger(__name__)


def notify(
    recipient: User | None, subject: str, body: str = "", url: str = "", key: str = ""
) -> Notification | None:
    """Create a notification and email it once the surrounding transaction commits.

    With ``key``, a second call for the same recipient and key does nothing, so daily
    reminder jobs can run again safely.
    """
    if recipient is None or not recipient.is_active:
        return None
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient, subject=subject, body=body, url=url, key=key
            )
    except IntegrityError:  # a concurrent run sent it first
        return None
    if recipient.email:
        transaction.on_commit(lambda: _email(note))
    return note


def _email(note: Notification) -> None:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    link = f"\n\nOpen it here: {base}{note.url}" if note.url else ""
    try:
        send_mail(
            subject=f"{settings.PORTAL_NAME}: {note.subject}",
            message=f"{note.body}{link}".strip(),
            from_email=None,
            recipient_list=[note.recipient.email],
        )
    except OSError:  # the portal copy stands even if the mail server is down
        log.exception("Could not email notification %s", note.pk)
        return
    Notification.objects.filter(pk=note.pk).update(emailed=True)


def unread_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def mark_read(user: User, ids: list[int] | None = None) -> int:
    qs = unread_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
