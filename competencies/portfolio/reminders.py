"""Expiry reminders at 90, 30 and 7 days, safe to run more than once a day."""

import datetime

from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from competencies.models import Attainment
from competencies.portfolio.services import renewal_topic
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
        # The English says "days" whatever the number; ngettext lets other languages inflect.
        subject = ngettext(
            "%(competency)s expires in %(days)d days",
            "%(competency)s expires in %(days)d days",
            days,
        ) % {"competency": att.competency.short_name, "days": days}
        body = gettext(
            "Your sign-off for %(competency)s expires on %(date)s. "
            "Gather current evidence and ask for sign-off again."
        ) % {"competency": att.competency, "date": date_format(att.expires_on, "j F Y")}
        note = notify(
            att.staff.user,
            subject,
            body,
            url=att.get_claimant_url(),
            key=f"expiry:{att.pk}:{threshold}",
            topic=renewal_topic(att.staff_id, att.competency.identifier),
        )
        sent += note is not None
    return sent
