"""Flags, contacts and a map line built by hand for the flag page tests (no engine needed).

Built on the ``world`` fixture: Cara (clinician) in MSK North, led by Mona (manager, also
Cara's line manager); Sam (stranger) in Acute OT, another service; Lee leads MSK's service.
"""

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from competencies.models import ActivityRequirement, ActivitySource, Contact, Flag
from ksf import dates

CODE = "91251008"  # the injection's procedure code in these tests
OTHER_CODE = "11111111"
_keys = itertools.count(1)


def source() -> ActivitySource:
    return ActivitySource.objects.get_or_create(code="test", defaults={"name": "Test system"})[0]


def injection_rule(competency, *, valid_from: datetime.date | None = None) -> ActivityRequirement:
    return ActivityRequirement.objects.create(
        procedure_code=CODE,
        label="Ultrasound-guided shoulder injection",
        competency=competency,
        valid_from=valid_from or dates.today() - datetime.timedelta(days=800),
    )


def flag(
    *,
    team,
    staff=None,
    competency=None,
    kind: str = Flag.Kind.UNVERIFIED_PRACTICE,
    first_seen: datetime.date | None = None,
    last_seen: datetime.date | None = None,
    status: str = Flag.Status.OPEN,
    figures: dict | None = None,
    contact_count: int = 0,
) -> Flag:
    today = dates.today()
    return Flag.objects.create(
        kind=kind,
        key=f"test:{next(_keys)}",
        staff=staff,
        team=team,
        competency=competency,
        figures=figures or {},
        contact_count=contact_count,
        first_seen=first_seen or today - datetime.timedelta(days=30),
        last_seen=last_seen or today - datetime.timedelta(days=1),
        status=status,
    )


def contacts(
    staff,
    team,
    days: list[datetime.date],
    *,
    code: str = CODE,
    minutes: int = 30,
    measure: str = "",
    change: Decimal | None = None,
    changes: list[Decimal] | None = None,
) -> list[Contact]:
    """Contacts on these days; with ``changes``, one scored episode each (change i on day i)."""
    src = source()
    made = [
        Contact(
            source=src,
            record_id=f"R{next(_keys)}",
            contact_date=day,
            staff=staff,
            team=team,
            duration_minutes=minutes,
            attendance="attended",
            activity_type="intervention",
            procedure_code=code,
            patient_hash="a" * 64,
            episode_hash=f"{next(_keys):064d}" if changes else "b" * 64,
            outcome_measure=measure,
            outcome_before=Decimal(20) if measure else None,
            outcome_after=(Decimal(20) + (changes[i] if changes else change or 0))
            if measure
            else None,
        )
        for i, day in enumerate(days)
    ]
    return Contact.objects.bulk_create(made)


@dataclass
class Sample:
    competency: object
    cara_flag: Flag
    team_flag: Flag
    stranger_flag: Flag


def sample(world) -> Sample:
    """Cara's unverified-practice flag (with three contacts behind it), a capacity gap for
    MSK North, and a flag about Sam in Acute OT that nobody in MSK may see."""
    competency = world.framework.competencies.get(idnumber="C1")
    injection_rule(competency)
    today = dates.today()
    days = [today - datetime.timedelta(days=d) for d in (3, 10, 20)]
    contacts(world.clinician, world.team, days)
    contacts(world.clinician, world.team, [today - datetime.timedelta(days=5)], code=OTHER_CODE)
    contacts(world.clinician, world.team, [today - datetime.timedelta(days=90)])  # before
    cara = flag(
        team=world.team,
        staff=world.clinician,
        competency=competency,
        contact_count=3,
        figures={
            "contacts": 3,
            "minutes": 90,
            "first": days[-1].isoformat(),
            "last": days[0].isoformat(),
            "work": ["Ultrasound-guided shoulder injection"],
        },
    )
    team_flag = flag(
        team=world.team,
        competency=competency,
        kind=Flag.Kind.CAPACITY_GAP,
        figures={
            "demand_hours": 15.0,
            "capacity_hours": 7.5,
            "ratio": 0.5,
            "weeks": 12,
            "contacts": 3,
            "work": ["Ultrasound-guided shoulder injection"],
        },
    )
    stranger = flag(team=world.other_team, staff=world.stranger, competency=competency)
    return Sample(competency, cara, team_flag, stranger)
