"""The demo's caseload activity: a year of contacts for the demo board, and the map they need.

The map ties the shipped frameworks to work a therapy service records: ultrasound scans of the
shoulder and elbow (SNOMED CT) need the POCUS scope's diagnostic competencies, ultrasound-guided
injections (local codes) need the scope's guided-injection competency and MSK capability 9,
injection therapy; a prescription needs the prescribing framework's "Prescribe".

The contacts follow what each person may do: someone does mapped work only on days they hold a
verified, unexpired sign-off for it, so the flags that appear are the ones planted here, on
purpose, each with its story:

* an FCP in First Contact keeps giving guided shoulder injections after their sign-off expired
  (practice without a valid sign-off);
* another FCP's guided-injection sign-off expires within the expiry window while the team has
  the work (skill decay: expiring);
* MSK Outpatients South's only injector moved to First Contact three weeks ago (single point of
  failure, and the capacity gap it leaves);
* Falls and Frailty's strength and balance groups outrun the two people signed off to run them
  (capacity gap);
* the advanced practitioner in MSK Outpatients North stopped scanning elbows eight months ago
  (skill decay: not practised);
* one specialist in MSK Outpatients North has clearly worse MSK-HQ change than the team
  (outcome outlier);
* sonography fellows scan shoulders under their mentor's supervision (supervised practice).

Everything is worked out from the day it is seeded and a seeded random generator, so the same
day gives the same demo. Contacts are written with ``bulk_create`` in large batches (no
per-row saves); patient and episode keys are stored only as keyed hashes
(``competencies.activity.pseudonyms``), as the importer stores them.
"""

import bisect
import datetime
import hashlib
import hmac
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction

from competencies.activity import pseudonyms
from competencies.activity.partitions import ensure_partitions
from competencies.demo import _claim, _write, _Writes
from competencies.models import (
    ActivityRequirement,
    ActivitySource,
    Attainment,
    Competency,
    Contact,
    PostRequirement,
    ScaleValue,
)
from ksf import dates
from ksf.models import PostAssignment, Profession, StaffMember, Team

DAYS = 365
MOVED_DAYS_AGO = 24  # South's only injector moved to First Contact three and a half weeks ago
MAP_FROM = datetime.date(2023, 4, 1)  # the start of the financial year the map was agreed
OLD_RULE_UNTIL = datetime.date(2024, 3, 31)

# (work, scheme, code, activity type, label, competency idnumber, lapse months), from MAP_FROM
DEMO_MAP = [
    ("scan_sh", "snomed", "241497006", "", "Ultrasound scan of shoulder", "US-SH-D", None),
    ("scan_el", "snomed", "241498001", "", "Ultrasound scan of elbow", "US-EL-D", 6),
    ("inj_sh", "local", "USGI-SH", "", "Ultrasound-guided shoulder injection", "US-SH-I", None),
    ("inj_sh", "local", "USGI-SH", "", "Ultrasound-guided shoulder injection", "MSK-9", None),
    ("inj_kn", "local", "USGI-KN", "", "Ultrasound-guided knee injection", "US-KN-I", None),
    ("inj_kn", "local", "USGI-KN", "", "Ultrasound-guided knee injection", "MSK-9", None),
    ("inj_lm", "local", "INJ-JT", "", "Joint or soft-tissue injection (landmark)", "MSK-9", None),
    ("rx", "snomed", "33633005", "", "Prescription of drug", "RPS-4", None),
    ("medrev", "snomed", "33633005", "review", "Medication review", "RPS-6", None),
    ("rehab", "local", "REHAB-CX", "", "Complex rehabilitation programme", "MSK-11", None),
    ("group", "local", "SB-GROUP", "group", "Strength and balance group", "MSK-11", None),
]
# Everyday work that needs no particular competency: known codes, so extracts carrying them
# are accepted (scheme, code, label).
EVERYDAY_MAP = [
    ("snomed", "91251008", "Physical therapy procedure"),
    ("snomed", "229065009", "Exercise therapy"),
    ("snomed", "84478008", "Occupational therapy"),
    ("local", "OT-ADL", "Activities of daily living assessment"),
    ("local", "OT-EQUIP", "Equipment assessment and provision"),
    ("local", "RESP-ACT", "Airway clearance (active cycle of breathing)"),
]
# A rule the service used before the strength and balance code existed: any group session.
OLD_RULE = ("", "", "group", "Any group session (before the SB-GROUP code)", "MSK-11")

# work: (scheme, code, activity type, minutes choices, condition code)
WORK = {
    "scan_sh": ("snomed", "241497006", "assessment", (20, 30), "45326000"),
    "scan_el": ("snomed", "241498001", "assessment", (20, 30), "202855006"),
    "inj_sh": ("local", "USGI-SH", "intervention", (30, 40), "45326000"),
    "inj_kn": ("local", "USGI-KN", "intervention", (30, 40), "30989003"),
    "inj_lm": ("local", "INJ-JT", "intervention", (20, 30), "45326000"),
    "rx": ("snomed", "33633005", "intervention", (15, 20), ""),
    "medrev": ("snomed", "33633005", "review", (20, 30), ""),
    "rehab": ("local", "REHAB-CX", "intervention", (45, 60), "279039007"),
    "group": ("local", "SB-GROUP", "group", (60,), ""),
}
# Everyday work, mapped to nothing: (scheme, code) by profession and team.
PHYSIO_CODES = [("snomed", "91251008"), ("snomed", "229065009")]
OT_CODES = [("snomed", "84478008"), ("local", "OT-ADL"), ("local", "OT-EQUIP")]
RESP_CODES = [("local", "RESP-ACT"), ("snomed", "91251008")]
MSK_CONDITIONS = ["45326000", "279039007", "30989003", "81680005", "202855006"]
MSK_TEAMS = ("MSK-N", "MSK-S", "MSK-FCP", "MSK-HAND")

# How often a contact is one of the person's specialist pieces of work, by post.
SPECIALIST_SHARE = {
    "MSK first contact practitioner": 0.40,
    "Advanced physiotherapy practitioner": 0.45,
}

MECHANISMS = [("face_to_face", 75), ("telephone", 15), ("video", 8), ("other", 2)]
ATTENDANCE = [
    ("attended", 88),
    ("did_not_attend", 6),
    ("cancelled_by_patient", 4),
    ("cancelled_by_provider", 2),
]
MSK_HQ = "MSK-HQ"
TEAM_CHANGE = 8.0  # mean MSK-HQ change for the board's clinicians (MIC about 5.5)
OUTLIER_CHANGE = 1.5

WPAS_MAPPING = {
    "source_id": "Contact Ref",
    "contact_date": "Appt Date",
    "staff_number": "Clinician No",
    "team_code": "Team",
    "duration_minutes": "Mins",
    "attendance": "Outcome",
    "activity_type": "Appt Type",
    "mechanism": "Contact Method",
    "procedure_code": "Proc Code",
    "procedure_scheme": "Code Type",
    "patient_key": "Patient Ref",
    "episode_id": "Referral Ref",
}
WPAS_ATTENDANCE = {
    "ATT": "attended",
    "DNA": "did_not_attend",
    "CNP": "cancelled_by_patient",
    "CNH": "cancelled_by_provider",
}


@dataclass
class Story:
    """Who plays which part in the demo's flags (staff ids), chosen once, read in one place."""

    expired_injector: int | None = None
    expiring_injector: int | None = None
    moved_injector: int | None = None
    successor: int | None = None  # carries on South's injection list without a sign-off
    moved_from: str = "MSK-S"
    moved_to: str = "MSK-FCP"
    group_team: str = "CPH-FALLS"
    decaying: int | None = None
    outlier: int | None = None
    supervised: list[int] = field(default_factory=list)


@dataclass
class _Person:
    staff: StaffMember
    spans: list[tuple[datetime.date, datetime.date | None, int, PostAssignment]]
    share: float
    per_day: float
    # staff's work: list of (work, first day, last day) it may be done in
    works: list[tuple[str, datetime.date, datetime.date]] = field(default_factory=list)
    group_span: tuple[datetime.date, datetime.date] | None = None
    outcome: float | None = None


def add_demo_sources() -> dict[str, ActivitySource]:
    """The Therapy Manager demo source (canonical layout) and a WPAS source with its own."""
    demo, _ = ActivitySource.objects.get_or_create(
        code="demo",
        defaults={
            "name": "Therapy Manager demo",
            "description": "The demo board's therapy record system, in the platform's layout.",
        },
    )
    wpas, _ = ActivitySource.objects.get_or_create(
        code="wpas",
        defaults={
            "name": "WPAS",
            "description": "Welsh Patient Administration System outpatient extract.",
            "column_mapping": WPAS_MAPPING,
            "attendance_values": WPAS_ATTENDANCE,
            "date_format": "dmy",
        },
    )
    return {"demo": demo, "wpas": wpas}


def add_demo_map() -> int:
    """The activity-to-competency map against the shipped frameworks; returns rows made."""
    competencies = {
        c.idnumber: c
        for c in Competency.objects.filter(
            framework__live=True,
            idnumber__in={row[5] for row in DEMO_MAP} | {OLD_RULE[4]},
        )
    }
    made = 0
    for _work, scheme, code, activity_type, label, idnumber, lapse in DEMO_MAP:
        _, created = ActivityRequirement.objects.get_or_create(
            procedure_scheme=scheme,
            procedure_code=code,
            activity_type=activity_type,
            competency=competencies[idnumber],
            valid_from=MAP_FROM,
            defaults={"label": label, "lapse_months": lapse},
        )
        made += created
    for scheme, code, label in EVERYDAY_MAP:
        _, created = ActivityRequirement.objects.get_or_create(
            procedure_scheme=scheme,
            procedure_code=code,
            activity_type="",
            competency=None,
            valid_from=MAP_FROM,
            defaults={"label": label},
        )
        made += created
    scheme, code, activity_type, label, idnumber = OLD_RULE
    _, created = ActivityRequirement.objects.get_or_create(
        procedure_scheme="snomed",
        procedure_code=code,
        activity_type=activity_type,
        competency=competencies[idnumber],
        valid_from=MAP_FROM,
        defaults={"label": label, "valid_to": OLD_RULE_UNTIL},
    )
    return made + created


class _Validity:
    """When each person holds each competency: verified, unexpired, at the level the map needs."""

    def __init__(self, staff_ids: set[int], competencies: dict[str, Competency]) -> None:
        needed: dict[int, ScaleValue] = {}
        for c in competencies.values():
            values = sorted(c.framework.scale_values.all(), key=lambda v: v.sort_order)
            needed[c.pk] = next((v for v in values if v.proficient), values[-1])
        self.spans: dict[tuple[int, int], list[tuple[datetime.date, datetime.date | None]]] = (
            defaultdict(list)
        )
        rows = Attainment.objects.filter(
            staff_id__in=staff_ids,
            competency_id__in=needed,
            status=Attainment.Status.VERIFIED,
            verified_on__isnull=False,
        ).select_related("value")
        for att in rows:
            if att.value.sort_order >= needed[att.competency_id].sort_order:
                self.spans[(att.staff_id, att.competency_id)].append(
                    (att.verified_on, att.expires_on)
                )

    def window(
        self, staff_id: int, competency_ids: list[int], first: datetime.date, last: datetime.date
    ) -> tuple[datetime.date, datetime.date] | None:
        """The longest run of days within first..last when the person holds all of them
        (approximated by the latest start and earliest end of their best sign-offs)."""
        start, end = first, last
        for cid in competency_ids:
            spans = self.spans.get((staff_id, cid))
            if not spans:
                return None
            best = max(spans, key=lambda s: s[1] or datetime.date.max)
            start = max(start, best[0])
            if best[1] is not None:
                end = min(end, best[1] - datetime.timedelta(days=1))
        return (start, end) if start <= end else None

    def holds(self, staff_id: int, competency_id: int) -> bool:
        return bool(self.spans.get((staff_id, competency_id)))


def _verify(
    writes: _Writes,
    assignment: PostAssignment,
    competency: Competency,
    days_ago: int,
    today: datetime.date,
    rng: random.Random,
) -> None:
    """A verified sign-off ``days_ago``, decided by the line manager, as the portfolio demo's."""
    values = sorted(competency.framework.scale_values.all(), key=lambda v: v.sort_order)
    level = next((v for v in values if v.proficient), values[-1])
    req = PostRequirement(competency=competency)
    _claim(writes, assignment, req, level, Attainment.Status.VERIFIED, days_ago, today, rng)


def _validity_days(competency: Competency, today: datetime.date) -> int:
    from ksf.reviews.selectors import add_months

    months = competency.framework.validity_months or 0
    return (add_months(today, months) - today).days


@transaction.atomic
def add_demo_activity(
    today: datetime.date | None = None,
    seed: int = 2026,
    fellows: dict[int, datetime.date] | None = None,
) -> dict[str, int]:
    """A year of caseload activity for the demo board, with the sign-offs its story needs.

    ``fellows`` maps the staff id of each active sonography fellow to the day they started
    (the caller knows the fellowships; this layer does not): they scan shoulders under
    supervision from that day.
    """
    today = today or dates.today()
    rng = random.Random(seed * 7 + 12)  # noqa: S311 - demo data, not secrets
    sources = add_demo_sources()
    rules = add_demo_map()
    fellows = fellows or {}
    first, last = today - datetime.timedelta(days=DAYS), today - datetime.timedelta(days=1)
    ids = {row[5] for row in DEMO_MAP}
    comp = {
        c.idnumber: c
        for c in Competency.objects.filter(framework__live=True, idnumber__in=ids)
        .select_related("framework")
        .prefetch_related("framework__scale_values")
    }
    work_needs: dict[str, list[int]] = defaultdict(list)
    for work, (scheme, code, activity_type, _minutes, _condition) in WORK.items():
        # As the flags match the map: the code, and the activity type when the rule has one.
        for _w, r_scheme, r_code, r_type, _label, idnumber, _lapse in DEMO_MAP:
            if (r_scheme, r_code) == (scheme, code) and r_type in ("", activity_type):
                work_needs[work].append(comp[idnumber].pk)

    teams = {t.code: t for t in Team.objects.all()}
    current = list(
        PostAssignment.objects.current(today)
        .exclude(team__code="LEAD")
        .select_related("staff__user", "post", "team")
        .order_by("team__code", "staff__staff_number")
    )
    story = Story(supervised=sorted(fellows))
    writes = _Writes()
    validity = _Validity({a.staff_id for a in current}, comp)

    def in_team(code: str, title: str) -> list[PostAssignment]:
        return [a for a in current if a.team.code == code and a.post.title == title]

    def ensure(a: PostAssignment, idnumber: str, days_ago: int) -> None:
        if not validity.holds(a.staff_id, comp[idnumber].pk):
            _verify(writes, a, comp[idnumber], days_ago, today, rng)

    # First Contact: three guided injectors. One's sign-off expired four months ago (they go
    # on injecting), one's expires within the expiry window, one's is in date.
    fcps = in_team("MSK-FCP", "MSK first contact practitioner")
    mentor = [a for a in fcps if _username(a) == "supervisor"]
    others = [a for a in fcps if a.staff_id not in fellows and _username(a) != "supervisor"]
    others.sort(key=lambda a: (a.start_date, a.staff.staff_number))
    sh_i = comp["US-SH-I"]
    validity_days = _validity_days(sh_i, today)
    plan = [(validity_days + 120, "expired"), (validity_days - 50, "expiring"), (420, "valid")]
    for a, (days_ago, part) in zip([*others[:2], *mentor], plan, strict=False):
        ensure(a, "MSK-9", 500)
        ensure(a, "US-SH-D", 500)
        _verify(writes, a, sh_i, days_ago, today, rng)
        if part == "expired":
            story.expired_injector = a.staff_id
        elif part == "expiring":
            story.expiring_injector = a.staff_id

    # MSK Outpatients South's only injector moves to First Contact 24 days ago.
    south = [a for a in in_team("MSK-S", "Specialist physiotherapist") if a.staff_id not in fellows]
    south = [
        a
        for a in south
        if not Attainment.objects.filter(staff_id=a.staff_id).exclude(source="").exists()
    ]
    south.sort(key=lambda a: a.start_date)
    if south:
        mover = south[0]
        for idnumber in ("MSK-9", "US-SH-D", "US-SH-I"):
            ensure(mover, idnumber, 640)
        story.moved_injector = mover.staff_id
        # Who carries on South's injection list: someone signed off for the guided part
        # but not for injection therapy (the newly qualified sonographer), else the lead.
        others = [a for a in current if a.team.code == "MSK-S" and a.staff_id != mover.staff_id]
        successor = next(
            (
                a
                for a in others
                if validity.holds(a.staff_id, sh_i.pk)
                and not validity.holds(a.staff_id, comp["MSK-9"].pk)
            ),
            next((a for a in others if a.team.lead_id == a.staff_id), None),
        )
        story.successor = successor.staff_id if successor else None

    # The advanced practitioner in MSK North scanned elbows until eight months ago.
    app = next(iter(in_team("MSK-N", "Advanced physiotherapy practitioner")), None)
    if app is not None:
        ensure(app, "US-EL-D", 600)
        story.decaying = app.staff_id

    # One specialist in MSK North whose patients improve far less than the team's.
    north = [
        a
        for a in in_team("MSK-N", "Specialist physiotherapist")
        if a.staff_id not in fellows and _username(a) not in ("clinician", "manager")
    ]
    if north:
        story.outlier = sorted(north, key=lambda a: a.staff.staff_number)[-1].staff_id

    _write(writes, {})
    if story.moved_injector is not None:
        _move(mover, teams[story.moved_to], today - datetime.timedelta(days=MOVED_DAYS_AGO))
    validity = _Validity({a.staff_id for a in current}, comp)

    # Everyone's spans of work in their teams over the year.
    people = _people(current, first, last, rng)
    for person in people.values():
        sid = person.staff.pk
        for work, needs in work_needs.items():
            if work == "group":
                continue
            held = validity.window(sid, needs, first, last)
            if sid == story.successor and work == "inj_sh":
                start = today - datetime.timedelta(days=MOVED_DAYS_AGO)
                guided = validity.window(sid, [sh_i.pk], first, last)
                person.works.append((work, max(start, guided[0]) if guided else start, last))
                person.share = 0.3
                continue
            if sid == story.expired_injector and work == "inj_sh":
                held = validity.window(sid, [comp["MSK-9"].pk], first, last)
            if held is None:
                continue
            start, end = held
            if sid == story.decaying and work == "scan_el":
                end = min(end, today - datetime.timedelta(days=240))
            person.works.append((work, start, end))
        if sid == story.moved_injector:
            person.share = 0.35  # South's injection list, then First Contact's
        if sid in fellows:
            start = max(first, fellows[sid])
            if not any(w == "scan_sh" for w, _s, _e in person.works):
                person.works.append(("scan_sh", start, last))
        team_codes = {span[3].team.code for span in person.spans}
        groups = validity.window(sid, work_needs["group"], first, last)
        if story.group_team in team_codes and groups:
            person.group_span = groups  # three strength and balance groups a week
        if team_codes & set(MSK_TEAMS) or person.staff.profession == Profession.PHYSIOTHERAPIST:
            person.outcome = TEAM_CHANGE + rng.uniform(-0.4, 0.4)
        if sid == story.outlier:
            person.outcome = OUTLIER_CHANGE

    contacts = _contacts(people, first, last, sources["demo"], rng)
    ensure_partitions(first, last)
    _insert(contacts)
    return {"contacts": len(contacts), "rules": rules, "sources": len(sources)}


def _username(a: PostAssignment) -> str:
    user = a.staff.user
    return user.username if user else ""


def _move(assignment: PostAssignment, team: Team, on: datetime.date) -> None:
    """The person leaves their team for ``team`` on ``on`` (same post, the new team's lead)."""
    PostAssignment.objects.filter(pk=assignment.pk).update(end_date=on - datetime.timedelta(days=1))
    PostAssignment.objects.create(
        staff=assignment.staff,
        post=assignment.post,
        team=team,
        wte=assignment.wte,
        start_date=on,
        line_manager=team.lead,
    )


def _people(
    current: list[PostAssignment], first: datetime.date, last: datetime.date, rng: random.Random
) -> dict[int, _Person]:
    """Each clinical person with their spans in teams over the year (moves included)."""
    staff_ids = {a.staff_id for a in current}
    spans: dict[int, list] = defaultdict(list)
    for a in (
        PostAssignment.objects.filter(staff_id__in=staff_ids)
        .exclude(team__code="LEAD")
        .select_related("staff", "post", "team")
        .order_by("staff__staff_number", "start_date")
    ):
        if a.end_date is not None and a.end_date < first:
            continue
        if a.start_date > last:
            continue
        spans[a.staff_id].append((max(a.start_date, first), a.end_date, a.team_id, a))
    people = {}
    for sid, rows in sorted(spans.items(), key=lambda kv: kv[1][0][3].staff.staff_number):
        a = rows[-1][3]
        lead = a.team.lead_id == sid
        share = SPECIALIST_SHARE.get(a.post.title, 0.12)
        per_day = 2.0 if lead else (3.6 if a.staff.band in ("3", "4") else 3.3)
        people[sid] = _Person(staff=a.staff, spans=rows, share=share, per_day=per_day)
    return people


class _Episodes:
    """A clinician's caseload: open episodes of care, each a patient seen a few times."""

    def __init__(self, owner: int, numbers: list[int], rng: random.Random) -> None:
        self.owner = owner
        self.numbers = numbers  # [next episode, next patient]
        self.rng = rng
        self.open: list[list] = []  # [episode no, patient no, contacts left, condition, before]

    def next(self, conditions: list[str]) -> tuple[list, bool, bool]:
        """The episode this contact belongs to, whether it starts it and whether it ends it."""
        if len(self.open) < 14 or self.rng.random() < 0.05:
            self.numbers[0] += 1
            self.numbers[1] += 1 if self.rng.random() < 0.9 else 0
            before = min(56.0, max(4.0, self.rng.gauss(24, 7)))
            episode = [self.numbers[0], self.numbers[1], self.rng.randint(2, 6)]
            episode += [self.rng.choice(conditions), before]
            self.open.append(episode)
            return episode, True, False
        episode = self.open[self.rng.randrange(len(self.open))]
        episode[2] -= 1
        if episode[2] <= 0:
            self.open.remove(episode)
            return episode, False, True
        return episode, False, False


COLUMNS = (
    "source_id",
    "record_id",
    "contact_date",
    "staff_id",
    "team_id",
    "duration_minutes",
    "attendance",
    "mechanism",
    "activity_type",
    "procedure_scheme",
    "procedure_code",
    "condition_code",
    "patient_hash",
    "episode_hash",
    "outcome_measure",
    "outcome_before",
    "outcome_after",
)
_BEFORE, _AFTER, _MEASURE = COLUMNS.index("outcome_before"), COLUMNS.index("outcome_after"), 14


class _Picker:
    """A weighted choice from a fixed list, quicker than ``random.choices`` per call."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        self.values = [p for p, _ in pairs]
        total, self.bounds = 0, []
        for _, weight in pairs:
            total += weight
            self.bounds.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect.bisect_right(self.bounds, rng.random() * self.total)]


def _contacts(
    people: dict[int, _Person],
    first: datetime.date,
    last: datetime.date,
    source: ActivitySource,
    rng: random.Random,
) -> list[list]:
    """The year's contacts as rows of ``COLUMNS``, person by person and day by day."""
    out: list[list] = []
    numbers = [0, 0]
    record = [first.year * 10_000_000]
    hashes: dict[str, str] = {}
    secret = pseudonyms.key()  # pseudonyms.pseudonym(value), with the key worked out once
    outcomes: dict[int, list[list]] = defaultdict(list)
    attendance, mechanism = _Picker(ATTENDANCE), _Picker(MECHANISMS)

    def hashed(value: str) -> str:
        if value not in hashes:
            hashes[value] = hmac.new(secret, value.encode(), hashlib.sha256).hexdigest()
        return hashes[value]

    days = [first + datetime.timedelta(days=i) for i in range((last - first).days + 1)]
    # A second generator thins the everyday contacts so the story's own stay the same.
    share, thin = settings.DEMO_ACTIVITY_EVERYDAY_SHARE, random.Random(len(days))  # noqa: S311
    for person in people.values():
        staff_id = person.staff.pk
        episodes = _Episodes(staff_id, numbers, rng)
        wte = float(person.spans[-1][3].wte)
        weekdays = sorted(rng.sample(range(5), max(1, round(5 * wte))))
        spans = [(start, end or last, a.team_id, a.team.code) for start, end, _t, a in person.spans]

        def add(day, team_id, scheme, code, activity_type, minutes, condition) -> list:
            record[0] += 1
            row = [
                source.pk,
                f"TM{record[0]}",
                day,
                staff_id,  # noqa: B023 - the person of this loop
                team_id,
                minutes,
                attendance(rng),
                "face_to_face" if activity_type == "group" else mechanism(rng),
                activity_type,
                scheme,
                code,
                condition,
                "",
                "",
                "",
                None,
                None,
            ]
            out.append(row)
            return row

        for day in days:
            if day.weekday() not in weekdays or rng.random() < 0.09:
                continue  # not their working day, or leave
            where = next((s for s in spans if s[0] <= day <= s[1]), None)
            if where is None:
                continue
            team_id, team_code = where[2], where[3]
            msk = team_code in MSK_TEAMS
            if team_code == "CPH-RESP":
                codes = RESP_CODES
            else:
                codes = PHYSIO_CODES if team_code[:3] in ("MSK", "CPH") else OT_CODES
            conditions = MSK_CONDITIONS if msk else [""]
            works = [w for w, start, end in person.works if start <= day <= end]
            span = person.group_span
            if span and span[0] <= day <= span[1] and day.weekday() in weekdays[:3]:
                for _ in range(rng.randint(8, 11)):
                    add(day, team_id, "local", "SB-GROUP", "group", 60, "")
            slots = int(person.per_day) + (rng.random() < person.per_day % 1)
            for _ in range(slots):
                if works and rng.random() < person.share:
                    scheme, code, activity_type, minutes, condition = WORK[rng.choice(works)]
                    add(day, team_id, scheme, code, activity_type, rng.choice(minutes), condition)
                    continue
                episode, starts, ends = episodes.next(conditions)
                if starts:
                    activity_type, minutes = "assessment", rng.choice((45, 60))
                elif ends:
                    activity_type, minutes = "review", 30
                elif rng.random() < 0.15:
                    activity_type, minutes = "advice", 15
                else:
                    activity_type, minutes = "intervention", rng.choice((30, 30, 45))
                scheme, code = rng.choice(codes)
                row = add(day, team_id, scheme, code, activity_type, minutes, episode[3])
                row[12] = hashed(f"demo-patient-{episode[1]}")
                row[13] = hashed(f"demo-episode-{episode[0]}")
                if ends and person.outcome is not None and msk:
                    row[6] = "attended"
                    row[_MEASURE] = MSK_HQ
                    row[_BEFORE] = episode[4]
                    row[_AFTER] = episode[4] + rng.gauss(0, 6)
                    outcomes[staff_id].append(row)
                elif share < 1 and thin.random() >= share:
                    out.pop()  # an everyday contact the thinned demo leaves out
    # Each clinician's mean change is exactly what the story says (no outliers by chance).
    for staff_id, rows in outcomes.items():
        target = people[staff_id].outcome
        mean = sum(r[_AFTER] - r[_BEFORE] for r in rows) / len(rows)
        for r in rows:
            after = min(56.0, max(0.0, r[_AFTER] + target - mean))
            r[_BEFORE] = Decimal(f"{r[_BEFORE]:.0f}")
            r[_AFTER] = Decimal(f"{after:.0f}")
    return out


def _insert(rows: list[list]) -> None:
    """Write the rows in bulk: COPY on PostgreSQL, batched executemany elsewhere.

    Building 150,000 model instances for ``bulk_create`` takes a minute on a shared machine;
    rows go straight to the table (no signals or per-row hooks exist for contacts).
    """
    table = Contact._meta.db_table
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(COLUMNS))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
        for i in range(0, len(rows), 20_000):
            cursor.executemany(sql, [tuple(r) for r in rows[i : i + 20_000]])
