"""Hand-built worlds for the flag engine tests: a framework, a map line, people, contacts."""

import datetime
import itertools
from decimal import Decimal

from competencies.activity.partitions import ensure_partitions
from competencies.models import ActivityRequirement, ActivitySource, Attainment, Contact
from ksf import dates
from tests.competencies.portfolio_fixtures import published_framework
from tests.factories import AssignmentFactory, ServiceFactory, StaffMemberFactory, TeamFactory

CODE = "241497006"
TODAY = dates.today()
_records = itertools.count(1)


def day(offset: int) -> datetime.date:
    """``offset`` days from today (negative: before)."""
    return TODAY + datetime.timedelta(days=offset)


class Board:
    """One MSK service with two teams, a framework (Novice < Competent < Expert), one map line
    (the shoulder injection code needs C1 at the framework's first proficient level)."""

    def __init__(self) -> None:
        self.framework = published_framework("INJ")
        self.c1 = self.framework.competencies.get(idnumber="C1")
        self.c2 = self.framework.competencies.get(idnumber="C2")
        self.novice = self.framework.scale_values.get(name="Novice")
        self.competent = self.framework.scale_values.get(name="Competent")
        self.expert = self.framework.scale_values.get(name="Expert")
        self.service = ServiceFactory(name="MSK physiotherapy")
        self.team = TeamFactory(service=self.service, name="MSK North")
        self.team_b = TeamFactory(service=self.service, name="MSK South")
        self.assessor = StaffMemberFactory(first_name="Ann", last_name="Assessor", band="7")
        self.source = ActivitySource.objects.create(name="Test system", code="test")
        self.rule = ActivityRequirement.objects.create(
            procedure_code=CODE,
            label="Ultrasound-guided shoulder injection",
            competency=self.c1,
            valid_from=day(-3000),
        )

    def person(self, first="Ffion", last="Parry", *, team=None, start=-400, end=None, wte="1.00"):
        staff = StaffMemberFactory(first_name=first, last_name=last)
        self.assign(staff, team or self.team, start=start, end=end, wte=wte)
        return staff

    def assign(self, staff, team, *, start=-400, end=None, wte="1.00"):
        return AssignmentFactory(
            staff=staff,
            team=team,
            start_date=day(start),
            end_date=day(end) if end is not None else None,
            wte=Decimal(wte),
        )

    def sign_off(self, staff, *, on=-500, expires=None, value=None, competency=None):
        return Attainment.objects.create(
            staff=staff,
            competency=competency or self.c1,
            value=value or self.competent,
            status=Attainment.Status.VERIFIED,
            assessor=self.assessor,
            verified_on=day(on),
            expires_on=day(expires) if expires is not None else None,
        )

    def contacts(
        self, staff, days, *, team=None, code=CODE, minutes=30, attendance="attended", **extra
    ):
        rows = [
            Contact(
                source=self.source,
                record_id=f"R{next(_records)}",
                contact_date=day(offset),
                staff=staff,
                team=team or self.team,
                duration_minutes=minutes,
                attendance=attendance,
                procedure_code=code,
                **extra,
            )
            for offset in days
        ]
        dates_ = [r.contact_date for r in rows]
        ensure_partitions(min(dates_), max(dates_))
        return Contact.objects.bulk_create(rows)
