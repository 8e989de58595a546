"""Reads for the staff import: runs as their pages show them, and the downloadable template."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone, translation

from ksf import dates
from ksf.imports.policies import AnyUser, may_see_run, runs_visible_to
from ksf.imports.progress import percent, seconds_left
from ksf.imports.staff import OPTIONAL, REQUIRED, StaffImportResult
from ksf.imports.tabular import RowError
from ksf.models import BAND_ORDER, Post, StaffImportRun, StaffMember, Team
from ksf.models.choices import HCPC_PREFIXES, Profession

# A run that has said nothing for this long has probably lost its worker.
STALLED_AFTER = datetime.timedelta(minutes=10)
# A run still waiting after this long probably has no worker to pick it up.
UNCLAIMED_AFTER = datetime.timedelta(minutes=1)


def recent_runs(user: AnyUser, limit: int = 10) -> "QuerySet[StaffImportRun]":
    return runs_visible_to(user).select_related("started_by").defer("upload")[:limit]


def run_for(user: AnyUser, pk: int) -> StaffImportRun | None:
    """The run, if this user may follow it (None alike for a missing run and another's)."""
    run = StaffImportRun.objects.select_related("started_by").defer("upload").filter(pk=pk).first()
    if run is None or not may_see_run(user, run):
        return None
    return run


@dataclass
class RunState:
    """A run as its page shows it: progress while it runs, the outcome once it has ended."""

    run: StaffImportRun
    percent: int
    seconds_left: int | None
    stalled: bool
    unclaimed: bool
    result: StaffImportResult | None
    problems: list[RowError]
    not_shown: int

    @property
    def finished(self) -> bool:
        return self.run.is_finished

    @property
    def failed(self) -> bool:
        return self.run.status == StaffImportRun.Status.FAILED


def run_state(run: StaffImportRun) -> RunState:
    now = timezone.now()
    done = percent(run.rows_total, run.rows_checked, run.rows_to_write, run.rows_written)
    left = None
    # Every row checked and nothing known of the writing (SQLite shows it only when it is
    # done): no estimate to make.
    writing_unseen = run.rows_total and run.rows_checked >= run.rows_total and not run.rows_to_write
    if (
        run.status == StaffImportRun.Status.RUNNING
        and run.started_at
        and run.updated_at
        and not writing_unseen
    ):
        estimate = seconds_left((run.updated_at - run.started_at).total_seconds(), done)
        if estimate is not None:
            left = max(1, estimate - int((now - run.updated_at).total_seconds()))
    if run.status == StaffImportRun.Status.DONE:
        done = 100
    elif run.status == StaffImportRun.Status.RUNNING:
        done = min(done, 99)  # until the writing has been committed
    problems = [RowError(p.get("row"), p.get("column"), p.get("message", "")) for p in run.problems]
    return RunState(
        run=run,
        percent=done,
        seconds_left=left,
        stalled=run.status == StaffImportRun.Status.RUNNING
        and (run.updated_at or run.created_at) < now - STALLED_AFTER,
        unclaimed=run.status == StaffImportRun.Status.QUEUED
        and run.created_at < now - UNCLAIMED_AFTER,
        result=StaffImportResult.from_dict(run.result)
        if run.status == StaffImportRun.Status.DONE
        else None,
        problems=problems,
        not_shown=max(0, run.problem_count - len(problems)),
    )


# --- The template ------------------------------------------------------------------------------

TEMPLATE_PEOPLE = [("Alex", "Morgan"), ("Sam", "Rees")]
FORMULA_START = ("=", "+", "-", "@")
FALLBACK_ROWS = [
    {
        "staff_number": "10000001",
        "first_name": "Alex",
        "last_name": "Morgan",
        "email": "alex.morgan@example.nhs.uk",
        "post_title": "Physiotherapist",
        "band": "5",
        "team": "MSK-NORTH",
        "wte": "1.0",
        "line_manager_staff_number": "",
        "start_date": "2024-09-01",
        "profession": "Physiotherapist",
        "hcpc_number": "PH123456",
        "hcpc_renewal_date": "2026-04-30",
    }
]


def _safe(*texts: str) -> bool:
    """Text a spreadsheet would read as it is (not as a formula)."""
    return all(text and not text.startswith(FORMULA_START) for text in texts)


def _free_staff_numbers(count: int) -> list[str]:
    """Staff numbers nobody holds, so importing the template never touches a real person."""
    candidates = [str(99000001 + i) for i in range(count + 50)]
    taken = set(
        StaffMember.objects.filter(staff_number__in=candidates).values_list(
            "staff_number", flat=True
        )
    )
    return [c for c in candidates if c not in taken][:count]


def template_rows() -> list[dict[str, str]]:
    """Example rows that import as they are into this board: a real team, its lead as the
    first person's line manager, posts of the team's service, and staff numbers nobody holds.
    Without any teams, a generic example (its team must be added before it imports)."""
    teams = list(
        Team.objects.select_related("service", "lead")
        .filter(lead__isnull=False, service__posts__isnull=False)
        .distinct()
        .order_by("code")
    ) or list(Team.objects.select_related("service", "lead").order_by("code"))
    for team in teams:
        posts = [
            p
            for p in Post.objects.filter(service_id=team.service_id).order_by("title")
            if _safe(p.title) and BAND_ORDER[p.band] <= BAND_ORDER["7"]
        ]
        if _safe(team.code) and posts:
            break
    else:
        return FALLBACK_ROWS
    posts.sort(key=lambda p: (BAND_ORDER[p.band], p.title))
    junior = next((p for p in posts if BAND_ORDER[p.band] >= BAND_ORDER["5"]), posts[0])
    senior = posts[-1]
    first_of_month = dates.today().replace(day=1)
    renewal = (first_of_month + datetime.timedelta(days=400)).replace(day=1)
    numbers = _free_staff_numbers(2)
    rows: list[dict[str, str]] = []
    for (first, last), number, post, manager, wte in zip(
        TEMPLATE_PEOPLE,
        numbers,
        [senior, junior],
        [team.lead.staff_number if team.lead else "", numbers[0]],
        ["1.0", "0.6"],
        strict=True,
    ):
        profession = Profession(post.profession)
        prefix = HCPC_PREFIXES.get(profession, "")
        with translation.override(None):  # HR files carry the English names
            profession_name = str(profession.label)
        rows.append(
            {
                "staff_number": number,
                "first_name": first,
                "last_name": last,
                "email": f"{first}.{last}@example.nhs.uk".lower(),
                "post_title": post.title,
                "band": post.band,
                "team": team.code,
                "wte": wte,
                "line_manager_staff_number": manager,
                "start_date": first_of_month.isoformat(),
                "profession": profession_name,
                "hcpc_number": f"{prefix}{123456 + len(rows)}" if prefix else "",
                "hcpc_renewal_date": renewal.isoformat() if prefix else "",
            }
        )
    return rows


def template_columns() -> list[str]:
    return [*REQUIRED, *OPTIONAL]
