"""The audit trail of an import, written in bulk: the same log entries ``ksf.audit`` writes one
at a time (``wagtail.create``, and ``ksf.change`` with each field's old and new value), plus
one entry for the run itself saying what it did.
"""

from typing import Any

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from wagtail.log_actions import LogFormatter
from wagtail.models import ModelLogEntry

from ksf import audit

IMPORT_ACTION = "ksf.staff_import"


class AuditBatch:
    """Log entries gathered during an import, for the importer to insert in bulk."""

    def __init__(self, user: User | None, **data: Any) -> None:
        self.user = user
        self.data = data
        self.now = timezone.now()
        self.entries: list[ModelLogEntry] = []
        self._types: dict[type, ContentType] = {}

    def _entry(self, instance: models.Model, action: str, data: dict[str, Any]) -> None:
        kind = type(instance)
        if kind not in self._types:
            self._types[kind] = ContentType.objects.get_for_model(kind, for_concrete_model=False)
        self.entries.append(
            ModelLogEntry(
                content_type=self._types[kind],
                label=str(instance) or f"{type(instance).__name__} object ({instance.pk})",
                action=action,
                timestamp=self.now,
                data=data,
                user=self.user,
                content_changed=True,
                object_id=str(instance.pk),
            )
        )

    def created(self, instance: models.Model) -> None:
        self._entry(instance, "wagtail.create", dict(self.data))

    def changed(self, instance: models.Model, changes: dict[str, list[str]]) -> None:
        if changes:
            self._entry(instance, audit.CHANGE_ACTION, {"changes": changes, **self.data})

    def run(self, run: models.Model, summary: dict[str, Any]) -> None:
        self._entry(run, IMPORT_ACTION, {**summary, **self.data})

    def __len__(self) -> int:
        return len(self.entries)


class StaffImportFormatter(LogFormatter):
    label = gettext_lazy("Staff import")

    def format_message(self, log_entry) -> str:
        data = log_entry.data or {}
        return gettext(
            "Imported %(file)s: %(created)s people added, %(updated)s updated, "
            "%(unchanged)s unchanged; %(posts)s new posts; %(logins)s new logins."
        ) % {
            "file": data.get("file", "—"),
            "created": data.get("created", 0),
            "updated": data.get("updated", 0),
            "unchanged": data.get("unchanged", 0),
            "posts": data.get("posts_created", 0),
            "logins": data.get("logins_created", 0),
        }
