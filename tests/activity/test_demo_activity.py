"""The demo board's year of activity: enough of it, shaped so that every flag kind appears.

A service lead opening the demo should find each kind of flag with a story behind it: an FCP
still injecting after their sign-off expired, a team whose only injector moved on, groups that
outrun the people signed off to run them, a skill not practised, a sign-off about to expire
where the team has the work, one clinician whose patients improve far less than the team's.
"""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from competencies.models import (
    ActivityRequirement,
    ActivitySource,
    Attainment,
    Contact,
    Flag,
)
from ksf import dates
from ksf.models import PostAssignment
from ksf.roles import Role, roles_for

pytestmark = pytest.mark.django_db

INJECTION = "USGI-SH"


@pytest.fixture
def demo(db, settings):
    settings.DEMO_ACTIVITY_EVERYDAY_SHARE = 1.0  # the full year, as `seed_demo` writes it
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def active(**filters) -> list[Flag]:
    return list(Flag.objects.filter(active=True, **filters).select_related("staff", "team"))


def test_the_demo_year_of_activity(demo):
    """One seeding (a minute and a half) for every check of what it made."""
    assert re.search(r"Caseload activity: [0-9]+ contacts", demo)
    a_year_of_activity_with_every_kind_of_flag()
    the_stories_behind_the_flags()
    the_map_sources_and_analyst_login()


def a_year_of_activity_with_every_kind_of_flag() -> None:
    today = dates.today()
    assert Contact.objects.count() >= 100_000
    first = Contact.objects.order_by("contact_date").values_list("contact_date", flat=True)[0]
    assert today - datetime.timedelta(days=366) <= first
    assert not Contact.objects.filter(contact_date__gt=today).exists()
    # Realistic mixes: mostly attended and face to face; outcome scores on MSK-HQ.
    total = Contact.objects.count()
    attended = Contact.objects.filter(attendance="attended").count()
    assert 0.8 < attended / total < 0.95
    assert Contact.objects.filter(mechanism="telephone").count() > 0.05 * total
    assert Contact.objects.filter(outcome_measure="MSK-HQ").count() > 1000
    # Patient and episode keys are stored only as keyed hashes.
    hashes = Contact.objects.exclude(patient_hash="").values_list("patient_hash", "episode_hash")
    for patient, episode in hashes[:200]:
        assert re.fullmatch(r"[0-9a-f]{64}", patient) and re.fullmatch(r"[0-9a-f]{64}", episode)
    assert not Contact.objects.filter(patient_hash__startswith="demo").exists()

    for kind in Flag.Kind.values:
        assert active(kind=kind), f"no {kind} flag in the demo"


def the_stories_behind_the_flags() -> None:
    today = dates.today()

    # An FCP in First Contact injects after their guided-injection sign-off expired.
    (expired,) = active(
        kind=Flag.Kind.UNVERIFIED_PRACTICE, detail="", competency__idnumber="US-SH-I"
    )
    assert expired.team.code == "MSK-FCP"
    lapsed = Attainment.objects.get(
        staff=expired.staff, competency__idnumber="US-SH-I", status=Attainment.Status.VERIFIED
    )
    assert lapsed.expires_on < today
    assert Contact.objects.filter(
        staff=expired.staff, procedure_code=INJECTION, contact_date__gte=lapsed.expires_on
    ).exists()

    # MSK Outpatients South's only injector moved to First Contact a few weeks ago; their
    # list carries on without anyone in South signed off for injection therapy.
    moved = PostAssignment.objects.get(
        team__code="MSK-S",
        end_date__gte=today - datetime.timedelta(weeks=6),
        end_date__lt=today - datetime.timedelta(weeks=2),
    )
    assert PostAssignment.objects.current().get(staff=moved.staff).team.code == "MSK-FCP"
    south_injections = Contact.objects.filter(team__code="MSK-S", procedure_code=INJECTION)
    assert set(
        south_injections.filter(contact_date__lte=moved.end_date).values_list("staff", flat=True)
    ) == {moved.staff_id}
    in_south = PostAssignment.objects.current().filter(team__code="MSK-S").values("staff")
    assert not Attainment.objects.filter(
        staff__in=in_south, competency__idnumber="MSK-9", status=Attainment.Status.VERIFIED
    ).exists()
    after = active(kind=Flag.Kind.UNVERIFIED_PRACTICE, team__code="MSK-S")
    assert any(f.competency.idnumber == "MSK-9" for f in after)

    # Falls and Frailty's groups outrun the people signed off to run them.
    (gap,) = active(kind=Flag.Kind.CAPACITY_GAP, team__code="CPH-FALLS")
    assert gap.figures["ratio"] < 1
    # The advanced practitioner stopped scanning elbows; an FCP's sign-off expires soon.
    assert active(kind=Flag.Kind.SKILL_DECAY, detail="decay", competency__idnumber="US-EL-D")
    (expiring,) = active(kind=Flag.Kind.SKILL_DECAY, detail="expiring", team__code="MSK-FCP")
    assert 0 < expiring.figures["days_left"] <= 90
    # One clinician in MSK North whose patients improve far less than the team's.
    (outlier,) = active(kind=Flag.Kind.OUTCOME_OUTLIER)
    assert outlier.team.code == "MSK-N" and outlier.staff is not None
    # Sonography fellows scan under supervision: shown as supervised, not as a breach.
    assert active(kind=Flag.Kind.UNVERIFIED_PRACTICE, detail="supervised")


def the_map_sources_and_analyst_login() -> None:
    def needs(code: str, activity_type: str = "") -> set[str]:
        return set(
            ActivityRequirement.objects.filter(
                procedure_code=code, activity_type=activity_type, valid_to__isnull=True
            ).values_list("competency__idnumber", flat=True)
        )

    assert needs("241497006") == {"US-SH-D"}
    assert needs(INJECTION) == {"US-SH-I", "MSK-9"}
    assert needs("33633005") == {"RPS-4"}
    assert ActivityRequirement.objects.filter(procedure_code="", activity_type="group").exists()
    # Everyday work is on the map as needing no competency, so every code the demo's
    # contacts carry is known: an extract of them would import.
    assert needs("91251008") == {None}
    known = set(ActivityRequirement.objects.values_list("procedure_scheme", "procedure_code"))
    used = set(
        Contact.objects.exclude(procedure_code="")
        .values_list("procedure_scheme", "procedure_code")
        .distinct()
    )
    assert used <= known, used - known
    demo_source = ActivitySource.objects.get(code="demo")
    assert demo_source.column_mapping == {}
    wpas = ActivitySource.objects.get(code="wpas")
    assert wpas.column_mapping["source_id"] == "Contact Ref"
    assert wpas.attendance_values["DNA"] == "did_not_attend"
    assert set(Contact.objects.values_list("source", flat=True).distinct()) == {demo_source.pk}

    analyst = User.objects.get(username="analyst")
    assert Role.ANALYST in roles_for(analyst)
    assert analyst.groups.filter(name="Workforce analysts").exists()
