"""Background work for the database task worker (``manage.py db_worker``)."""

import datetime

from django.utils import timezone
from django_tasks import task

from ksf import dates

START_HOUR = 6


@task()
def daily_start_enrolments() -> int:
    """Approved enrolments whose start date has come become active; then queue tomorrow's."""
    from fellowships.enrolments.services import start_due

    started = start_due()
    schedule_daily_start()
    return started


def schedule_daily_start() -> bool:
    """Queue the next run unless one is already waiting. True if one was queued."""
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        status="READY", task_path=daily_start_enrolments.module_path
    )
    if waiting.exists():
        return False
    tomorrow = dates.today() + datetime.timedelta(days=1)
    run_after = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(START_HOUR)))
    daily_start_enrolments.using(run_after=run_after).enqueue()
    return True
