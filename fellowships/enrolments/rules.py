"""Pure checks for applications and supervision: entry criteria and supervisor capacity."""

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext

from ksf.models.choices import BAND_ORDER, Band, Profession


def criteria_problems(
    *,
    band: str,
    profession: str,
    qualified_on: datetime.date | None,
    holds_prerequisite: bool | None,
    min_band: str,
    professions: list[str],
    min_years_qualified: int,
    prerequisite_name: str,
    today: datetime.date,
) -> list[str]:
    """Each entry criterion the applicant does not meet, in a sentence; empty: all met.

    ``holds_prerequisite`` None: the programme names no required competency.
    """
    problems: list[str] = []
    if min_band and BAND_ORDER.get(band, -1) < BAND_ORDER[min_band]:
        problems.append(
            gettext("The programme is for %(band)s or above; the applicant is %(held)s.")
            % {"band": Band(min_band).label, "held": Band(band).label if band else "?"}
        )
    if professions and profession not in professions:
        names = ", ".join(str(Profession(p).label).lower() for p in professions if p in Profession)
        problems.append(gettext("The programme is for %(professions)s.") % {"professions": names})
    if min_years_qualified:
        if qualified_on is None:
            problems.append(
                gettext(
                    "The programme needs %(years)d years since qualifying, and the staff record "
                    "has no qualified date."
                )
                % {"years": min_years_qualified}
            )
        elif qualified_on + relativedelta(years=min_years_qualified) > today:
            problems.append(
                gettext(
                    "The programme needs %(years)d years since qualifying; the applicant "
                    "qualified on %(date)s."
                )
                % {"years": min_years_qualified, "date": qualified_on.strftime("%-d %B %Y")}
            )
    if holds_prerequisite is False:
        problems.append(
            gettext("The programme needs a verified sign-off of %(competency)s first.")
            % {"competency": prerequisite_name}
        )
    return problems


def capacity_left(*, current: int, capacity_per_wte: int, wte: Decimal) -> int:
    """How many more fellows a supervisor may take: capacity scaled by their working time."""
    allowed = int(Decimal(capacity_per_wte) * wte)
    return max(0, allowed - current)
