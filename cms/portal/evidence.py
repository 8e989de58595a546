"""The evidence store: a person's files and links, adding, deleting and the guarded download.

Files live outside MEDIA_ROOT and are only ever sent by ``evidence_file``, after the same
check as the person's record: themselves, their line manager, administrators. Anyone else
gets 404, whether or not the file exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from cms.portal.portfolio_forms import EvidenceForm
from competencies.models import Evidence
from competencies.portfolio import selectors as portfolio_selectors
from competencies.portfolio import services as portfolio_services
from competencies.portfolio.policies import evidence_policy
from ksf.access import is_self, person_or_404


@login_required
def evidence_list(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number)
    return render(
        request,
        "portal/evidence/list.html",
        {
            "person": person,
            "is_self": is_self(request.user, person),
            "items": portfolio_selectors.evidence_for(person).prefetch_related("cpd_entries"),
        },
    )


@login_required
def evidence_add(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number, need="own")
    form = EvidenceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = portfolio_services.add_evidence(
                owner=person,
                user=request.user,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                url=form.cleaned_data["url"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, gettext("Added '%(title)s' to your evidence.") % {"title": item.title}
            )
            return redirect("cpd:evidence_list", staff_number=person.staff_number)
    return render(request, "portal/evidence/form.html", {"person": person, "form": form})


@login_required
def evidence_delete(request: HttpRequest, staff_number: str, pk: int) -> HttpResponse:
    """GET explains what deleting does (or why it cannot); only a POST deletes."""
    person = person_or_404(request.user, staff_number, need="own")
    item = Evidence.objects.filter(owner=person, pk=pk).first()
    if item is None:
        raise Http404("No such evidence")
    reason = portfolio_selectors.why_not_deletable(item)
    if request.method == "POST" and not reason:
        title = item.title
        portfolio_services.delete_evidence(item, request.user)
        messages.success(
            request, gettext("Deleted '%(title)s' from your evidence.") % {"title": title}
        )
        return redirect("cpd:evidence_list", staff_number=person.staff_number)
    return render(
        request,
        "portal/evidence/confirm_delete.html",
        {
            "person": person,
            "item": item,
            "reason": reason,
            "entries": item.cpd_entries.all(),
            "attainments": item.attainments.select_related("competency"),
        },
        status=409 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Send the file to its readers and to an assessor asked to use it; 404 for everyone else."""
    item = Evidence.objects.select_related("owner").filter(pk=pk).first()
    if item is None or not item.file or not evidence_policy.may_open(request.user, item):
        raise Http404("No such file")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing") from error
    response = FileResponse(
        handle,
        as_attachment=not portfolio_selectors.is_inline(item),
        filename=item.original_name or item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
