"""Expiry reminders at 90, 30 and 7 days, safe to run more than once a day."""

import datetime

from django.db.models import Exists, OuterRef

from competencies.models import Attainment
from ksf import dates
from ksf.services import notify

THRESHOLDS = (7, 30, 90)


def send_expiry_reminders(today: datetime.date | None = None) -> int:
    """Remind each person once per threshold; a missed day still sends the nearest one."""
    today = today or dates.today()
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    renewed = Attainment.objects.filter(
        staff=OuterRef("staff"),
        competency__identifier=OuterRef("competency__identifier"),
        status=Attainment.Status.VERIFIED,
        expires_on__gt=OuterRef("expires_on"),
    )
    due = (
        Attainment.objects.filter(
            status=Attainment.Status.VERIFIED,
            expires_on__gte=today,
            expires_on__lte=horizon,
            staff__user__isnull=False,
        )
        .exclude(Exists(renewed))
        .select_related("staff__user", "competency")
    )
    sent = 0
    for att in due:
        assert att.expires_on is not None  # filtered on expires_on above
        days = (att.expires_on - today).days
        threshold = min(t for t in THRESHOLDS if days <= t)
        note = notify(
            att.staff.user,
            f"{att.competency.short_name} expires in {days} days",
            (
                f"Your sign-off for {att.competency} expires on {att.expires_on:%-d %B %Y}. "
                "Gather current evidence and ask for sign-off again."
            ),
            url=att.get_claimant_url(),
            key=f"expiry:{att.pk}:{threshold}",
        )
        sent += note is not None
    return sent
