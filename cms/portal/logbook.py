"""The fellowship logbook pages: a fellow's logbook, quick entry, bulk upload and assessments;
a supervisor's queue of entries to sign off and assessments to record.

Whoever may read the enrolment (``enrolment_policy.readable``) reads its logbook; only the
fellow writes in it; only a current supervisor signs, returns and records. Everyone else gets
404, the same as for an enrolment that does not exist.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_GET, require_POST

from cms.portal.forms import add_validation_errors
from cms.portal.logbook_forms import (
    EntryForm,
    FilterForm,
    RecordAssessmentForm,
    ReflectionForm,
    RequestAssessmentForm,
    ReturnForm,
    UploadForm,
)
from fellowships.logbook import rules as logbook_rules
from fellowships.logbook import selectors as logbook_selectors
from fellowships.logbook import services as logbook_services
from fellowships.models import Assessment, Enrolment, LogbookEntry
from fellowships.policies import enrolment_policy
from ksf import dates
from ksf.imports.tabular import ImportFailed


def _enrolment_or_404(request: HttpRequest, pk: int, *, own: bool = False) -> Enrolment:
    enrolment = (
        enrolment_policy.readable(request.user)
        .select_related("staff", "programme")
        .filter(pk=pk)
        .first()
    )
    if enrolment is None or (own and not enrolment_policy.is_fellow(request.user, enrolment)):
        raise Http404("No such enrolment")
    return enrolment


def _entry_or_404(enrolment: Enrolment, pk: int) -> LogbookEntry:
    entry = LogbookEntry.objects.filter(enrolment=enrolment, pk=pk).first()
    if entry is None:
        raise Http404("No such logbook entry")
    return entry


def _logging_problem(enrolment: Enrolment) -> str | None:
    return logbook_rules.logging_problem(
        enrolment.status,
        start=enrolment.start_date,
        today=dates.today(),
        paused=logbook_selectors.is_paused(enrolment),
    )


def _refuse(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)


@require_GET
@login_required
def logbook_list(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk)
    categories = logbook_selectors.categories_for(enrolment.programme)
    form = FilterForm(request.GET or None, categories=categories)
    status, category = form.values()
    entries = list(logbook_selectors.entries(enrolment, status=status, category=category))
    is_fellow = enrolment_policy.is_fellow(request.user, enrolment)
    return render(
        request,
        "portal/logbook/list.html",
        {
            "enrolment": enrolment,
            "person": enrolment.staff,
            "is_fellow": is_fellow,
            "closed": _logging_problem(enrolment) if is_fellow else None,
            "form": form,
            "filtered": bool(status or category),
            "entries": entries,
            "editable": [e for e in entries if e.is_editable],
            "counts": logbook_selectors.counts(enrolment, categories),
            "statuses": LogbookEntry.Status.choices,
            "returned": [e for e in entries if e.status == LogbookEntry.Status.RETURNED],
        },
    )


def _entry_form(
    request: HttpRequest, enrolment: Enrolment, entry: LogbookEntry | None
) -> HttpResponse:
    categories = logbook_selectors.categories_for(enrolment.programme)
    form = EntryForm(
        request.POST or None,
        categories=categories,
        entry=entry,
        defaults=logbook_selectors.defaults(enrolment) if entry is None else None,
    )
    closed = _logging_problem(enrolment)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "save")
        submit = action == "submit"
        try:
            if entry is None:
                saved = logbook_services.add_entry(
                    enrolment, form.to_input(), user=request.user, submit=submit
                )
            else:
                saved = logbook_services.update_entry(
                    entry, form.to_input(), user=request.user, submit=submit
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            if submit:
                text = gettext("Submitted '%(entry)s' for sign-off.")
            elif entry is None:
                text = gettext("Saved '%(entry)s' as a draft.")
            else:
                text = gettext("Saved your changes to '%(entry)s'.")
            messages.success(request, text % {"entry": saved})
            if action == "another":
                return redirect("logbook:add", pk=enrolment.pk)
            return redirect("logbook:list", pk=enrolment.pk)
    return render(
        request,
        "portal/logbook/entry_form.html",
        {
            "enrolment": enrolment,
            "person": enrolment.staff,
            "entry": entry,
            "form": form,
            "closed": closed,
        },
    )


@login_required
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _entry_form(request, _enrolment_or_404(request, pk, own=True), None)


@login_required
def entry_edit(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk, own=True)
    found = _entry_or_404(enrolment, entry)
    if not found.is_editable:
        messages.error(
            request,
            gettext("'%(entry)s' is %(status)s, so it can no longer be changed.")
            % {"entry": found, "status": found.get_status_display().lower()},
        )
        return redirect("logbook:list", pk=enrolment.pk)
    return _entry_form(request, enrolment, found)


@login_required
def entry_delete(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """GET asks to confirm; only a POST deletes."""
    enrolment = _enrolment_or_404(request, pk, own=True)
    found = _entry_or_404(enrolment, entry)
    if request.method == "POST":
        name = str(found)
        try:
            logbook_services.delete_entry(found, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            _refuse(request, error)
        else:
            messages.success(
                request, gettext("Deleted '%(entry)s' from your logbook.") % {"entry": name}
            )
        return redirect("logbook:list", pk=enrolment.pk)
    return render(
        request,
        "portal/logbook/confirm_delete.html",
        {"enrolment": enrolment, "person": enrolment.staff, "entry": found},
    )


@login_required
@require_POST
def entry_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the ticked entries, or every draft and returned entry with ``all``."""
    enrolment = _enrolment_or_404(request, pk, own=True)
    ids = None if request.POST.get("all") else request.POST.getlist("entry")
    try:
        if ids is not None and not all(str(i).isdigit() for i in ids):
            raise ValidationError(gettext("Choose entries from your logbook."))
        count = logbook_services.submit_entries(
            enrolment, user=request.user, ids=None if ids is None else [int(i) for i in ids]
        )
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "Submitted %(count)s entry for sign-off.",
                "Submitted %(count)s entries for sign-off.",
                count,
            )
            % {"count": count},
        )
    return redirect("logbook:list", pk=enrolment.pk)


@login_required
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk, own=True)
    form = UploadForm(request.POST or None, request.FILES or None)
    failed: ImportFailed | None = None
    if request.method == "POST" and form.is_valid():
        data, filename = form.content()
        try:
            result = logbook_services.bulk_add(enrolment, data, filename, user=request.user)
        except ImportFailed as error:
            failed = error
            form.add_error(
                None,
                ngettext(
                    "%(count)s problem was found; nothing was saved.",
                    "%(count)s problems were found; nothing was saved.",
                    len(error.errors),
                )
                % {"count": len(error.errors)},
            )
        except (ValidationError, PermissionDenied) as error:
            add_validation_errors(form, ValidationError(getattr(error, "messages", [str(error)])))
        else:
            messages.success(
                request,
                ngettext(
                    "Added %(count)s entry as a draft: check it, then submit it for sign-off.",
                    "Added %(count)s entries as drafts: check them, then submit them for sign-off.",
                    result.created,
                )
                % {"count": result.created},
            )
            return redirect("logbook:list", pk=enrolment.pk)
    return render(
        request,
        "portal/logbook/upload.html",
        {
            "enrolment": enrolment,
            "person": enrolment.staff,
            "form": form,
            "failed": failed,
            "columns": logbook_services.BULK_COLUMNS,
            "categories": logbook_selectors.categories_for(enrolment.programme),
            "max_rows": logbook_rules.BULK_MAX_ROWS,
            "closed": _logging_problem(enrolment),
        },
    )


@require_GET
@login_required
def template(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk, own=True)
    body = logbook_services.template_csv(logbook_selectors.categories_for(enrolment.programme))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="logbook-template.csv"'
    return response


@login_required
def assessments(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk)
    is_fellow = enrolment_policy.is_fellow(request.user, enrolment)
    supervisors = logbook_selectors.current_supervisors(enrolment)
    form = RequestAssessmentForm(request.POST or None, supervisors=supervisors)
    if request.method == "POST":
        if not is_fellow:
            raise Http404("Only the fellow asks for assessments")
        if form.is_valid():
            try:
                made = logbook_services.request_assessment(
                    enrolment,
                    user=request.user,
                    kind=form.cleaned_data["kind"],
                    focus=form.cleaned_data["focus"],
                    assessor=form.cleaned_data["assessor"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    gettext("Asked %(assessor)s for a %(kind)s.")
                    % {"assessor": made.assessor.full_name, "kind": made.get_kind_display()},
                )
                return redirect("logbook:assessments", pk=enrolment.pk)
    return render(
        request,
        "portal/logbook/assessments.html",
        {
            "enrolment": enrolment,
            "person": enrolment.staff,
            "is_fellow": is_fellow,
            "closed": _logging_problem(enrolment) if is_fellow else None,
            "form": form,
            "supervisors": supervisors,
            "assessments": logbook_selectors.assessments(enrolment),
            "domain_labels": logbook_rules.ASSESSMENT_DOMAINS,
            "rating_labels": logbook_rules.RATINGS,
        },
    )


@login_required
def reflect(request: HttpRequest, pk: int, assessment: int) -> HttpResponse:
    enrolment = _enrolment_or_404(request, pk, own=True)
    found = Assessment.objects.filter(enrolment=enrolment, pk=assessment).first()
    if found is None:
        raise Http404("No such assessment")
    form = ReflectionForm(request.POST or None, initial={"reflection": found.reflection})
    if request.method == "POST" and form.is_valid():
        try:
            logbook_services.add_reflection(
                found, user=request.user, reflection=form.cleaned_data["reflection"]
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, gettext("Saved your reflection."))
            return redirect("logbook:assessments", pk=enrolment.pk)
    return render(
        request,
        "portal/logbook/reflect.html",
        {
            "enrolment": enrolment,
            "person": enrolment.staff,
            "assessment": found,
            "form": form,
            "domain_labels": logbook_rules.ASSESSMENT_DOMAINS,
            "rating_labels": logbook_rules.RATINGS,
        },
    )


# --- The supervisor's side -------------------------------------------------------------------


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/logbook/queue.html",
        {
            "groups": logbook_selectors.queue(request.user),
            "requests": list(logbook_selectors.requests_for(request.user)),
        },
    )


def _supervised_entries(request: HttpRequest) -> QuerySet[LogbookEntry]:
    """Entries of the fellows the user supervises today (others' are 404, as unknown)."""
    return LogbookEntry.objects.filter(
        enrolment__in=enrolment_policy.supervised_by(request.user)
    ).select_related("enrolment__staff", "enrolment__programme")


@login_required
@require_POST
def sign(request: HttpRequest) -> HttpResponse:
    """Sign off the ticked entries (one or many), each quality-appraised if ticked so."""
    raw = request.POST.getlist("entry")
    if not all(i.isdigit() for i in raw):
        raise Http404("No such logbook entry")
    ids = sorted({int(i) for i in raw})
    if _supervised_entries(request).filter(pk__in=ids).count() != len(ids):
        raise Http404("No such logbook entry")
    appraised = [int(i) for i in request.POST.getlist("appraised") if i.isdigit()]
    try:
        count = logbook_services.sign_off(ids, user=request.user, appraised=appraised)
    except (ValidationError, PermissionDenied) as error:
        _refuse(request, error)
    else:
        messages.success(
            request,
            ngettext("Signed off %(count)s entry.", "Signed off %(count)s entries.", count)
            % {"count": count},
        )
    return redirect("logbook:queue")


@login_required
def return_entry(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _supervised_entries(request).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such logbook entry")
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            logbook_services.return_entry(
                entry, user=request.user, feedback=form.cleaned_data["feedback"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_validation_errors(form, error)
            else:
                _refuse(request, error)
                return redirect("logbook:queue")
        except PermissionDenied as error:
            _refuse(request, error)
            return redirect("logbook:queue")
        else:
            messages.success(
                request,
                gettext("Returned '%(entry)s' to %(fellow)s with your feedback.")
                % {"entry": entry, "fellow": entry.enrolment.staff.full_name},
            )
            return redirect("logbook:queue")
    return render(
        request,
        "portal/logbook/return.html",
        {"entry": entry, "enrolment": entry.enrolment, "form": form},
    )


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    if not isinstance(request.user, User):
        raise Http404("No such assessment")
    found = (
        Assessment.objects.filter(
            pk=pk,
            assessor__user=request.user,
            enrolment__in=enrolment_policy.supervised_by(request.user),
        )
        .select_related("enrolment__staff", "enrolment__programme", "assessor")
        .first()
    )
    if found is None:
        raise Http404("No such assessment")
    form = RecordAssessmentForm(request.POST or None, initial={"date": dates.today()})
    if request.method == "POST" and form.is_valid():
        try:
            logbook_services.record_assessment(found, form.to_record(), user=request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_validation_errors(form, error)
            else:
                form.add_error(None, error.messages)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                gettext("Recorded the %(kind)s for %(fellow)s.")
                % {"kind": found.get_kind_display(), "fellow": found.enrolment.staff.full_name},
            )
            return redirect("logbook:queue")
    return render(
        request,
        "portal/logbook/record.html",
        {"assessment": found, "enrolment": found.enrolment, "form": form},
    )
