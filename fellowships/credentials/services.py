"""Issue a credential when a fellow completes, and revoke one: atomic and audited.

Whoever records the completion issues it (the caller decides who may); revoking is for
administrators (``fellowships.change_credential``), with a reason, and cannot be undone.
"""

import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from fellowships.credentials import documents, proofs
from fellowships.credentials.keys import IssuerKey
from fellowships.models import Credential, Enrolment
from ksf import audit, dates

REVOKE_PERMISSION = "fellowships.change_credential"


def may_revoke(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(REVOKE_PERMISSION))


@transaction.atomic
def issue(
    enrolment: Enrolment,
    *,
    signer: IssuerKey,
    user: User | None,
    today: datetime.date | None = None,
) -> Credential:
    """Sign and keep the credential of a completed enrolment; one per enrolment."""
    today = today or dates.today()
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("staff", "programme")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != Enrolment.Status.COMPLETED or enrolment.completed_on is None:
        raise ValidationError(
            gettext(
                "%(enrolment)s is not completed (it is %(status)s), so it has no credential yet."
            )
            % {"enrolment": enrolment, "status": enrolment.get_status_display().lower()}
        )
    if enrolment.completed_on > today:
        raise ValidationError(
            gettext("%(enrolment)s completes on %(date)s, which is still to come.")
            % {"enrolment": enrolment, "date": enrolment.completed_on}
        )
    if Credential.objects.filter(enrolment=enrolment).exists():
        raise ValidationError(
            gettext("%(enrolment)s already has a credential; it is issued once.")
            % {"enrolment": enrolment}
        )
    if not enrolment.staff.email:
        raise ValidationError(
            gettext(
                "%(person)s has no email address, and the credential names its holder by a "
                "hash of it. Add one to their staff record first."
            )
            % {"person": enrolment.staff}
        )
    now = timezone.now()
    credential = Credential(enrolment=enrolment, issued_at=now, key_id=signer.key_id)
    unsigned = documents.build(credential, issued_at=now)
    dropped = proofs.dropped_terms(unsigned)
    if dropped:  # our own fields, so a bug: refuse rather than sign what is not covered
        raise ValueError(f"Undefined JSON-LD terms in the credential: {dropped}")
    credential.document = proofs.sign(unsigned, signer, created=now)
    try:
        with transaction.atomic():
            credential.save()
    except IntegrityError as exc:
        raise ValidationError(
            gettext("%(enrolment)s already has a credential; it is issued once.")
            % {"enrolment": enrolment}
        ) from exc
    audit.log_create(credential, user)
    return credential


@transaction.atomic
def revoke(credential: Credential, *, user: User, reason: str) -> Credential:
    """Mark it revoked: its page and every verification say so, with the reason."""
    if not may_revoke(user):
        raise PermissionDenied(gettext("Only administrators revoke credentials."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": gettext("Say why it is revoked: the reason is shown to whoever checks it.")}
        )
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.is_revoked:
        raise ValidationError(gettext("This credential was already revoked."))
    changes = audit.apply(
        credential,
        {"revoked_at": timezone.now(), "revoked_by": user, "revoked_reason": reason},
    )
    credential.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    audit.log_change(credential, user, changes)
    return credential
