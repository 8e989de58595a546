"""Pure checks for the logbook and workplace-based assessments: dates, durations, categories,
case references, and whether an enrolment's state lets work be logged or signed.

Each check returns the message to show (or None), or parses a value a person typed; nothing
here reads the database.
"""

import datetime
import re

from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from fellowships.models.logbook import MAX_ENTRY_MINUTES
from ksf.privacy import patient_identifier_problem

# Bulk upload bounds: a fellow's file is a few months' cases, not a data export.
BULK_MAX_ROWS = 2_000
BULK_MAX_BYTES = 2 * 1024 * 1024

# The domains a workplace-based assessment rates, and the ratings (stored by key).
ASSESSMENT_DOMAINS = {
    "preparation": _("Preparation, consent and safety"),
    "technique": _("Technical skill"),
    "reasoning": _("Clinical reasoning and judgement"),
    "communication": _("Communication with the patient"),
    "documentation": _("Documentation and onward plan"),
}
RATINGS = {
    "below": pgettext_lazy("assessment rating", "Below expectations"),
    "meets": pgettext_lazy("assessment rating", "Meets expectations"),
    "above": pgettext_lazy("assessment rating", "Above expectations"),
    "not_observed": pgettext_lazy("assessment rating", "Not observed"),
}


def date_problem(
    value: datetime.date | None, *, start: datetime.date, today: datetime.date
) -> str | None:
    if value is None:
        return gettext("Enter the date of the case.")
    if value > today:
        return gettext("The date cannot be in the future.")
    if value < start:
        return gettext(
            "The date is before this enrolment started (%(start)s): only cases from the start "
            "of the programme count."
        ) % {"start": date_format(start, "j F Y")}
    return None


def minutes_problem(value: int | None) -> str | None:
    if value is None:
        return gettext("Enter how long the case took, in minutes or as hh:mm.")
    if value <= 0:
        return gettext("The duration must be more than 0 minutes.")
    if value > MAX_ENTRY_MINUTES:
        return gettext("The duration cannot be more than 24 hours (1440 minutes).")
    return None


def category_problem(value: str, categories: list[str]) -> str | None:
    """With the programme's list of categories, the category must be one of them."""
    value = (value or "").strip()
    if not value:
        if categories:
            return gettext("Choose a category: %(list)s.") % {"list": ", ".join(categories)}
        return gettext("Enter a category, e.g. the body region or clinical area.")
    if categories and value.casefold() not in {c.casefold() for c in categories}:
        return gettext("'%(value)s' is not one of this programme's categories: %(list)s.") % {
            "value": value,
            "list": ", ".join(categories),
        }
    return None


def canonical_category(value: str, categories: list[str]) -> str:
    """The programme's spelling of a category typed in any case."""
    value = (value or "").strip()
    for name in categories:
        if name.casefold() == value.casefold():
            return name
    return value


def case_reference_problem(value: str) -> str | None:
    """A case reference must never identify the patient."""
    problem = patient_identifier_problem(value)
    if problem is None:
        return None
    return gettext("%(reason)s Nothing was saved.") % {"reason": problem}


_HHMM = re.compile(r"^(\d{1,2}):([0-5]\d)$")


def parse_minutes(text: str) -> int | None:
    """'90' or '1:30' as minutes; None when it is neither."""
    text = (text or "").strip()
    if text.isdigit():
        return int(text)
    match = _HHMM.match(text)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    return None


_YES = {"yes", "y", "true", "1", "supervised"}
_NO = {"no", "n", "false", "0", "independent"}


def parse_yes_no(text: str) -> bool | None:
    text = (text or "").strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(text: str) -> datetime.date | None:
    text = (text or "").strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def logging_problem(
    status: str, *, start: datetime.date, today: datetime.date, paused: bool
) -> str | None:
    """Why the fellow cannot log or change entries in this enrolment now (None: they can)."""
    if status == "paused" or paused:
        return gettext("This enrolment is paused: nothing can be logged until it resumes.")
    if status == "withdrawn":
        return gettext("This enrolment was withdrawn: its logbook is closed.")
    if status == "completed":
        return gettext("This enrolment is completed: its logbook is closed.")
    if status != "active" or start > today:
        return gettext("This enrolment has not started yet: log cases once it has.")
    return None


def signing_problem(status: str, *, paused: bool) -> str | None:
    """Why nothing can be signed off in this enrolment now (None: it can)."""
    if status == "paused" or paused:
        return gettext("The enrolment is paused: nothing can be signed off until it resumes.")
    if status == "withdrawn":
        return gettext("The fellow has withdrawn: nothing can be signed off.")
    if status == "completed":
        return gettext("The enrolment is completed: nothing more can be signed off.")
    if status != "active":
        return gettext("The enrolment has not started: there is nothing to sign off yet.")
    return None
