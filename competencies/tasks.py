"""Background work for the database task worker (``manage.py db_worker``)."""

import datetime

from django.utils import timezone
from django_tasks import task

from ksf import dates

REMINDER_HOUR = 7


@task()
def daily_expiry_reminders() -> int:
    """Send today's reminders, then queue tomorrow's run: a periodic task on the worker."""
    from competencies.portfolio.reminders import send_expiry_reminders

    sent = send_expiry_reminders()
    schedule_daily_reminders()
    return sent


def schedule_daily_reminders() -> bool:
    """Queue the next run unless one is already waiting. True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=daily_expiry_reminders.module_path
    )
    if waiting.exists():
        return False
    tomorrow = dates.today() + datetime.timedelta(days=1)
    run_after = timezone.make_aware(
        datetime.datetime.combine(tomorrow, datetime.time(REMINDER_HOUR))
    )
    daily_expiry_reminders.using(run_after=run_after).enqueue()
    return True


@task(priority=10)
def run_activity_import(run_id: int) -> str:
    """Import an uploaded activity extract (an ``ActivityImportRun``), all or nothing, then
    re-flag the days it touched; the run's page follows its progress. Returns how it ended."""
    from competencies.activity.importer import execute

    return execute(run_id).status


FLAGS_HOUR = 2


@task()
def nightly_flag_recompute() -> dict[str, int]:
    """Recompute every skill-gap flag (practice roll-up included), then queue tomorrow's run:
    a periodic task on the worker. Returns the active flags per kind."""
    from competencies.activity.flags.recompute import recompute_all

    counts = recompute_all()
    schedule_nightly_flags()
    return counts


def schedule_nightly_flags() -> bool:
    """Queue the next nightly recompute (02:00) unless one is waiting. True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(
        status="READY", task_path=nightly_flag_recompute.module_path
    ).exists():
        return False
    tomorrow = dates.today() + datetime.timedelta(days=1)
    run_after = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(FLAGS_HOUR)))
    nightly_flag_recompute.using(run_after=run_after).enqueue()
    return True
