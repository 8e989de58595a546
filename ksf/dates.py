"""The platform's one notion of "today": the local date in ``TIME_ZONE`` (Europe/London).

The server's own zone may differ; the standard library's naive date would then disagree
around midnight in British Summer Time, so ruff bans it (TID251) and everything asks here.
"""

import datetime

from django.utils import timezone


def today() -> datetime.date:
    """Today's date where the service is, not where the server is."""
    return timezone.localdate()


def local_date(moment: datetime.datetime) -> datetime.date:
    """The local calendar day of a stored moment (a signature, a request)."""
    return timezone.localdate(moment)
