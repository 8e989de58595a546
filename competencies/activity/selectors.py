"""Reading import runs: a run's state in words for its page and its polling script."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext

from competencies.models import ActivityImportRun


@dataclass
class RunState:
    status: str
    status_label: str
    phase_label: str
    percent: int
    rows_read: int
    rows_valid: int
    seconds_left: int | None
    added: int
    changed: int
    unchanged: int
    problems: list[dict] = field(default_factory=list)
    problem_count: int = 0
    finished: bool = False
    message: str = ""

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _message(run: ActivityImportRun) -> str:
    if run.status == ActivityImportRun.Status.DONE:
        return gettext(
            "%(file)s imported: %(added)s added, %(changed)s changed, %(unchanged)s unchanged."
        ) % {
            "file": run.filename,
            "added": f"{run.added:,}",
            "changed": f"{run.changed:,}",
            "unchanged": f"{run.unchanged:,}",
        }
    if run.status == ActivityImportRun.Status.REFUSED:
        return gettext(
            "%(file)s was refused because it identifies patients. Nothing from it was kept."
        ) % {"file": run.filename}
    if run.status == ActivityImportRun.Status.FAILED:
        return ngettext(
            "%(file)s was not imported: %(count)s problem to put right. Nothing was changed.",
            "%(file)s was not imported: %(count)s problems to put right. Nothing was changed.",
            run.problem_count,
        ) % {"file": run.filename, "count": f"{run.problem_count:,}"}
    if run.status == ActivityImportRun.Status.ERROR:
        return gettext(
            "%(file)s was not imported: the import stopped with an error. Nothing was changed; "
            "try again, and tell the platform's administrators if it happens again."
        ) % {"file": run.filename}
    if run.status == ActivityImportRun.Status.QUEUED:
        return gettext("%(file)s is waiting for the import worker to start.") % {
            "file": run.filename
        }
    return gettext("%(file)s is being imported.") % {"file": run.filename}


def run_state(run: ActivityImportRun) -> RunState:
    return RunState(
        status=run.status,
        status_label=str(run.get_status_display()),
        phase_label=str(run.get_phase_display()),
        percent=run.percent,
        rows_read=run.rows_read,
        rows_valid=run.rows_valid,
        seconds_left=run.seconds_left,
        added=run.added,
        changed=run.changed,
        unchanged=run.unchanged,
        problems=[p for p in run.problems if p.get("message")],
        problem_count=run.problem_count,
        finished=run.is_finished,
        message=_message(run),
    )


def recent_runs(limit: int = 20) -> QuerySet[ActivityImportRun]:
    return ActivityImportRun.objects.select_related("source", "started_by").order_by(
        "-created_at", "-pk"
    )[:limit]


def runs_visible_to(user) -> QuerySet[ActivityImportRun]:
    """The runs this person may open (``policies.may_open_run``), as one query."""
    from . import policies

    runs = ActivityImportRun.objects.select_related("source", "started_by")
    if not policies.may_upload(user):
        return runs.none()
    if policies.sees_every_run(user):
        return runs
    return runs.filter(started_by=user)
