"""Skill-mix pages: a team's skill matrix, the service view (every team side by side) and
their workbooks.

Thin: ``ksf.access.team_or_404`` says who may see a team (its lead, its service lead and
administrators; 404 for everyone else), ``fellowships.skillmix.service.services_visible_to``
who may see a service, ``fellowships.skillmix.matrix`` and ``.service`` read in a fixed number
of queries, and ``exports.skillmix`` builds the workbooks.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from cms.portal.skillmix_chart import coverage_chart
from cms.portal.skillmix_forms import MatrixFilterForm
from exports import skillmix as workbooks
from exports import skillmix_tasks as board_tasks
from exports.workbooks import XLSX_CONTENT_TYPE
from fellowships.skillmix import coverage as engine
from fellowships.skillmix import matrix as matrices
from fellowships.skillmix import service as boards
from ksf import access, dates


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cells_html(m: matrices.Matrix) -> None:
    """Each row's cells as HTML, built here rather than in the template: a team of 200 has
    thousands of cells, and the template language would take most of the page's time. Every
    value is escaped; the status is a letter (hidden from screen readers) and its word."""
    words = {
        status: (
            escape(status.value),
            escape(status.letter),
            escape(status.label),
        )
        for status in matrices.Status
    }
    expires_word, practised_word, unpractised = (
        gettext("expires %(date)s"),
        gettext("practised %(date)s"),
        escape(gettext("not practised")),
    )
    dates_seen: dict = {}

    def day(value) -> str:
        if value not in dates_seen:
            dates_seen[value] = escape(date_format(value, "j M Y"))
        return dates_seen[value]

    for row in m.rows:
        parts = []
        for cell in row.cells:
            value, letter, label = words[cell.status]
            detail = ""
            if cell.level:
                detail += f'<span class="skillmix-detail">{escape(cell.level)}</span>'
            if cell.expires_on:
                text = escape(expires_word % {"date": "\0"}).replace("\0", day(cell.expires_on))
                detail += f'<span class="skillmix-detail">{text}</span>'
            if cell.practised_on:
                text = escape(practised_word % {"date": "\0"}).replace("\0", day(cell.practised_on))
                detail += f'<span class="skillmix-detail">{text}</span>'
            elif cell.status is matrices.Status.NOT_PRACTISED:
                detail += f'<span class="skillmix-detail">{unpractised}</span>'
            parts.append(
                f'<td class="nhsuk-table__cell skillmix-cell skillmix-cell--{value}">'
                f'<span class="skillmix-letter" aria-hidden="true">{letter}</span> '
                f'<span class="nhsuk-u-visually-hidden">{label}</span>{detail}</td>'
            )
        row.cells_html = mark_safe("".join(parts))  # every part is escaped above


def _filters(request: HttpRequest, whole: matrices.Matrix):
    form = MatrixFilterForm(
        request.GET or None,
        frameworks=whole.framework_choices,
        competencies=whole.competency_choices,
        bands=whole.band_choices,
    )
    data: dict = {}
    if form.is_bound:
        form.is_valid()  # a field that does not validate is left out of cleaned_data
        data = form.cleaned_data
    return form, matrices.Filters(
        framework=data.get("framework") or "",
        competency_id=data.get("competency"),
        band=data.get("band") or "",
    )


# A team's matrix ---------------------------------------------------------------------------


def _matrix(request: HttpRequest, team_id: int, *, paged: bool):
    """The filter form, the filters and the matrix they give (one baseline read); ``paged``,
    only the page of people asked for (the page; the workbook has everyone)."""
    base = engine.baseline([team_id], dates.today(), projecting=False)
    page = request.GET.get("page", "1") if paged else None
    whole = matrices.matrix_from(base, team_id, page=page or 1)  # cheap: for the choices
    form, filters = _filters(request, whole)
    if filters == matrices.Filters() and paged:
        return form, filters, whole
    return form, filters, matrices.matrix_from(base, team_id, filters, page=page)


@login_required
@require_GET
def matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """The team's people by competency, with coverage against demand."""
    team = access.team_or_404(request.user, pk)
    form, filters, shown = _matrix(request, team.pk, paged=True)
    _cells_html(shown)
    kept = request.GET.copy()
    kept.pop("page", None)
    query = kept.urlencode()
    return render(
        request,
        "portal/skillmix/matrix_team.html",
        {
            "team": team,
            "matrix": shown,
            "form": form,
            "filtered": filters != matrices.Filters(),
            "page_obj": shown.page,
            "query": query,
            "anchor": "#matrix-caption",
            "pagination_label": gettext("Pages of the matrix"),
            "chart": coverage_chart(shown.coverage),
            "workbook_url": reverse("skillmix:matrix_workbook", args=[team.pk])
            + (f"?{query}" if query else ""),
            "projection_url": reverse("scenarios:projection", args=[team.pk]),
            "train_next_url": reverse("scenarios:train_next", args=[team.pk]),
            "scenarios_url": reverse("scenarios:list", args=[team.pk]),
            "finder_url": reverse("finder:search"),
        },
    )


@login_required
@require_GET
def matrix_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    team = access.team_or_404(request.user, pk)
    _, _, shown = _matrix(request, team.pk, paged=False)
    return _xlsx(workbooks.matrix_workbook(team, shown), workbooks.matrix_filename(team))


# The service view --------------------------------------------------------------------------


def _cover_html(result: boards.ServiceBoard) -> None:
    """Each team's coverage cells as HTML, built here as the matrix's are: 50 teams by a few
    hundred key competencies is tens of thousands of cells. Every value is escaped."""
    below, no_demand = escape(gettext("below")), escape(gettext("no demand"))
    empty = f'<td class="nhsuk-table__cell"><span class="nhsuk-body-s">{no_demand}</span></td>'
    for col in result.teams:
        parts = []
        for cover in col.cover_cells:
            if not cover:
                parts.append(empty)
                continue
            figures = f"{cover.competent_wte:.2f} / {cover.demand_wte:.2f}"
            if cover.below:
                parts.append(
                    '<td class="nhsuk-table__cell skillmix-cell skillmix-cell--expired">'
                    f"{figures} <strong>{below}</strong></td>"
                )
            else:
                parts.append(f'<td class="nhsuk-table__cell">{figures}</td>')
        col.cover_html = mark_safe("".join(parts))  # built from escaped parts


def _board_page(request: HttpRequest, *, teams, services, service=None) -> HttpResponse:
    today = dates.today()
    result = boards.board(teams, today, most_keys=boards.KEYS_ON_PAGE)
    _cover_html(result)
    return render(
        request,
        "portal/skillmix/service_board.html",
        {
            "board": result,
            "service": service,
            "services": services,
            "totals": result.totals,
            "workbook_url": reverse("skillmix:service_workbook", args=[service.pk])
            if service
            else None,
        },
    )


@login_required
@require_GET
def services(request: HttpRequest) -> HttpResponse:
    """Every team of every service the user answers for (an administrator: all of them)."""
    visible = list(boards.services_visible_to(request.user))
    if not visible:
        raise Http404("No services to see")
    teams = list(boards.teams_of(visible))
    return _board_page(request, teams=teams, services=visible)


@login_required
@require_GET
def service(request: HttpRequest, pk: int) -> HttpResponse:
    """One service: its teams side by side."""
    item = boards.service_or_404(request.user, pk)
    teams = list(boards.teams_of([item]))
    return _board_page(request, teams=teams, services=[item], service=item)


@login_required
@require_http_methods(["GET", "POST"])
def service_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The board workbook: at once for a small service; a large one is built in the
    background (a POST starts it) and its page shows how far it has got."""
    item = boards.service_or_404(request.user, pk)
    teams = list(boards.teams_of([item]))
    if request.method == "POST" or len(teams) > board_tasks.AT_ONCE_TEAMS:
        if request.method == "GET":
            return render(
                request,
                "portal/skillmix/service_workbook_start.html",
                {"service": item, "teams": len(teams)},
            )
        job = board_tasks.start(item, request.user)
        return redirect("skillmix:service_workbook_job", pk=item.pk, job=job)
    content = workbooks.service_workbook(item, teams, dates.today())
    return _xlsx(content, workbooks.service_filename(item))


@login_required
@require_GET
def service_workbook_job(request: HttpRequest, pk: int, job: str) -> HttpResponse:
    """How far the background workbook has got; the file once it is ready."""
    item = boards.service_or_404(request.user, pk)
    state = board_tasks.state(item, request.user, job)
    if state is None:
        raise Http404("No such workbook")
    if request.GET.get("download") and state.ready:
        return _xlsx(board_tasks.content(item, request.user, job), workbooks.service_filename(item))
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "done": state.done,
                "total": state.total,
                "ready": state.ready,
                "failed": state.failed,
                "message": state.message,
            }
        )
    return render(
        request,
        "portal/skillmix/service_workbook_job.html",
        {
            "service": item,
            "state": state,
            "job": job,
            "download_url": reverse("skillmix:service_workbook_job", args=[item.pk, job])
            + "?download=1",
            "title": gettext("Board workbook for %(service)s") % {"service": item.name},
        },
    )
