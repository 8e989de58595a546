"""Admin pages beyond the viewsets: staff import (upload, the run's progress and result, the
template), outline copy, sign-in pauses."""

import csv
import io

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET
from wagtail.admin.auth import PermissionPolicyChecker

from ksf import selectors, services
from ksf.admin_forms import CopyOutlineForm, StaffImportForm
from ksf.imports import selectors as import_selectors
from ksf.imports.services import start_staff_import
from ksf.imports.staff import OPTIONAL, REQUIRED
from ksf.imports.tabular import ImportFailed, check_size
from ksf.models import Post, StaffImportRun
from ksf.policies import post_policy, staff_policy

staff_checker = PermissionPolicyChecker(staff_policy)


@staff_checker.require("add")
def staff_import(request: HttpRequest) -> HttpResponse:
    """Upload a file: it is checked and imported in the background, on the run's page."""
    failure = None
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > settings.IMPORT_MAX_BYTES:  # refused unread
                check_size(b"", upload.name, size=upload.size)
            run = start_staff_import(
                upload.read(),
                upload.name,
                user=request.user,
                create_logins=form.cleaned_data["create_logins"],
            )
        except ImportFailed as exc:
            failure = exc
        else:
            return redirect(reverse("ksf_staff_import_run", args=[run.pk]))
    return TemplateResponse(
        request,
        "ksf/admin/staff_import.html",
        {
            "form": form,
            "failure": failure,
            "runs": import_selectors.recent_runs(request.user),
            "required": REQUIRED,
            "optional": OPTIONAL,
            "page_title": gettext("Import staff"),
            "header_icon": "group",
        },
    )


def _run_or_404(request: HttpRequest, pk: int) -> StaffImportRun:
    run = import_selectors.run_for(request.user, pk)
    if run is None:
        raise Http404
    return run


def _progress_texts(state: import_selectors.RunState) -> dict[str, str]:
    """The progress in words, for the page and for its script (which has no translations)."""
    run = state.run

    def number(value: int) -> str:
        return number_format(value, force_grouping=True)

    texts = {
        "status": str(run.get_status_display()),
        "percent": gettext("%(percent)s%% done") % {"percent": state.percent},
        "checked": gettext("%(done)s of %(total)s rows checked")
        % {"done": number(run.rows_checked), "total": number(run.rows_total)},
        "written": gettext("%(done)s of %(total)s changed rows written")
        % {"done": number(run.rows_written), "total": number(run.rows_to_write)},
        "left": "",
    }
    if run.status == StaffImportRun.Status.QUEUED:
        texts["checked"] = gettext("Waiting for the background worker to start the import.")
        texts["written"] = ""
    elif not run.rows_total:
        texts["checked"] = gettext("Reading the file.")
        texts["written"] = ""
    elif run.rows_checked < run.rows_total:
        texts["written"] = gettext("Nothing is written until every row has been checked.")
    elif not run.rows_to_write:
        # On SQLite the rows written cannot be seen until they all are.
        texts["written"] = gettext(
            "Every row is checked. Writing the changes in one go: the result shows here when "
            "they are all written."
        )
    if state.seconds_left is not None:
        seconds = state.seconds_left
        if seconds < 90:
            left = ngettext(
                "About %(count)s second left.", "About %(count)s seconds left.", seconds
            )
            texts["left"] = left % {"count": seconds}
        else:
            minutes = round(seconds / 60)
            left = ngettext(
                "About %(count)s minute left.", "About %(count)s minutes left.", minutes
            )
            texts["left"] = left % {"count": minutes}
    return texts


@staff_checker.require("add")
@require_GET
def staff_import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """A run's progress while it runs (the page follows it), then its result or problems."""
    run = _run_or_404(request, pk)
    state = import_selectors.run_state(run)
    return TemplateResponse(
        request,
        "ksf/admin/staff_import_run.html",
        {
            "state": state,
            "run": run,
            "texts": _progress_texts(state),
            "form": StaffImportForm() if run.is_finished else None,
            "page_title": gettext("Import staff: %(file)s") % {"file": run.filename},
            "header_icon": "group",
        },
    )


@staff_checker.require("add")
@require_GET
def staff_import_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The run's progress for the page's script to show without reloading."""
    run = _run_or_404(request, pk)
    state = import_selectors.run_state(run)
    return JsonResponse(
        {
            "status": run.status,
            "finished": run.is_finished,
            "percent": state.percent,
            "rows_total": run.rows_total,
            "rows_checked": run.rows_checked,
            "rows_to_write": run.rows_to_write,
            "rows_written": run.rows_written,
            "seconds_left": state.seconds_left,
            "texts": _progress_texts(state),
        }
    )


@staff_checker.require("add")
def staff_import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the columns and example rows that import as they are into this board."""
    columns = import_selectors.template_columns()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(import_selectors.template_rows())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="staff-import-template.csv"'
    return response


def copy_outline(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(Post, pk=pk)
    if not post_policy.user_has_permission(request.user, "change"):
        raise PermissionDenied
    form = CopyOutlineForm(request.POST or None, target=target)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.copy_outline(
                source=form.cleaned_data["source"], target=target, user=request.user
            )
        except ValidationError as exc:
            form.add_error("source", exc)
        else:
            # The English says "dimensions" for any count; ngettext lets other languages vary.
            message = ngettext(
                "Copied %(count)s dimensions into the outline of %(post)s.",
                "Copied %(count)s dimensions into the outline of %(post)s.",
                count,
            )
            messages.success(request, message % {"count": count, "post": target})
            return redirect(reverse("ksf_post:edit", args=[target.pk]))
    return TemplateResponse(
        request,
        "ksf/admin/copy_outline.html",
        {
            "form": form,
            "target": target,
            "page_title": gettext("Copy a KSF outline into %(post)s") % {"post": target},
            "header_icon": "copy",
        },
    )


@staff_checker.require("change")
def sign_in_lockouts(request: HttpRequest) -> HttpResponse:
    """Accounts paused after wrong passwords, each with a button to lift the pause."""
    if request.method == "POST":
        try:
            username = services.lift_lockout(int(request.POST.get("attempt") or 0), by=request.user)
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                gettext("%(username)s can sign in again.") % {"username": username},
            )
        return redirect(reverse("ksf_sign_in_lockouts"))
    return TemplateResponse(
        request,
        "ksf/admin/lockouts.html",
        {
            "lockouts": selectors.current_lockouts()[:200],
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "page_title": gettext("Sign-in pauses"),
            "header_icon": "lock",
        },
    )
