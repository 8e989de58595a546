"""Audit trail: who changed what, kept in Wagtail's log entries so the admin shows it.

Creates and deletes use Wagtail's own ``wagtail.create`` / ``wagtail.delete`` actions; changes
use ``ksf.change`` whose data holds ``{"changes": {field: [before, after]}}`` so the history
view can say exactly what changed.

Field names, values and most sources are stored as the words shown (in the language of the
person who made the change); a source that code matches on is stored as an identifier and
given its words through ``SOURCE_LABELS`` when the history is shown.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as wagtail_log

CHANGE_ACTION = "ksf.change"

# Sources stored as identifiers (because code matches on them) -> the words to show.
SOURCE_LABELS: dict[str, str | Promise] = {}


def _display(instance: models.Model, field: models.Field) -> str:
    value = getattr(instance, field.name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(instance, f"get_{field.name}_display")())
    return str(value)


def snapshot(instance: models.Model) -> dict[str, str]:
    """A readable picture of an object's editable fields, plus any extras it declares."""
    values = {
        str(field.verbose_name): _display(instance, field)
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key
    }
    extra = getattr(instance, "audit_extra", None)
    if callable(extra) and instance.pk:
        values.update(extra())
    return values


def diff(before: Mapping[str, str], after: Mapping[str, str]) -> dict[str, list[str]]:
    return {k: [before.get(k, "—"), v] for k, v in after.items() if before.get(k, "—") != v}


def apply(instance: models.Model, values: Mapping[str, Any]) -> dict[str, list[str]]:
    """Set ``values`` (e.g. a form's cleaned data) on ``instance``; return the audit diff.

    Nothing is saved: the caller saves only if the diff is not empty, then logs it.
    """
    before = snapshot(instance) if instance.pk else {}
    for name, value in values.items():
        setattr(instance, name, value)
    return diff(before, snapshot(instance))


def log_create(instance: models.Model, user: User | None, **data: Any) -> None:
    wagtail_log(
        instance=instance,
        action="wagtail.create",
        user=user,
        data=data or None,
        content_changed=True,
    )


def log_change(
    instance: models.Model, user: User | None, changes: Mapping[str, list[str]], **data: Any
) -> None:
    if changes:
        wagtail_log(
            instance=instance,
            action=CHANGE_ACTION,
            user=user,
            data={"changes": dict(changes), **data},
            content_changed=True,
        )


def log_delete(instance: models.Model, user: User | None) -> None:
    wagtail_log(instance=instance, action="wagtail.delete", user=user, content_changed=True)


class ChangeFormatter(LogFormatter):
    label = gettext_lazy("Change")

    def format_message(self, log_entry) -> str:
        changes = (log_entry.data or {}).get("changes") or {}
        if not changes:
            return gettext("Changed")
        parts = "; ".join(
            gettext("%(field)s: %(old)s → %(new)s") % {"field": field, "old": old, "new": new}
            for field, (old, new) in changes.items()
        )
        source = (log_entry.data or {}).get("source")
        if source:
            return gettext("Changed (%(source)s): %(changes)s") % {
                "source": SOURCE_LABELS.get(source, source),
                "changes": parts,
            }
        return gettext("Changed: %(changes)s") % {"changes": parts}
