"""Uploading a caseload activity extract: choose the source and file, check the preview,
confirm, then follow the run.

The upload is stored once, on the first step (``services.keep_for_preview``: under
``PRIVATE_MEDIA_ROOT/activity-uploads`` with a random name, never served), and only its name
is kept in the session; the preview page reads its first rows from there and the
confirmation hands the same stored file to ``services.start_import``, so a large file is sent
once. Starting again or uploading another file discards it.

The run's page shows its progress from the ``ActivityImportRun`` row, so it survives a reload;
a small script follows it through the status view without reloading. Service leads,
workforce analysts and administrators may upload; a run is seen by whoever started it, and by
analysts and administrators (who look after every import).
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET

from cms.portal.activity_forms import ConfirmForm, UploadForm
from competencies.activity import policies
from competencies.activity.preview import preview as read_preview
from competencies.activity.selectors import RunState, run_state, runs_visible_to
from competencies.activity.services import (
    STORED_NAME,
    discard,
    keep_for_preview,
    start_import,
    sweep_unconfirmed,
    upload_dir,
)
from competencies.models import ActivityImportRun, ActivitySource
from ksf.imports.tabular import ImportFailed

SESSION_KEY = "activity_upload"
RECENT = 20


def _require_uploader(request: HttpRequest) -> None:
    if not policies.may_upload(request.user):
        raise PermissionDenied


def _run_or_404(request: HttpRequest, pk: int) -> ActivityImportRun:
    run = runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404("No such import")
    return run


# --- The stored upload between the steps --------------------------------------------------------


def _stored(request: HttpRequest) -> tuple[Path, dict] | None:
    """The upload waiting for confirmation, if it is still there."""
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict) or not STORED_NAME.match(str(kept.get("stored", ""))):
        return None
    path = upload_dir() / kept["stored"]
    if not path.is_file():
        request.session.pop(SESSION_KEY, None)
        return None
    return path, kept


def _forget(request: HttpRequest) -> None:
    found = _stored(request)
    if found is not None:
        discard(found[0])
    request.session.pop(SESSION_KEY, None)


# --- Pages --------------------------------------------------------------------------------------


def _failure_messages(failure: ImportFailed) -> list[str]:
    return [e.message for e in failure.errors[: settings.IMPORT_MAX_REPORTED]]


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    """Step 1: the source and the file. The file is kept for the preview, not yet imported."""
    _require_uploader(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        sweep_unconfirmed()
        try:
            path = keep_for_preview(file)
        except ImportFailed as failure:
            for message in _failure_messages(failure):
                form.add_error("file", message)
        else:
            _forget(request)  # an earlier upload never confirmed
            request.session[SESSION_KEY] = {
                "stored": path.name,
                "filename": Path(file.name).name[-255:],
                "size": file.size,
                "source": form.cleaned_data["source"].pk,
            }
            return redirect("activity:preview")
    runs = list(runs_visible_to(request.user).order_by("-created_at", "-pk")[:RECENT])
    return render(
        request,
        "portal/activity/upload.html",
        {
            "form": form,
            "runs": runs,
            "has_sources": ActivitySource.objects.exists(),
            "limit_mb": _limit_bytes() // (1024 * 1024),
            "may_keep_sources": request.user.has_perm("competencies.change_activitysource"),
        },
    )


def _limit_bytes() -> int:
    return getattr(settings, "ACTIVITY_IMPORT_MAX_BYTES", 200 * 1024 * 1024)


@login_required
def preview(request: HttpRequest) -> HttpResponse:
    """Step 2: the first rows as the platform will read them; confirm to import."""
    _require_uploader(request)
    found = _stored(request)
    source = None
    if found is not None:
        source = ActivitySource.objects.filter(pk=found[1].get("source")).first()
    if found is None or source is None:
        _forget(request)
        if request.method == "POST":
            messages.error(
                request, gettext("That upload is no longer waiting: choose the file again.")
            )
        else:
            messages.info(request, gettext("Choose the source and the file to upload."))
        return redirect("activity:upload")
    path, kept = found
    if request.method == "POST":
        if "cancel" in request.POST:
            _forget(request)
            messages.info(request, gettext("The file was not imported, and is not kept."))
            return redirect("activity:upload")
        checked = read_preview(path, kept["filename"], source)
        if checked.error or checked.missing:  # the page offered no import: say why again
            messages.error(
                request, gettext("This file cannot be imported as it is: see the problems below.")
            )
            return redirect("activity:preview")
        try:
            run = start_import(
                user=request.user, source=source, path=path, filename=kept["filename"]
            )
        except ImportFailed as failure:
            _forget(request)
            for message in _failure_messages(failure):
                messages.error(request, message)
            return redirect("activity:upload")
        request.session.pop(SESSION_KEY, None)  # the run owns the stored file now
        return redirect("activity:run", pk=run.pk)
    shown = read_preview(path, kept["filename"], source)
    return render(
        request,
        "portal/activity/preview.html",
        {
            "preview": shown,
            "columns": [(name, shown.headers.get(name, "")) for name in shown.columns],
            "rows": [[row.get(name, "") for name in shown.columns] for row in shown.rows],
            "source": source,
            "filename": kept["filename"],
            "size": kept.get("size") or path.stat().st_size,
            "form": ConfirmForm(),
            "may_import": not shown.error and not shown.missing,
        },
    )


def _number(value: int) -> str:
    return number_format(value, force_grouping=True)


def progress_texts(state: RunState) -> dict[str, str]:
    """The progress in words, for the page and for its script (which has no translations)."""
    number = _number

    texts = {
        "status": state.status_label,
        "phase": state.phase_label,
        "percent": gettext("%(percent)s%% done") % {"percent": state.percent},
        "rows": gettext("%(read)s rows read, %(valid)s valid")
        % {"read": number(state.rows_read), "valid": number(state.rows_valid)},
        "left": "",
        "message": state.message,
    }
    if state.status == ActivityImportRun.Status.QUEUED:
        texts["rows"] = gettext("Waiting for the background worker to start the import.")
    if state.seconds_left is not None and not state.finished:
        seconds = state.seconds_left
        if seconds < 90:
            texts["left"] = ngettext(
                "About %(count)s second left.", "About %(count)s seconds left.", seconds
            ) % {"count": seconds}
        else:
            minutes = round(seconds / 60)
            texts["left"] = ngettext(
                "About %(count)s minute left.", "About %(count)s minutes left.", minutes
            ) % {"count": minutes}
    return texts


@login_required
@require_GET
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress while it runs (the page follows it), then its counts or its problems."""
    _require_uploader(request)
    found = _run_or_404(request, pk)
    state = run_state(found)
    shown = state.problems[: settings.IMPORT_MAX_REPORTED]
    return render(
        request,
        "portal/activity/run.html",
        {
            "run": found,
            "state": state,
            "texts": progress_texts(state),
            "problems": shown,
            "not_shown": max(0, state.problem_count - len(shown)),
            "counts": {
                name: _number(getattr(state, name))
                for name in ("added", "changed", "unchanged", "rows_read")
            },
        },
    )


@login_required
@require_GET
def run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's progress for the page's script to show without reloading."""
    _require_uploader(request)
    found = _run_or_404(request, pk)
    state = run_state(found)
    return JsonResponse(
        {
            "status": state.status,
            "finished": state.finished,
            "percent": state.percent,
            "rows_read": state.rows_read,
            "rows_valid": state.rows_valid,
            "seconds_left": state.seconds_left,
            "added": state.added,
            "changed": state.changed,
            "unchanged": state.unchanged,
            "problem_count": state.problem_count,
            "texts": progress_texts(state),
        }
    )
