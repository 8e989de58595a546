"""Admin pages beyond the viewsets: staff import, outline copy, the import template, sign-in
pauses."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from wagtail.admin.auth import PermissionPolicyChecker

from ksf import selectors, services
from ksf.admin_forms import CopyOutlineForm, StaffImportForm
from ksf.imports.staff import OPTIONAL, REQUIRED, import_staff
from ksf.imports.tabular import ImportFailed
from ksf.models import Post
from ksf.policies import post_policy, staff_policy

staff_checker = PermissionPolicyChecker(staff_policy)


@staff_checker.require("add")
def staff_import(request: HttpRequest) -> HttpResponse:
    result = failure = None
    form = StaffImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_staff(
                upload.read(),
                upload.name,
                user=request.user,
                create_logins=form.cleaned_data["create_logins"],
            )
            messages.success(
                request,
                gettext("Imported %(file)s. %(summary)s")
                % {"file": upload.name, "summary": result.summary()},
            )
        except ImportFailed as exc:
            failure = exc
    return TemplateResponse(
        request,
        "ksf/admin/staff_import.html",
        {
            "form": form,
            "result": result,
            "failure": failure,
            "required": REQUIRED,
            "optional": OPTIONAL,
            "page_title": gettext("Import staff"),
            "header_icon": "group",
        },
    )


@staff_checker.require("add")
def staff_import_template(request: HttpRequest) -> HttpResponse:
    header = ",".join([*REQUIRED, *OPTIONAL])
    example = (
        "10000001,Alex,Morgan,alex.morgan@example.nhs.uk,Physiotherapist,5,MSK-NORTH,1.0,"
        "10000002,2024-09-01,Physiotherapist,PH123456,2026-04-30"
    )
    response = HttpResponse(f"{header}\n{example}\n", content_type="text/csv; charset=utf-8")
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
