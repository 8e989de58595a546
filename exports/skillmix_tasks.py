"""The service workbook of a large service, built on the task worker (django-tasks).

A service of more than ``AT_ONCE_TEAMS`` teams takes more than a few seconds to build, so the
page queues ``build_service_workbook`` and shows its progress (teams done of all). The run's
state and, once built, the file are kept in the private media folder (never served directly),
named by a random job id and readable only by the person who started it: the job page checks
both. Old files are removed when a new run starts.
"""

import datetime
import json
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from django_tasks import task

AT_ONCE_TEAMS = 20
KEEP_FOR = datetime.timedelta(days=1)
JOB_LENGTH = 32


def _folder() -> Path:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / "skillmix-workbooks"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _valid(job: str) -> bool:
    return len(job) == JOB_LENGTH and all(c in "0123456789abcdef" for c in job)


@dataclass(frozen=True)
class JobState:
    user_id: int
    service_id: int
    done: int
    total: int
    status: str  # queued, running, ready, failed
    message: str = ""

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def _write(job: str, **fields) -> None:
    path = _folder() / f"{job}.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(fields)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(current))
    tmp.replace(path)


def _tidy() -> None:
    cutoff = time.time() - KEEP_FOR.total_seconds()
    for path in _folder().iterdir():
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def start(service, user) -> str:
    """Queue the workbook of ``service`` for ``user``; returns the job id for its page."""
    _tidy()
    job = secrets.token_hex(JOB_LENGTH // 2)
    _write(job, user_id=user.pk, service_id=service.pk, done=0, total=0, status="queued")
    build_service_workbook.enqueue(job, service.pk)  # the immediate backend runs it now
    return job


def state(service, user, job: str) -> JobState | None:
    """The run, if ``job`` is one ``user`` started for ``service``."""
    if not _valid(job):
        return None
    path = _folder() / f"{job}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    if data.get("user_id") != user.pk or data.get("service_id") != service.pk:
        return None
    return JobState(
        user_id=data["user_id"],
        service_id=data["service_id"],
        done=data.get("done", 0),
        total=data.get("total", 0),
        status=data.get("status", "queued"),
        message=data.get("message", ""),
    )


def content(service, user, job: str) -> bytes:
    found = state(service, user, job)
    if found is None or not found.ready:
        raise FileNotFoundError(job)
    return (_folder() / f"{job}.xlsx").read_bytes()


@task()
def build_service_workbook(job: str, service_id: int) -> int:
    """Build the workbook, telling the job file after each team; returns its size in bytes."""
    from exports.skillmix import service_workbook
    from fellowships.skillmix.service import teams_of
    from ksf import dates
    from ksf.models import Service

    service = Service.objects.get(pk=service_id)
    teams = list(teams_of([service]))
    _write(job, status="running", total=len(teams) + 2)
    try:
        data = service_workbook(
            service, teams, dates.today(), progress=lambda done, total: _write(job, done=done)
        )
    except Exception:
        _write(job, status="failed", message=gettext("The workbook could not be built."))
        raise
    (_folder() / f"{job}.xlsx").write_bytes(data)
    _write(job, status="ready", done=len(teams) + 2)
    return len(data)
