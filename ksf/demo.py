"""A deterministic demo health board: 3 sites, 4 services, 14 teams, about 200 staff.

The same seed gives the same people every time, so screenshots, journeys and docs agree.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction

from ksf import dates
from ksf.grants import sync_structure_permissions
from ksf.models import (
    BandCost,
    CareSite,
    Establishment,
    KSFDimension,
    Organisation,
    OutlineEntry,
    Post,
    PostAssignment,
    Profession,
    Service,
    StaffMember,
    Team,
)
from ksf.models.choices import Band
from ksf.roles import ROLE_GROUPS, Role

DEMO_PASSWORD = "demo-ksf-2026"  # noqa: S105 - printed for the demo only
CLINICIAN_DAYS_IN_POST = 700  # the demo clinician started in post nearly two years ago
ORG_CODE = "NVHB"

SITES = [
    ("GWY", "Ysbyty Gwynant"),
    ("ABL", "Aberllyn Community Hospital"),
    ("RVS", "Riverside Health Centre"),
]

# Where the sites are, for "Find a competent clinician": plausible West Wales places
# (Carmarthen, Cardigan and Llanelli), not real hospitals' coordinates.
SITE_COORDINATES = {
    "GWY": (Decimal("51.85940"), Decimal("-4.31150")),
    "ABL": (Decimal("52.08330"), Decimal("-4.66150")),
    "RVS": (Decimal("51.68040"), Decimal("-4.16130")),
}

# Illustrative figures, not a finance department's: the midpoint of each Agenda for Change
# 2025/26 pay band (1 April 2025 pay scales), with about 30% employer's on-costs (National
# Insurance, the NHS pension contribution, the apprenticeship levy), over 1,956 contracted
# hours a year (37.5 a week). Band 2 has a single point.
BAND_SALARY_MIDPOINTS = {
    Band.B2: Decimal("24465"),
    Band.B3: Decimal("26211"),  # 24,937 to 27,485
    Band.B4: Decimal("28824"),  # 27,485 to 30,162
    Band.B5: Decimal("33227"),  # 29,970 to 36,483
    Band.B6: Decimal("41150"),  # 37,338 to 44,962
    Band.B7: Decimal("49479"),  # 46,148 to 52,809
    Band.B8A: Decimal("57130"),  # 53,755 to 60,504
    Band.B8B: Decimal("67254"),  # 62,215 to 72,293
    Band.B8C: Decimal("79946"),  # 74,290 to 85,601
    Band.B8D: Decimal("94923"),  # 88,168 to 101,677
    Band.B9: Decimal("113328"),  # 105,385 to 121,271
}
ON_COSTS = Decimal("1.30")
HOURS_A_YEAR = Decimal("1956")

# The funded establishment equals the WTE in post, except these vacancies:
# (team code, band of the post, funded WTE not filled).
VACANCIES = [
    ("MSK-N", "6", Decimal("1.00")),  # the review of establishment's extra band 6
    ("AOT-STROKE", "5", Decimal("0.60")),
    ("CPH-FALLS", "4", Decimal("1.00")),
]

# service code, name, profession, [(team code, team name, site code)]
SERVICES = [
    (
        "MSK",
        "MSK physiotherapy",
        Profession.PHYSIOTHERAPIST,
        [
            ("MSK-N", "MSK Outpatients North", "GWY"),
            ("MSK-S", "MSK Outpatients South", "ABL"),
            ("MSK-FCP", "MSK First Contact", "RVS"),
            ("MSK-HAND", "Hand Therapy", "GWY"),
        ],
    ),
    (
        "AOT",
        "Adult occupational therapy",
        Profession.OCCUPATIONAL_THERAPIST,
        [
            ("AOT-ACUTE", "Acute OT", "GWY"),
            ("AOT-STROKE", "Stroke Rehabilitation OT", "ABL"),
            ("AOT-COMM", "Community OT", "RVS"),
        ],
    ),
    (
        "POT",
        "Paediatric occupational therapy",
        Profession.OCCUPATIONAL_THERAPIST,
        [
            ("POT-N", "Paediatric OT North", "GWY"),
            ("POT-SCH", "Paediatric OT Schools", "RVS"),
            ("POT-SENS", "Paediatric OT Sensory", "ABL"),
        ],
    ),
    (
        "CPH",
        "Community physiotherapy",
        Profession.PHYSIOTHERAPIST,
        [
            ("CPH-EAST", "Community Rehabilitation East", "ABL"),
            ("CPH-FALLS", "Falls and Frailty", "RVS"),
            ("CPH-RESP", "Community Respiratory", "GWY"),
        ],
    ),
]

# (title suffix, band, specific dimensions with (foundation, second) levels)
PHYSIO_POSTS = [
    ("Therapy support worker", "3", {"HWB4": (1, 2), "HWB7": (1, 2)}),
    ("Assistant practitioner", "4", {"HWB4": (2, 2), "HWB7": (2, 2), "IK1": (1, 2)}),
    ("Physiotherapist", "5", {"HWB2": (2, 2), "HWB6": (2, 3), "HWB7": (2, 3), "G1": (1, 2)}),
    (
        "Specialist physiotherapist",
        "6",
        {"HWB2": (2, 3), "HWB6": (3, 3), "HWB7": (3, 3), "G1": (2, 2)},
    ),
    (
        "Clinical lead physiotherapist",
        "7",
        {"HWB6": (3, 4), "HWB7": (3, 4), "G1": (2, 3), "G6": (2, 3)},
    ),
    (
        "Advanced physiotherapy practitioner",
        "8a",
        {"HWB6": (4, 4), "HWB7": (4, 4), "G2": (2, 3), "G6": (3, 3)},
    ),
]
OT_POSTS = [
    ("Occupational therapy support worker", "3", {"HWB4": (1, 2), "HWB9": (1, 2)}),
    (
        "Occupational therapy assistant practitioner",
        "4",
        {"HWB4": (2, 2), "HWB9": (2, 2), "IK1": (1, 2)},
    ),
    ("Occupational therapist", "5", {"HWB2": (2, 2), "HWB4": (2, 3), "HWB9": (2, 2), "G1": (1, 2)}),
    (
        "Specialist occupational therapist",
        "6",
        {"HWB2": (2, 3), "HWB4": (3, 3), "HWB9": (2, 3), "G1": (2, 2)},
    ),
    (
        "Clinical lead occupational therapist",
        "7",
        {"HWB2": (3, 4), "HWB4": (3, 4), "G1": (2, 3), "G6": (2, 3)},
    ),
    (
        "Advanced occupational therapy practitioner",
        "8a",
        {"HWB2": (4, 4), "HWB4": (4, 4), "G2": (2, 3), "G6": (3, 3)},
    ),
]
MSK_EXTRA = [
    (
        "MSK first contact practitioner",
        "7",
        {"HWB2": (3, 4), "HWB6": (3, 4), "HWB7": (3, 4), "HWB8": (2, 3), "G1": (2, 3)},
    ),
]
SERVICE_LEAD_POST = ("Service lead", "8b", {"G5": (3, 4), "G6": (3, 4), "G7": (3, 3), "G4": (2, 3)})
CORE_BY_BAND = {
    "3": (1, 2),
    "4": (2, 2),
    "5": (2, 3),
    "6": (2, 3),
    "7": (3, 3),
    "8a": (3, 4),
    "8b": (3, 4),
    "8c": (4, 4),
}

FIRST = [
    "Alys",
    "Aled",
    "Bethan",
    "Carys",
    "Dafydd",
    "Eira",
    "Ffion",
    "Gareth",
    "Gwen",
    "Huw",
    "Iwan",
    "Lowri",
    "Megan",
    "Nia",
    "Osian",
    "Rhian",
    "Siân",
    "Tomos",
    "Amir",
    "Priya",
    "Chloe",
    "Daniel",
    "Emma",
    "Faisal",
    "Grace",
    "Hannah",
    "Isaac",
    "Jade",
    "Kieran",
    "Laura",
    "Mohammed",
    "Naomi",
    "Oliver",
    "Rachel",
    "Samuel",
    "Tara",
    "Usha",
    "Victoria",
    "William",
    "Zara",
]
LAST = [
    "Jones",
    "Williams",
    "Davies",
    "Evans",
    "Thomas",
    "Roberts",
    "Hughes",
    "Lewis",
    "Morgan",
    "Griffiths",
    "Owen",
    "Price",
    "Jenkins",
    "Pritchard",
    "Parry",
    "Rees",
    "Edwards",
    "Khan",
    "Patel",
    "Taylor",
    "Wright",
    "Walker",
    "Wood",
    "Clarke",
    "Hall",
    "Lloyd",
    "Ahmed",
    "Baker",
    "Bowen",
    "Ellis",
]

# (role, username, first, last) for the demo logins. Two educators, so that one can approve
# the framework the other submits (nobody approves their own).
DEMO_LOGINS = [
    (Role.CLINICIAN, "clinician", "Ffion", "Parry"),
    (Role.MANAGER, "manager", "Gareth", "Owen"),
    (Role.EDUCATOR, "educator", "Lowri", "Bowen"),
    (Role.EDUCATOR, "educator2", "Elin", "Tudur"),
    (Role.SUPERVISOR, "supervisor", "Amir", "Khan"),
    (Role.SERVICE_LEAD, "servicelead", "Rhian", "Pritchard"),
    (Role.ANALYST, "analyst", "Nerys", "Lloyd"),  # workforce analyst: loads the activity
    (Role.ADMINISTRATOR, "admin", "Alex", "Admin"),
]


@dataclass
class DemoSummary:
    sites: int
    services: int
    teams: int
    staff: int
    posts: int
    logins: dict[str, str]


class _Numbers:
    def __init__(self) -> None:
        self.next = 10_400_000

    def __call__(self) -> str:
        self.next += 7
        return str(self.next)


def _outline(post: Post, band: str, specific: dict[str, tuple[int, int]], dims: dict) -> None:
    core = CORE_BY_BAND[band]
    rows = [
        OutlineEntry(post=post, dimension=d, foundation_level=core[0], second_level=core[1])
        for code, d in dims.items()
        if d.kind == KSFDimension.Kind.CORE
    ]
    rows += [
        OutlineEntry(post=post, dimension=dims[code], foundation_level=f, second_level=s)
        for code, (f, s) in specific.items()
    ]
    OutlineEntry.objects.bulk_create(rows)


@transaction.atomic
def build_demo(seed: int = 2026, today: datetime.date | None = None) -> DemoSummary:
    """Create the demo board. Refuses to run twice (the caller checks ``demo_exists``)."""
    rng = random.Random(seed)
    today = today or dates.today()
    number = _Numbers()
    dims = {d.code: d for d in KSFDimension.objects.all()}
    org = Organisation.objects.create(name="North Vale University Health Board", code=ORG_CODE)
    sites = {
        code: CareSite.objects.create(
            organisation=org,
            name=name,
            code=code,
            latitude=SITE_COORDINATES[code][0],
            longitude=SITE_COORDINATES[code][1],
        )
        for code, name in SITES
    }

    used_names: set[tuple[str, str]] = {(f, la) for _, _, f, la in DEMO_LOGINS}

    def person(
        band: str, profession: str, first: str | None = None, last: str | None = None
    ) -> StaffMember:
        if first is None:
            while True:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                if (first, last) not in used_names:
                    break
        used_names.add((first, last))
        registered = band not in ("3", "4")
        prefix = "PH" if profession == Profession.PHYSIOTHERAPIST else "OT"
        return StaffMember(
            staff_number=number(),
            first_name=first,
            last_name=last,
            email=f"{first.lower().replace('â', 'a')}.{last.lower()}@nvhb.example.nhs.uk",
            profession=profession if registered else Profession.SUPPORT_WORKER,
            band=band,
            hcpc_number=f"{prefix}{rng.randint(10000, 199999)}" if registered else "",
            hcpc_renewal_date=(today + datetime.timedelta(days=rng.randint(20, 700)))
            if registered
            else None,
        )

    head = person("8c", Profession.PHYSIOTHERAPIST, "Catrin", "Hughes")
    head.save()
    staff_count = 1
    leadership: Team | None = None  # made with the first service; senior staff sit here
    assignments: list[PostAssignment] = []
    teams_made = 0
    posts_made = 0
    logins: dict[str, StaffMember] = {}

    for s_code, s_name, profession, teams in SERVICES:
        service = Service.objects.create(
            organisation=org, name=s_name, code=s_code, profession=profession
        )
        catalogue = list(PHYSIO_POSTS if profession == Profession.PHYSIOTHERAPIST else OT_POSTS)
        if s_code == "MSK":
            catalogue += MSK_EXTRA
        catalogue.append(SERVICE_LEAD_POST)
        posts: dict[str, Post] = {}
        for title, band, specific in catalogue:
            post = Post.objects.create(
                title=title
                if title != "Service lead"
                else f"{s_name[0].upper()}{s_name[1:]} service lead",
                band=band,
                profession=profession if band not in ("3", "4") else Profession.SUPPORT_WORKER,
                service=service,
            )
            _outline(post, band, specific, dims)
            posts[title] = post
            posts_made += 1
        by_band = {p.band: p for t, p in posts.items() if t != "MSK first contact practitioner"}

        is_msk = s_code == "MSK"
        lead_names = ("Rhian", "Pritchard") if is_msk else (None, None)
        lead = person("8b", profession, *lead_names)
        lead.save()
        staff_count += 1
        service.lead = lead
        service.save(update_fields=["lead"])
        if is_msk:
            logins["servicelead"] = lead
        if leadership is None:
            leadership = Team.objects.create(
                service=service,
                site=sites["GWY"],
                name="Therapies leadership",
                code="LEAD",
                lead=head,
            )
            teams_made += 1
        assignments.append(
            PostAssignment(
                staff=lead,
                post=posts["Service lead"],
                team=leadership,
                wte=Decimal("1.00"),
                start_date=today - datetime.timedelta(days=rng.randint(800, 3000)),
                line_manager=head,
            )
        )

        for t_code, t_name, site_code in teams:
            team = Team.objects.create(
                service=service, site=sites[site_code], name=t_name, code=t_code
            )
            teams_made += 1
            names = ("Gareth", "Owen") if t_code == "MSK-N" else (None, None)
            team_lead = person("7", profession, *names)
            team_lead.save()
            staff_count += 1
            team.lead = team_lead
            team.save(update_fields=["lead"])
            if t_code == "MSK-N":
                logins["manager"] = team_lead
            assignments.append(
                PostAssignment(
                    staff=team_lead,
                    post=by_band["7"],
                    team=team,
                    wte=Decimal("1.00"),
                    start_date=today - datetime.timedelta(days=rng.randint(400, 2500)),
                    line_manager=lead,
                )
            )
            mix = ["6", "6", "6", "5", "5", "5", "5", "5", "5", "4", "4", "3", "3", "3"]
            if t_code == "MSK-FCP":
                mix = ["7f", "7f", "7f", "7f", "6", "6", "6", "5", "5", "5", "4", "3"]
            if t_code == "MSK-N":
                mix = [*mix, "8a"]
            for band in mix:
                fixed = (None, None)
                if t_code == "MSK-N" and band == "5" and Role.CLINICIAN not in logins:
                    fixed = ("Ffion", "Parry")
                if t_code == "MSK-FCP" and band == "7f" and Role.SUPERVISOR not in logins:
                    fixed = ("Amir", "Khan")
                member = person("7" if band == "7f" else band, profession, *fixed)
                member.save()
                staff_count += 1
                if fixed == ("Ffion", "Parry"):
                    member.hcpc_renewal_date = today + datetime.timedelta(days=45)
                    member.save(update_fields=["hcpc_renewal_date"])
                    logins["clinician"] = member
                if fixed == ("Amir", "Khan"):
                    logins["supervisor"] = member
                post = posts["MSK first contact practitioner"] if band == "7f" else by_band[band]
                wte = rng.choice(
                    [Decimal("1.00")] * 4 + [Decimal("0.80"), Decimal("0.60"), Decimal("0.50")]
                )
                start = today - datetime.timedelta(days=rng.randint(30, 3000))
                if fixed == ("Ffion", "Parry"):
                    # In her second year: last year's review was her first (competencies.demo).
                    start = today - datetime.timedelta(days=CLINICIAN_DAYS_IN_POST)
                if rng.random() < 0.15:
                    # An earlier post in another band, to show history.
                    earlier_band = {"6": "5", "5": "4", "4": "3"}.get(band)
                    if earlier_band:
                        assignments.append(
                            PostAssignment(
                                staff=member,
                                post=by_band[earlier_band],
                                team=team,
                                wte=wte,
                                start_date=start - datetime.timedelta(days=rng.randint(300, 900)),
                                end_date=start - datetime.timedelta(days=1),
                                line_manager=team_lead,
                            )
                        )
                assignments.append(
                    PostAssignment(
                        staff=member,
                        post=post,
                        team=team,
                        wte=wte,
                        start_date=start,
                        line_manager=team_lead,
                    )
                )

    # A practice-education lead who authors frameworks.
    msk = Service.objects.get(code="MSK")
    educator = person("7", Profession.PHYSIOTHERAPIST, "Lowri", "Bowen")
    educator.save()
    staff_count += 1
    edu_post = Post.objects.create(
        title="Practice education lead",
        band="7",
        profession=Profession.PHYSIOTHERAPIST,
        service=msk,
        summary="Leads practice education, preceptorship and fellowship programmes.",
    )
    _outline(edu_post, "7", {"G1": (3, 4), "G2": (2, 3), "IK3": (2, 3)}, dims)
    posts_made += 1
    logins["educator"] = educator
    assignments.append(
        PostAssignment(
            staff=educator,
            post=edu_post,
            team=leadership,
            wte=Decimal("0.60"),
            start_date=today - datetime.timedelta(days=900),
            line_manager=msk.lead,
        )
    )
    # A second educator in the same post, who reviews what the first submits.
    reviewer = person("7", Profession.PHYSIOTHERAPIST, "Elin", "Tudur")
    reviewer.save()
    staff_count += 1
    logins["educator2"] = reviewer
    assignments.append(
        PostAssignment(
            staff=reviewer,
            post=edu_post,
            team=leadership,
            wte=Decimal("0.40"),
            start_date=today - datetime.timedelta(days=400),
            line_manager=msk.lead,
        )
    )
    head_post = Post.objects.create(
        title="Head of therapies",
        band="8c",
        profession=Profession.PHYSIOTHERAPIST,
        service=msk,
    )
    _outline(head_post, "8c", {"G5": (4, 4), "G6": (4, 4), "G7": (3, 4)}, dims)
    posts_made += 1
    assignments.append(
        PostAssignment(
            staff=head,
            post=head_post,
            team=leadership,
            wte=Decimal("1.00"),
            start_date=today - datetime.timedelta(days=4000),
        )
    )
    PostAssignment.objects.bulk_create(assignments)
    _reference_data(assignments, today)

    login_names = _create_logins(logins)
    sync_structure_permissions()
    return DemoSummary(
        sites=len(sites),
        services=len(SERVICES),
        teams=teams_made,
        staff=staff_count,
        posts=posts_made,
        logins=login_names,
    )


def _reference_data(assignments: list[PostAssignment], today: datetime.date) -> None:
    """Band hourly costs, and each team's funded establishment (no random numbers drawn, so
    the rest of the demo is as it was)."""
    BandCost.objects.bulk_create(
        BandCost(
            band=band, hourly_cost=(salary * ON_COSTS / HOURS_A_YEAR).quantize(Decimal("0.01"))
        )
        for band, salary in BAND_SALARY_MIDPOINTS.items()
    )
    funded: dict[tuple[int, int], Decimal] = {}
    posts: dict[tuple[str, str], Post] = {}
    for a in assignments:
        if a.start_date <= today and (a.end_date is None or a.end_date >= today):
            key = (a.team.pk, a.post.pk)
            funded[key] = funded.get(key, Decimal(0)) + a.wte
            posts.setdefault((a.team.code, a.post.band), a.post)
    teams = {a.team.code: a.team for a in assignments}
    for code, band, wte in VACANCIES:
        key = (teams[code].pk, posts[(code, band)].pk)
        funded[key] = funded.get(key, Decimal(0)) + wte
    Establishment.objects.bulk_create(
        Establishment(team_id=team_id, post_id=post_id, funded_wte=wte)
        for (team_id, post_id), wte in sorted(funded.items())
    )


def _create_logins(people: dict[str, StaffMember]) -> dict[str, str]:
    groups = {role: Group.objects.get(name=name) for role, name in ROLE_GROUPS.items()}
    made: dict[str, str] = {}
    for role, username, first, last in DEMO_LOGINS:
        staff = people.get(username)
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            first_name=staff.first_name if staff else first,
            last_name=staff.last_name if staff else last,
            email=staff.email if staff else f"{username}@nvhb.example.nhs.uk",
        )
        if staff:
            user.groups.add(groups[Role.CLINICIAN])
        if role in (
            Role.EDUCATOR,
            Role.SUPERVISOR,
            Role.SERVICE_LEAD,
            Role.ANALYST,
            Role.ADMINISTRATOR,
            Role.MANAGER,
        ):
            user.groups.add(groups[role])
        if role == Role.ADMINISTRATOR:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if staff:
            staff.user = user
            staff.save(update_fields=["user"])
        made[username] = str(role.label)
    return made


def demo_exists() -> bool:
    return Organisation.objects.filter(code=ORG_CODE).exists()
