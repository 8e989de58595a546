"""Writes about posts and outlines. Each is atomic, audited and keeps grants in step."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from ksf import audit
from ksf.models import OutlineEntry, Post


@transaction.atomic
def copy_outline(*, source: Post, target: Post, user: User | None) -> int:
    """Replace the target post's KSF outline with a copy of the source's; return the count."""
    if source.pk == target.pk:
        raise ValidationError("Choose a different post to copy from.")
    entries = list(OutlineEntry.objects.filter(post=source).prefetch_related("indicators"))
    if not entries:
        raise ValidationError(f"{source} has no KSF outline to copy.")
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
        {"KSF outline": [before, target.outline_summary()]},
        source=f"copied from {source}",
    )
    return len(entries)
