"""What-if scenarios: the services that save them, and ``what_if``, which applies one in memory.

Writes here touch ``Scenario`` and ``ScenarioChange`` only: a scenario's changes are applied to a
*copy* of the team's baseline (``coverage.Baseline.copy``) and never to assignments,
attainments, enrolments or activity. Each service checks the policy (only the author changes a
scenario; only people who may see the team create one), refuses bad input with a message per
field, writes nothing when it refuses, and leaves an audit entry when it writes.

How each change reads in the projection (all from ``from_month``, or today when empty):

- add a person: a new member of the team with the band and WTE given, competent in the
  competencies given (at the level the map asks, with no expiry);
- a person leaves: their assignments in the team end the day before;
- enrol on a programme: the competencies the programme signs off are expected after its
  typical duration (``Programme.target_months``);
- move a person: they leave this team and join the other with the same WTE;
- change demand: by a percentage, for one competency or every one.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import cast

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

from competencies.models import Competency
from fellowships.models import Milestone, Programme, Scenario, ScenarioChange
from fellowships.skillmix import policies
from fellowships.skillmix.coverage import Baseline, Expected, Holding, Member
from fellowships.skillmix.projection import MONTHS, DemandChange
from ksf import audit, dates
from ksf.models import Band, PostAssignment, Team

Kind = ScenarioChange.Kind
WTE_MIN, WTE_MAX = Decimal("0.01"), Decimal("1.00")
PERCENT_MIN, PERCENT_MAX = Decimal("-100"), Decimal("1000")


# --- scenarios -----------------------------------------------------------------------------


def _name(value: str) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationError({"name": gettext("Give the scenario a name.")})
    if len(name) > 120:
        raise ValidationError(
            {
                "name": gettext("Keep the name under 120 characters (it has %(count)s).")
                % {"count": len(name)}
            }
        )
    return name


def _refuse_duplicate(user: User, team: Team, name: str, exclude: int | None = None) -> None:
    taken = Scenario.objects.filter(author=user, team=team, name__iexact=name)
    if exclude:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {
                "name": gettext("You already have a scenario called '%(name)s' for this team.")
                % {"name": name}
            }
        )


def _require_edit(user: User, scenario: Scenario) -> None:
    if not policies.may_edit(user, scenario):
        raise PermissionDenied(gettext("Only the scenario's author can change it."))


@transaction.atomic
def create(user: User, team: Team, *, name: str) -> Scenario:
    if not policies.may_create(user, team):
        raise PermissionDenied(gettext("You cannot plan for this team."))
    name = _name(name)
    _refuse_duplicate(user, team, name)
    try:
        with transaction.atomic():
            scenario = Scenario.objects.create(author=user, team=team, name=name)
    except IntegrityError as error:  # a second tab saving the same name
        raise ValidationError(
            {"name": gettext("You already have a scenario with this name.")}
        ) from error
    audit.log_create(scenario, user)
    return scenario


@transaction.atomic
def rename(user: User, scenario: Scenario, *, name: str) -> Scenario:
    _require_edit(user, scenario)
    name = _name(name)
    _refuse_duplicate(user, scenario.team, name, exclude=scenario.pk)
    changes = audit.apply(scenario, {"name": name})
    if changes:
        scenario.save()
        audit.log_change(scenario, user, changes)
    return scenario


@transaction.atomic
def delete(user: User, scenario: Scenario) -> None:
    _require_edit(user, scenario)
    audit.log_delete(scenario, user)
    scenario.delete()


# --- changes -------------------------------------------------------------------------------


def _decimal(value, field: str, message: str, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = message
        return None


def _month(value, today: datetime.date, errors: dict) -> datetime.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime.date):
        errors["from_month"] = gettext("Give the month as a date.")
        return None
    first = value.replace(day=1)
    last = today.replace(day=1) + relativedelta(months=MONTHS - 1)
    if first < today.replace(day=1) or first > last:
        errors["from_month"] = gettext("Choose a month from this month to %(last)s.") % {
            "last": last.strftime("%B %Y")
        }
        return None
    return first


def _ids(values: Iterable | None) -> list:
    out = []
    for v in values or []:
        out.append(v.pk if hasattr(v, "pk") else v)
    return out


def _member_now(team: Team, staff, today: datetime.date) -> bool:
    return (
        staff is not None
        and PostAssignment.objects.current(today).filter(team=team, staff=staff).exists()
    )


@transaction.atomic
def add_change(
    user: User,
    scenario: Scenario,
    *,
    kind: str,
    from_month: datetime.date | None = None,
    staff=None,
    band: str = "",
    wte=None,
    competencies: Iterable | None = None,
    programme: Programme | None = None,
    to_team: Team | None = None,
    percent=None,
    competency=None,
    today: datetime.date | None = None,
) -> ScenarioChange:
    """Add one change to a scenario, or refuse with a message per field and write nothing."""
    _require_edit(user, scenario)
    today = today or dates.today()
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        raise ValidationError({"kind": gettext("Choose what changes.")})
    month = _month(from_month, today, errors)
    values: dict = {"kind": kind, "from_month": month}
    competency_ids: list[int] = []

    if kind == Kind.ADD_PERSON:
        if band not in Band.values:
            errors["band"] = gettext("Choose the new person's band.")
        amount = _decimal(wte, "wte", gettext("Give the WTE as a number, e.g. 0.6."), errors)
        if amount is None:
            errors.setdefault("wte", gettext("Give the new person's WTE, from 0.01 to 1.00."))
        elif not WTE_MIN <= amount <= WTE_MAX:
            errors["wte"] = gettext("The WTE must be from 0.01 to 1.00 (it was %(value)s).") % {
                "value": amount
            }
        wanted = _ids(competencies)
        try:
            wanted = sorted({int(v) for v in wanted})
        except (TypeError, ValueError):
            wanted, errors["competencies"] = [], gettext("Choose competencies from the list.")
        known = set(Competency.objects.filter(pk__in=wanted).values_list("pk", flat=True))
        if set(wanted) - known:
            errors["competencies"] = gettext(
                "One of those competencies does not exist: choose from the list."
            )
        competency_ids = wanted
        values.update(band=band, wte=amount)

    if kind in (Kind.REMOVE_PERSON, Kind.ENROL, Kind.MOVE_PERSON):
        if staff is None:
            errors["staff"] = gettext("Choose a person in the team.")
        elif not _member_now(scenario.team, staff, today):
            errors["staff"] = gettext("%(name)s is not in this team.") % {"name": staff}
        values["staff"] = staff

    if kind == Kind.ENROL:
        if programme is None or not Programme.objects.published().filter(pk=programme.pk).exists():
            errors["programme"] = gettext("Choose a programme that is open.")
        values["programme"] = programme

    if kind == Kind.MOVE_PERSON:
        if to_team is None:
            errors["to_team"] = gettext("Choose the team they move to.")
        elif to_team.pk == scenario.team_id:
            errors["to_team"] = gettext("Choose a different team from this one.")
        values["to_team"] = to_team

    if kind == Kind.DEMAND:
        amount = _decimal(
            percent, "percent", gettext("Give the change as a number, e.g. 10 or -25."), errors
        )
        if amount is None:
            errors.setdefault("percent", gettext("Give the change in demand as a percentage."))
        elif amount < PERCENT_MIN:
            errors["percent"] = gettext(
                "Demand cannot fall by more than 100%% (it was %(value)s%%)."
            ) % {"value": amount}
        elif amount > PERCENT_MAX:
            errors["percent"] = gettext("Keep the change to 1000 percent or less.")
        if competency is not None:
            cid = competency.pk if hasattr(competency, "pk") else competency
            try:
                competency = Competency.objects.filter(pk=int(cid)).first()
            except (TypeError, ValueError):
                competency = None
            if competency is None:
                errors["competency"] = gettext(
                    "That competency does not exist: choose from the list."
                )
        values.update(percent=amount, competency=competency)

    if errors:
        raise ValidationError(errors)
    change = ScenarioChange.objects.create(scenario=scenario, **values)
    if competency_ids:
        change.competencies.set(competency_ids)
    scenario.save(update_fields=["updated_at"])
    audit.log_create(change, user, scenario=scenario.pk)
    return change


@transaction.atomic
def remove_change(user: User, change: ScenarioChange) -> None:
    _require_edit(user, change.scenario)
    audit.log_delete(change, user)
    change.delete()
    change.scenario.save(update_fields=["updated_at"])


# --- applying a scenario in memory ---------------------------------------------------------


@dataclasses.dataclass
class Plan:
    """A scenario's changes as plain data (read once, then applied without queries)."""

    team_id: int
    changes: list[ScenarioChange]
    programme_competencies: dict[int, list[int]]


def plan_of(scenario: Scenario) -> Plan:
    """The scenario's changes, their competencies and programmes: three queries."""
    changes = list(
        scenario.changes.select_related("staff", "programme", "to_team", "competency")
        .prefetch_related("competencies")
        .order_by("created_at", "pk")
    )
    granted: dict[int, list[int]] = {}
    programme_ids = {c.programme_id for c in changes if c.programme_id}
    if programme_ids:
        for m in Milestone.objects.filter(
            programme_id__in=programme_ids,
            kind=Milestone.Kind.COMPETENCY,
            competency__isnull=False,
        ).values("programme_id", "competency_id"):
            granted.setdefault(m["programme_id"], []).append(m["competency_id"])
    return Plan(scenario.team_id, changes, granted)


def what_if(b: Baseline, plan: Plan) -> tuple[Baseline, list[DemandChange]]:
    """A copy of the baseline with the plan's changes applied, and its demand changes."""
    w = b.copy()
    demand: list[DemandChange] = []
    new_id = -1
    for ch in plan.changes:
        start = ch.from_month or w.today
        if start < w.today:
            start = w.today
        day_before = start - datetime.timedelta(days=1)
        if ch.kind == Kind.ADD_PERSON:
            name = gettext("New band %(band)s (%(wte)s WTE)") % {"band": ch.band, "wte": ch.wte}
            wte = cast(Decimal, ch.wte)  # an added person's WTE is required (``add_change``)
            m = Member(
                new_id, name, ch.band, wte, plan.team_id, name, None, start, hypothetical=True
            )
            w.assignments.append(m)
            w.members[new_id] = m
            for c in ch.competencies.all():
                level = w.levels.get(c.pk, 0)
                w.holdings[(new_id, c.pk)] = Holding(
                    new_id, c.pk, level, w.level_names.get((c.pk, level), ""), start, None
                )
                if c.pk not in w.competencies:
                    w.competencies[c.pk] = (c.code or c.idnumber, c.short_name, "")
            new_id -= 1
        elif ch.kind in (Kind.REMOVE_PERSON, Kind.MOVE_PERSON):
            moved = []
            for m in w.assignments:
                if m.staff_id == ch.staff_id and m.team_id == plan.team_id and m.in_post_on(start):
                    m.ends_on = day_before if m.ends_on is None else min(m.ends_on, day_before)
                    moved.append(m)
            if ch.kind == Kind.MOVE_PERSON and ch.to_team_id:
                for m in moved:
                    w.assignments.append(
                        dataclasses.replace(m, team_id=ch.to_team_id, starts_on=start, ends_on=None)
                    )
        elif ch.kind == Kind.ENROL and ch.programme_id and ch.programme is not None:
            on = start + relativedelta(months=ch.programme.target_months or 0)
            staff_id = cast(int, ch.staff_id)  # an enrolment always names a person (``add_change``)
            for cid in plan.programme_competencies.get(ch.programme_id, []):
                w.future.append(Expected(staff_id, cid, on, f"what-if:{ch.pk}"))
        elif ch.kind == Kind.DEMAND and ch.percent is not None:
            demand.append(DemandChange(ch.percent, ch.competency_id, ch.from_month))
    return w, demand
