"""Starting an activity import from an upload: store the file, queue the worker's task.

The upload is copied to ``PRIVATE_MEDIA_ROOT/activity-uploads`` under a random name (never
served), read from there by the worker streaming, and removed when the run ends, whatever
the outcome. A file too large, empty or of the wrong type is refused here, before it is kept.
"""

import datetime
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from competencies.models import ActivityImportRun, ActivitySource

from .reading import fail

SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def upload_dir() -> Path:
    folder = Path(settings.PRIVATE_MEDIA_ROOT) / "activity-uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_upload(upload: UploadedFile) -> None:
    """Refuse what cannot be an extract before storing it (ImportFailed)."""
    name = upload.name or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise fail(
            name,
            gettext("Unsupported file type '%(suffix)s': upload a .csv or .xlsx file.")
            % {"suffix": suffix[:10] or "?"},
        )
    limit = settings.ACTIVITY_IMPORT_MAX_BYTES
    if upload.size and upload.size > limit:
        raise fail(
            name,
            gettext("The file is %(size)s MB; the limit is %(limit)s MB. Split it by month.")
            % {
                "size": f"{upload.size / (1024 * 1024):,.0f}",
                "limit": f"{limit // (1024 * 1024):,}",
            },
        )
    if not upload.size:
        raise fail(name, gettext("The file is empty."))


def store_upload(upload: UploadedFile) -> Path:
    suffix = Path(upload.name or "").suffix.lower()
    path = upload_dir() / f"{secrets.token_hex(16)}{suffix}"
    with open(path, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def start_import(
    *,
    user: User | AnonymousUser | None,
    source: ActivitySource,
    upload: UploadedFile | None = None,
    path: Path | None = None,
    filename: str | None = None,
    enqueue: bool = True,
) -> ActivityImportRun:
    """Record the upload (or a file already stored, from a preview) as a run and queue it."""
    if upload is not None:
        check_upload(upload)
        path, filename = store_upload(upload), upload.name
    assert path is not None
    run = ActivityImportRun.objects.create(
        source=source,
        filename=(filename or path.name)[-255:],
        upload_path=str(path),
        file_size=path.stat().st_size,
        started_by=user if user is not None and user.is_authenticated else None,
        language=translation.get_language() or "",
    )
    if enqueue:
        from competencies.tasks import run_activity_import

        task = run_activity_import.enqueue(run.pk)  # with the ImmediateBackend it has run now
        ActivityImportRun.objects.filter(pk=run.pk).update(task_id=str(task.id)[:64])
        run.refresh_from_db()
    return run


def keep_for_preview(upload: UploadedFile) -> Path:
    """Store an upload between the preview and the confirmation (refused as start_import does)."""
    check_upload(upload)
    return store_upload(upload)


def discard(path: Path) -> None:
    """Forget a stored upload that was never imported."""
    if path.parent == upload_dir():
        path.unlink(missing_ok=True)


__all__ = ["check_upload", "discard", "keep_for_preview", "start_import"]


STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|txt|xlsx|xlsm)$")


def sweep_unconfirmed(older_than: datetime.timedelta = datetime.timedelta(days=1)) -> int:
    """Remove stored uploads nobody confirmed (a day old, and no unfinished run reads them)."""
    cutoff = timezone.now() - older_than
    waiting = set(
        ActivityImportRun.objects.exclude(status__in=ActivityImportRun.FINISHED).values_list(
            "upload_path", flat=True
        )
    )
    removed = 0
    for path in upload_dir().iterdir():
        if not STORED_NAME.match(path.name) or str(path) in waiting:
            continue
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if modified < cutoff:
            discard(path)
            removed += 1
    return removed
