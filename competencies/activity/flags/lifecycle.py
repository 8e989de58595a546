"""What a manager does with a flag: acknowledge it, resolve it, reopen it; each audited.

Every change writes the flag's status, note, who and when, and a ``FlagEvent`` in one
transaction. Acknowledging and resolving need a note (what was looked at, what was decided):
without one the service refuses with a ``ValidationError`` and writes nothing. Who may act on
which flag is the policy's business (``competencies.activity.flags.policies``); the view asks
it before calling these.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from competencies.models import Flag, FlagEvent

NOTE_MAX = 2000


def _note(note: str | None, *, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ValidationError(
            {"note": gettext("Add a note saying what you looked at and what you decided.")},
            code="required",
        )
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {
                "note": gettext("Keep the note to %(max)d characters or fewer (%(n)d now).")
                % {"max": NOTE_MAX, "n": len(note)}
            },
            code="max_length",
        )
    return note


def _change(flag: Flag, user, note: str, status: str, action: str) -> Flag:
    with transaction.atomic():
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        locked.status = status
        locked.status_note = note
        locked.status_by = user
        locked.status_at = timezone.now()
        locked.save(update_fields=["status", "status_note", "status_by", "status_at"])
        FlagEvent.objects.create(flag=locked, action=action, note=note, by=user)
    for field in ("status", "status_note", "status_by_id", "status_at"):
        setattr(flag, field, getattr(locked, field))
    return flag


def acknowledge(flag: Flag, user, note: str) -> Flag:
    """Someone has looked and is dealing with it; the flag stays on the list."""
    note = _note(note, required=True)
    if flag.status == Flag.Status.ACKNOWLEDGED:
        raise ValidationError(gettext("This flag is already acknowledged."), code="state")
    return _change(flag, user, note, Flag.Status.ACKNOWLEDGED, FlagEvent.Action.ACKNOWLEDGED)


def resolve(flag: Flag, user, note: str) -> Flag:
    """Dealt with: it comes back (reopened) only if its cause returns afterwards."""
    note = _note(note, required=True)
    if flag.status == Flag.Status.RESOLVED:
        raise ValidationError(gettext("This flag is already resolved."), code="state")
    return _change(flag, user, note, Flag.Status.RESOLVED, FlagEvent.Action.RESOLVED)


def reopen(flag: Flag, user, note: str = "") -> Flag:
    """Back to open, by hand (a note is welcome but not needed)."""
    note = _note(note, required=False)
    if flag.status == Flag.Status.OPEN:
        raise ValidationError(gettext("This flag is already open."), code="state")
    return _change(flag, user, note, Flag.Status.OPEN, FlagEvent.Action.REOPENED)
