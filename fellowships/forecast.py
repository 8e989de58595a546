"""Milestone progress and the forecast completion date: pure functions over plain data.

The forecast rule: a fellow's pace is the number of signed-off logbook entries (or hours,
for an hours target) dated in the last ``RATE_WEEKS`` weeks of active time, divided by the
weeks. The remaining work of each logbook milestone at that pace gives a date; the latest of
them is the forecast (a logbook is the part that takes time; modules and assessments are
booked events with their own dates). Then:

- *completed*: every milestone met and the final sign-off given;
- *paused*: an open pause; no forecast while paused (the target moves on by the pause);
- *overdue*: today is past the target date and the programme is not complete;
- *at risk*: the forecast falls after the target date, or there is no pace at all after the
  first ``RATE_WEEKS`` weeks while logbook work remains;
- *on track*: otherwise.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import pgettext

RATE_WEEKS = 8


class Risk(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OVERDUE = "overdue"
    PAUSED = "paused"
    COMPLETED = "completed"
    NOT_STARTED = "not_started"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            Risk.ON_TRACK: pgettext("fellowship progress", "On track"),
            Risk.AT_RISK: pgettext("fellowship progress", "At risk"),
            Risk.OVERDUE: pgettext("fellowship progress", "Overdue"),
            Risk.PAUSED: pgettext("fellowship progress", "Paused"),
            Risk.COMPLETED: pgettext("fellowship progress", "Completed"),
            Risk.NOT_STARTED: pgettext("fellowship progress", "Not started"),
            Risk.WITHDRAWN: pgettext("fellowship progress", "Withdrawn"),
        }[self]

    @property
    def tag(self) -> str:
        """The NHS.UK tag colour that goes with the word."""
        return {
            Risk.ON_TRACK: "green",
            Risk.AT_RISK: "yellow",
            Risk.OVERDUE: "red",
            Risk.COMPLETED: "blue",
        }.get(self, "grey")


@dataclass(frozen=True)
class Entry:
    """A signed-off logbook entry, as the rules need it."""

    date: datetime.date
    category: str
    supervised: bool
    minutes: int
    appraised: bool


@dataclass(frozen=True)
class MilestoneSpec:
    """A milestone's target, as the rules need it (see ``fellowships.models.Milestone``)."""

    pk: int
    stage: str
    title: str
    kind: str
    category: str = ""
    categories: tuple[str, ...] = ()
    supervision: str = ""  # "", "supervised" or "independent"
    target_entries: int | None = None
    min_per_category: int | None = None
    appraised_percent: int | None = None
    target_hours: Decimal | None = None
    assessment_type: str = ""
    min_count: int | None = None
    pass_mark: int | None = None


@dataclass
class MilestoneProgress:
    spec: MilestoneSpec
    done: Decimal  # in ``unit``s
    target: Decimal
    unit: str  # "entries", "hours", "assessments", "" (met or not)
    met: bool
    shortfalls: list[str] = field(default_factory=list)  # e.g. "Knee: 12 of 20"
    counted: list[Entry] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.met:
            return 100
        if not self.target:
            return 0
        return min(99, int(self.done * 100 / self.target))


def _matches(spec: MilestoneSpec, entry: Entry) -> bool:
    if spec.category and entry.category.casefold() != spec.category.casefold():
        return False
    if spec.supervision == "supervised" and not entry.supervised:
        return False
    return not (spec.supervision == "independent" and entry.supervised)


def logbook_progress(spec: MilestoneSpec, entries: Iterable[Entry]) -> MilestoneProgress:
    counted = [e for e in entries if _matches(spec, e)]
    shortfalls: list[str] = []
    if spec.target_hours:
        done = Decimal(sum(e.minutes for e in counted)) / 60
        target, unit = Decimal(spec.target_hours), "hours"
    else:
        done, target, unit = Decimal(len(counted)), Decimal(spec.target_entries or 0), "entries"
    met = done >= target
    if spec.min_per_category and spec.categories:
        for name in spec.categories:
            have = sum(1 for e in counted if e.category.casefold() == name.casefold())
            if have < spec.min_per_category:
                met = False
                shortfalls.append(f"{name}: {have}/{spec.min_per_category}")
    if spec.appraised_percent and counted:
        appraised = sum(1 for e in counted if e.appraised)
        needed = math.ceil(len(counted) * spec.appraised_percent / 100)
        if appraised < needed:
            met = False
            shortfalls.append(f"appraised: {appraised}/{needed}")
    elif spec.appraised_percent:
        met = False
    return MilestoneProgress(spec, done, target, unit, met and target > 0, shortfalls, counted)


def count_progress(spec: MilestoneSpec, satisfactory: int) -> MilestoneProgress:
    """Workplace-based assessments: satisfactory ones of the type, against the minimum."""
    target = Decimal(spec.min_count or 1)
    return MilestoneProgress(
        spec, Decimal(satisfactory), target, "assessments", satisfactory >= target
    )


def done_progress(spec: MilestoneSpec, met: bool) -> MilestoneProgress:
    """A module passed, a competency held, the final sign-off given: met or not."""
    return MilestoneProgress(spec, Decimal(int(met)), Decimal(1), "", met)


@dataclass
class Forecast:
    risk: Risk
    forecast_date: datetime.date | None
    target_date: datetime.date
    pace_per_week: Decimal | None  # in the bottleneck milestone's unit
    bottleneck: MilestoneProgress | None
    percent: int  # overall: the mean of the milestones' percentages

    @property
    def reason(self) -> str:
        """Why it is at risk, overdue or on track, in one sentence."""
        from django.utils.formats import date_format
        from django.utils.translation import gettext

        target = date_format(self.target_date, "j F Y")
        if self.risk is Risk.OVERDUE:
            return gettext("The target date, %(date)s, has passed.") % {"date": target}
        if self.risk is Risk.PAUSED:
            return gettext("Paused: the target date moves on by the length of the pause.")
        if self.risk in (Risk.COMPLETED, Risk.WITHDRAWN, Risk.NOT_STARTED):
            return ""
        b = self.bottleneck
        if b is not None and self.forecast_date is None:
            return gettext(
                "No %(milestone)s signed off in the last %(weeks)d weeks: at this pace it "
                "will not be finished."
            ) % {"milestone": b.spec.title, "weeks": RATE_WEEKS}
        if b is not None and self.forecast_date is not None:
            pace = f"{(self.pace_per_week or Decimal(0)).quantize(Decimal('0.1'))}"
            text = gettext(
                "%(milestone)s: %(done)s of %(target)s %(unit)s at %(pace)s a week, "
                "so finished about %(forecast)s (target %(target_date)s)."
            )
            return text % {
                "milestone": b.spec.title,
                "done": f"{b.done.quantize(Decimal('1'))}",
                "target": f"{b.target.quantize(Decimal('1'))}",
                "unit": {"entries": gettext("entries"), "hours": gettext("hours")}.get(b.unit, ""),
                "pace": pace,
                "forecast": date_format(self.forecast_date, "j F Y"),
                "target_date": target,
            }
        return gettext("Nothing in the logbook holds it up; target %(date)s.") % {"date": target}


def pace(
    entries: Sequence[Entry], spec: MilestoneSpec, today: datetime.date, active_from: datetime.date
) -> Decimal:
    """Units per week over the last ``RATE_WEEKS`` weeks (fewer if the fellow started later)."""
    since = max(today - datetime.timedelta(weeks=RATE_WEEKS), active_from)
    weeks = Decimal(max((today - since).days, 7)) / 7
    recent = [e for e in entries if e.date > since and _matches(spec, e)]
    amount = (
        Decimal(sum(e.minutes for e in recent)) / 60 if spec.target_hours else Decimal(len(recent))
    )
    return amount / weeks


def forecast(
    progress: Sequence[MilestoneProgress],
    *,
    today: datetime.date,
    start_date: datetime.date,
    target_date: datetime.date,
    paused: bool = False,
    completed: bool = False,
    withdrawn: bool = False,
) -> Forecast:
    percent = round(sum(p.percent for p in progress) / len(progress)) if progress else 0
    if withdrawn:
        return Forecast(Risk.WITHDRAWN, None, target_date, None, None, percent)
    if completed:
        return Forecast(Risk.COMPLETED, None, target_date, None, None, 100)
    if paused:
        return Forecast(Risk.PAUSED, None, target_date, None, None, percent)
    if today < start_date:
        return Forecast(Risk.NOT_STARTED, None, target_date, None, None, percent)
    latest: datetime.date | None = today
    bottleneck: MilestoneProgress | None = None
    bottleneck_pace: Decimal | None = None
    stalled = False
    for p in progress:
        if p.met or p.spec.kind != "logbook":
            continue
        rate = pace(p.counted, p.spec, today, start_date)
        remaining = max(p.target - p.done, Decimal(1))  # a shortfall alone still needs work
        if rate <= 0:
            stalled = True
            bottleneck, bottleneck_pace = p, rate
            continue
        finish = today + datetime.timedelta(days=math.ceil(remaining / rate * 7))
        if latest is None or finish > latest:
            latest, bottleneck, bottleneck_pace = finish, p, rate
    started_long_ago = (today - start_date).days >= RATE_WEEKS * 7
    forecast_date = None if stalled else latest
    if today > target_date:
        risk = Risk.OVERDUE
    elif (stalled and started_long_ago) or (forecast_date and forecast_date > target_date):
        risk = Risk.AT_RISK
    else:
        risk = Risk.ON_TRACK
    return Forecast(risk, forecast_date, target_date, bottleneck_pace, bottleneck, percent)
