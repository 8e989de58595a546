"""Writes about posts, outlines and notifications. Each is atomic and audited."""

import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ksf import audit
from ksf.models import Notification, OutlineEntry, Post
from ksf.selectors import unread_for


@transaction.atomic
def copy_outline(*, source: Post, target: Post, user: User | None) -> int:
    """Replace the target post's KSF outline with a copy of the source's; return the count."""
    if source.pk == target.pk:
        raise ValidationError(_("Choose a different post to copy from."))
    entries = list(OutlineEntry.objects.filter(post=source).prefetch_related("indicators"))
    if not entries:
        raise ValidationError(_("%(post)s has no KSF outline to copy.") % {"post": source})
    before = target.outline_summary()
    OutlineEntry.objects.filter(post=target).delete()
    for entry in entries:
        copy = OutlineEntry.objects.create(
            post=target,
            dimension_id=entry.dimension_id,
            foundation_level=entry.foundation_level,
            second_level=entry.second_level,
            sort_order=entry.sort_order,
        )
        copy.indicators.set(entry.indicators.all())
    audit.log_change(
        target,
        user,
        {_("KSF outline"): [before, target.outline_summary()]},
        source=_("copied from %(post)s") % {"post": source},
    )
    return len(entries)


log = logging.getLogger(__name__)


def notify(
    recipient: User | None,
    subject: str,
    body: str = "",
    url: str = "",
    key: str = "",
    topic: str = "",
) -> Notification | None:
    """Create a notification and email it once the surrounding transaction commits.

    With ``key``, a second call for the same recipient and key does nothing, so daily
    reminder jobs can run again safely. ``topic`` names what it asks the recipient to act
    on; ``close_topic`` marks it dealt with, so it stops showing as new.
    """
    if recipient is None or not recipient.is_active:
        return None
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                recipient=recipient, subject=subject, body=body, url=url, key=key, topic=topic
            )
    except IntegrityError:  # a concurrent run sent it first
        return None
    if recipient.email:
        transaction.on_commit(lambda: _email(note))
    return note


def _email(note: Notification) -> None:
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    link = "\n\n" + _("Open it here: %(url)s") % {"url": f"{base}{note.url}"} if note.url else ""
    try:
        send_mail(
            subject=_("%(portal)s: %(subject)s")
            % {"portal": settings.PORTAL_NAME, "subject": note.subject},
            message=f"{note.body}{link}".strip(),
            from_email=None,
            recipient_list=[note.recipient.email],
        )
    except OSError:  # the portal copy stands even if the mail server is down
        log.exception("Could not email notification %s", note.pk)
        return
    Notification.objects.filter(pk=note.pk).update(emailed=True)


def close_topic(topic: str, recipient: User | None = None) -> int:
    """Mark the notifications about ``topic`` dealt with (and read): the request is settled."""
    qs = Notification.objects.filter(topic=topic, done_at__isnull=True)
    if recipient is not None:
        qs = qs.filter(recipient=recipient)
    now = timezone.now()
    return qs.update(done_at=now, read_at=Coalesce("read_at", Value(now)))


def mark_read(user: User, ids: list[int] | None = None) -> int:
    qs = unread_for(user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def lift_lockout(attempt_id: int, *, by: User) -> str:
    """End one sign-in pause (account and address) before it runs out; returns the account."""
    from axes.models import AccessAttempt

    attempt = AccessAttempt.objects.filter(pk=attempt_id).first()
    if attempt is None:
        raise ValidationError(_("That pause has already ended: nothing to lift."))
    # What axes' own reset does with its database handler, for this account and address only.
    AccessAttempt.objects.filter(username=attempt.username, ip_address=attempt.ip_address).delete()
    account = User.objects.filter(username=attempt.username).first()
    if account is not None:
        audit.log_change(
            account,
            by,
            {_("sign-in"): [_("paused"), _("pause lifted")]},
            address=attempt.ip_address,
        )
    return attempt.username
