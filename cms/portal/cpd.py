"""The CPD log pages: the list with its chart, one entry, and adding, editing, deleting.

Anyone who may see the person (themselves, their line manager, administrators) reads; only
the person writes. Everyone else gets 404, so a record's existence does not leak.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from cms.portal import charts
from cms.portal.portfolio_forms import ACTIVITY_HINTS, CPDEntryForm, CPDFilterForm
from competencies.models import CPDEntry, Evidence
from competencies.portfolio import selectors as portfolio_selectors
from competencies.portfolio import services as portfolio_services
from ksf import dates
from ksf.access import is_self, person_or_404
from ksf.models import StaffMember


def _entry_or_404(person: StaffMember, pk: int) -> CPDEntry:
    entry = CPDEntry.objects.filter(staff=person, pk=pk).first()
    if entry is None:
        raise Http404("No such CPD entry")
    return entry


def _chart(
    entries, filters: portfolio_selectors.CPDFilters
) -> tuple[charts.StackedChart | None, str]:
    """The hours chart for what the list shows: by quarter, or by month for a year or less."""
    days = entries.order_by().values_list("date", flat=True)
    if not days.exists():
        return None, "quarter"
    start = max(filters.start or min(days), min(days))  # a chart only where entries are
    end = filters.end or max(max(days), dates.today())
    end = min(end, dates.today())
    period = "month" if (end - start).days <= 366 else "quarter"
    periods = [
        (p, portfolio_selectors.period_label(p, period))
        for p in portfolio_selectors.periods_between(start, end, period)
    ]
    chart = charts.stacked_bars(
        periods, CPDEntry.ActivityType.choices, portfolio_selectors.hours_by_period(entries, period)
    )
    return chart, period


@login_required
def cpd_list(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number)
    form = CPDFilterForm(request.GET, person=person)
    filters, default_window = form.filters()
    entries = portfolio_selectors.cpd_for(person, filters)
    chart, period = _chart(entries, filters)
    has_any = CPDEntry.objects.filter(staff=person).exists()
    by_type = portfolio_selectors.hours_per_type(entries)
    return render(
        request,
        "portal/cpd/list.html",
        {
            "person": person,
            "is_self": is_self(request.user, person),
            "form": form,
            "filters": filters,
            "default_window": default_window,
            "filtered": bool(request.GET) and not default_window,
            "entries": entries.prefetch_related("evidence"),
            "totals": portfolio_selectors.totals(entries),
            "by_type": by_type,
            "types_used": sum(1 for t in by_type if t["entries"]),
            "chart": chart,
            "period": period,
            "has_any": has_any,
            "earlier": default_window
            and portfolio_selectors.cpd_entries(
                person, end=filters.start - datetime.timedelta(days=1)
            ).exists(),
        },
    )


@login_required
def cpd_detail(request: HttpRequest, staff_number: str, pk: int) -> HttpResponse:
    person = person_or_404(request.user, staff_number)
    entry = _entry_or_404(person, pk)
    return render(
        request,
        "portal/cpd/detail.html",
        {
            "person": person,
            "entry": entry,
            "is_self": is_self(request.user, person),
            "competencies": entry.competencies.select_related("framework"),
            "dimensions": entry.dimensions.all(),
            "evidence": entry.evidence.all(),
        },
    )


def _save(request: HttpRequest, person: StaffMember, entry: CPDEntry | None) -> HttpResponse:
    form = CPDEntryForm(request.POST or None, request.FILES or None, person=person, entry=entry)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                entry = portfolio_services.create_entry(person, form.to_input(), user=request.user)
                messages.success(
                    request, gettext("Added '%(title)s' to your CPD log.") % {"title": entry.title}
                )
            else:
                entry = portfolio_services.update_entry(entry, form.to_input(), user=request.user)
                messages.success(
                    request, gettext("Saved your changes to '%(title)s'.") % {"title": entry.title}
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("cpd:detail", staff_number=person.staff_number, pk=entry.pk)
    return render(
        request,
        "portal/cpd/form.html",
        {
            "person": person,
            "entry": entry,
            "form": form,
            "activity_hints": ACTIVITY_HINTS,
            "has_evidence": Evidence.objects.filter(owner=person).exists(),
        },
    )


@login_required
def cpd_add(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number, need="own")
    return _save(request, person, None)


@login_required
def cpd_edit(request: HttpRequest, staff_number: str, pk: int) -> HttpResponse:
    person = person_or_404(request.user, staff_number, need="own")
    return _save(request, person, _entry_or_404(person, pk))


@login_required
def cpd_delete(request: HttpRequest, staff_number: str, pk: int) -> HttpResponse:
    """GET asks to confirm; only a POST deletes."""
    person = person_or_404(request.user, staff_number, need="own")
    entry = _entry_or_404(person, pk)
    if request.method == "POST":
        title = entry.title
        portfolio_services.delete_entry(entry, user=request.user)
        messages.success(
            request, gettext("Deleted '%(title)s' from your CPD log.") % {"title": title}
        )
        return redirect(reverse("cpd:list", kwargs={"staff_number": person.staff_number}))
    return render(
        request,
        "portal/cpd/confirm_delete.html",
        {"person": person, "entry": entry, "evidence_count": entry.evidence.count()},
    )
