"""The activity benchmark: synthetic board at scale, three figures against plain baselines.

``python manage.py bench_activity`` builds, in a throwaway database (PostgreSQL when
``DATABASE_URL`` says so, else SQLite in a temporary file), a board of M staff in teams of
about 15, F frameworks with 600 competencies between them, an activity-to-competency map
(one local code per competency), verified attainments for most of each team's work (some
expired, some missing) and a year of contacts, loaded in bulk (COPY on PostgreSQL). It then
measures:

(a) the importer (``competencies.activity.importer.import_file``, validated and upserted)
    against a plain ``COPY`` of the same 1,000,000-row extract into a table keyed on
    ``source_id`` (on SQLite: ``executemany`` of the parsed rows into such a table);
(b) a full, persisted recompute of flags 1 (practice without a valid sign-off) and 2
    (capacity gap) against a plain pandas script computing the same two flags from the same
    activity (the extract files) with the map, attainments and assignments read from the
    database;
(c) importing one more day (~8,000 rows) with re-flagging (``flag=True``).

The last three lines of the output are the figures, in the form the README quotes.
Synthetic data is deterministic for a seed; nothing here touches the demo board.
"""

from __future__ import annotations

import csv
import datetime
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction

EXTRACT_HEADER = [
    "source_id",
    "contact_date",
    "staff_number",
    "team_code",
    "duration_minutes",
    "attendance",
    "mechanism",
    "activity_type",
    "procedure_code",
    "procedure_scheme",
    "condition_code",
    "patient_key",
    "episode_id",
    "outcome_measure",
    "outcome_before",
    "outcome_after",
]
CONTACT_COLUMNS = (
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
TEAM_SIZE = 15
FAR = datetime.date(2200, 1, 1)  # "no end" for pandas' date columns
CODES_PER_TEAM = 12
SPECIALISTS = 2  # people per team signed off for its specialist work
SPECIALIST_SHARE = 0.4  # of a team's contacts: enough to outrun two people in some teams
ATTENDANCE = ["attended"] * 88 + ["did_not_attend"] * 6 + ["cancelled_by_patient"] * 6
MECHANISM = ["face_to_face"] * 8 + ["telephone", "video"]
TYPES = ["assessment", "intervention", "intervention", "intervention", "review", "advice"]
CHUNK = 50_000


@dataclass
class Scale:
    staff: int = 5_000
    competencies: int = 600
    contacts: int = 3_000_000
    extract: int = 1_000_000
    day: int = 8_000
    months: int = 12
    seed: int = 12
    history_only: bool = False  # --history: measure one more day only

    @property
    def teams(self) -> int:
        return max(1, self.staff // TEAM_SIZE)


@dataclass
class Board:
    """What the synthetic board is made of, in the shapes the generators need."""

    today: datetime.date
    first: datetime.date
    source_id: int
    staff: list[tuple[int, str, int, str]] = field(default_factory=list)  # id, no, team, code
    team_codes: dict[int, list[str]] = field(default_factory=dict)  # team id -> its codes
    # team id -> the two people signed off for its specialist work (its first code)
    specialists: dict[int, list[tuple[int, str, int, str]]] = field(default_factory=dict)


def _say(out: Callable[[str], None], label: str, seconds: float, extra: str = "") -> None:
    out(f"  {label:<58} {seconds:9.2f} s{('  ' + extra) if extra else ''}")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _status_mb(key: str) -> float | None:
    """VmRSS or VmHWM from /proc/self/status (Linux), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Start the process's peak RSS again from now (Linux 4.0+), so the import's own peak
    shows; ru_maxrss alone only grows when the import beats every earlier phase."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# --- the synthetic board -----------------------------------------------------------------------


def build_board(scale: Scale, today: datetime.date, out: Callable[[str], None]) -> Board:
    """Organisation, teams, posts, staff, frameworks, map and attainments, in bulk."""
    from competencies.interchange.tree import (
        CompetencyData,
        FrameworkData,
        ScaleValueData,
        save_framework,
    )
    from competencies.models import (
        ActivityRequirement,
        ActivitySource,
        Attainment,
        Competency,
        ScaleValue,
    )
    from ksf.models import (
        CareSite,
        Organisation,
        Post,
        PostAssignment,
        Profession,
        Service,
        StaffMember,
        Team,
    )

    rng = random.Random(scale.seed)  # noqa: S311 - synthetic data
    first = today - datetime.timedelta(days=round(30.44 * scale.months))
    anchor = today - datetime.timedelta(days=365)  # sign-offs are dated from a year ago
    org = Organisation.objects.create(name="Bench board", code=f"BENCH{os.getpid() % 10000}")
    site = CareSite.objects.create(organisation=org, name="Bench site", code="BSITE")
    services = [
        Service.objects.create(
            organisation=org,
            name=f"Bench service {i}",
            code=f"BS{i}",
            profession=Profession.PHYSIOTHERAPIST,
        )
        for i in range(max(1, scale.teams // 25))
    ]
    teams = Team.objects.bulk_create(
        [
            Team(service=services[i % len(services)], site=site, name=f"Team {i}", code=f"T{i:05d}")
            for i in range(scale.teams)
        ],
        batch_size=2000,
    )
    posts = {
        s.pk: Post.objects.create(title="Bench physiotherapist", band="6", service=s)
        for s in services
    }
    people = StaffMember.objects.bulk_create(
        [
            StaffMember(
                staff_number=f"B{i:07d}",
                first_name="Bench",
                last_name=f"Person {i}",
                profession=Profession.PHYSIOTHERAPIST,
                band="6",
            )
            for i in range(scale.staff)
        ],
        batch_size=2000,
    )
    assignments = []
    staff_rows = []
    for i, person in enumerate(people):
        team = teams[i % len(teams)]
        wte = rng.choice([Decimal("1.00")] * 3 + [Decimal("0.80"), Decimal("0.60")])
        start = first - datetime.timedelta(days=rng.randint(30, 2000))
        assignments.append(
            PostAssignment(
                staff=person,
                post=posts[team.service_id],
                team=team,
                wte=wte,
                start_date=start,
            )
        )
        staff_rows.append((person.pk, person.staff_number, team.pk, team.code))
    PostAssignment.objects.bulk_create(assignments, batch_size=2000)

    # Frameworks: 600 competencies in groups of 20 under domains, in frameworks of 150.
    started = time.perf_counter()
    per_framework = 150
    frameworks = []
    for f in range((scale.competencies + per_framework - 1) // per_framework):
        count = min(per_framework, scale.competencies - f * per_framework)
        comps = []
        for d in range((count + 19) // 20):
            comps.append(CompetencyData(idnumber=f"F{f}-D{d}", short_name=f"Domain {d}"))
            for c in range(d * 20, min(count, d * 20 + 20)):
                comps.append(
                    CompetencyData(
                        idnumber=f"F{f}-C{c}",
                        parent_idnumber=f"F{f}-D{d}",
                        short_name=f"Competency {f}.{c}",
                    )
                )
        data = FrameworkData(
            idnumber=f"BENCH-{f}",
            title=f"Bench framework {f}",
            version="1.0",
            validity_months=36,
            scale=[ScaleValueData("Not yet", False, True), ScaleValueData("Competent", True)],
            competencies=comps,
        )
        framework = save_framework(data, filename=f"bench-{f}.json", user=None)
        framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
        frameworks.append(framework.pk)
    leaves = list(
        Competency.objects.filter(framework_id__in=frameworks, depth=2)
        .order_by("framework_id", "sort_order", "pk")
        .values_list("pk", "framework_id")
    )
    if not leaves:  # a framework model without depth: every competency with a parent
        leaves = list(
            Competency.objects.filter(framework_id__in=frameworks)
            .exclude(idnumber__contains="-D")
            .values_list("pk", "framework_id")
        )
    competent = {
        fw: pk
        for fw, pk in ScaleValue.objects.filter(
            framework_id__in=frameworks, proficient=True
        ).values_list("framework_id", "pk")
    }
    _say(
        out,
        f"frameworks: {len(frameworks)} with {len(leaves)} competencies",
        time.perf_counter() - started,
    )

    # The map: one local code per competency.
    rules = [
        ActivityRequirement(
            procedure_scheme="local",
            procedure_code=f"P{i:04d}",
            label=f"Bench procedure {i}",
            competency_id=pk,
            valid_from=datetime.date(2020, 1, 1),
        )
        for i, (pk, _fw) in enumerate(leaves)
    ]
    ActivityRequirement.objects.bulk_create(rules, batch_size=2000)
    codes = [r.procedure_code for r in rules]
    code_competency = {
        r.procedure_code: (r.competency_id, fw) for r, (_pk, fw) in zip(rules, leaves, strict=True)
    }

    # Each team's work: a dozen codes. Most people hold most of them (verified, in date); some
    # hold none, some a sign-off that has expired: flags 1 and 2 have something to find.
    team_codes = {t.pk: rng.sample(codes, min(CODES_PER_TEAM, len(codes))) for t in teams}
    started = time.perf_counter()
    verified_at = timezone_now()
    atts = []
    specialists: dict[int, list] = {}
    for i, (staff_id, _number, team_id, _code) in enumerate(staff_rows):
        assessor = staff_rows[(i + 1) % len(staff_rows)][0]  # a colleague signs it off
        specialist = i < SPECIALISTS * len(teams)  # the first two people of each team
        if specialist:
            specialists.setdefault(team_id, []).append(staff_rows[i])
        for code in team_codes[team_id]:
            roll = rng.random()
            if roll < 0.08 or (code == team_codes[team_id][0] and not specialist):
                continue  # never signed off (the team's specialist work: only two are)
            competency_id, fw = code_competency[code]
            if roll < 0.11:
                verified = anchor - datetime.timedelta(days=rng.randint(1100, 1300))
            else:
                verified = anchor - datetime.timedelta(days=rng.randint(30, 900))
            atts.append(
                Attainment(
                    staff_id=staff_id,
                    competency_id=competency_id,
                    value_id=competent[fw],
                    status=Attainment.Status.VERIFIED,
                    assessor_id=assessor,
                    verified_on=verified,
                    expires_on=verified + datetime.timedelta(days=1095),
                    decided_at=verified_at,
                )
            )
    Attainment.objects.bulk_create(atts, batch_size=5000)
    _say(out, f"attainments: {len(atts):,}", time.perf_counter() - started)
    source = ActivitySource.objects.create(name="Bench extract", code=f"bench{os.getpid()}")
    return Board(
        specialists=specialists,
        today=today,
        first=first,
        source_id=source.pk,
        staff=staff_rows,
        team_codes=team_codes,
    )


def timezone_now():
    from django.utils import timezone

    return timezone.now()


# --- contacts ----------------------------------------------------------------------------------


def contacts(
    board: Board,
    count: int,
    prefix: str,
    rng: random.Random,
    first: datetime.date,
    last: datetime.date,
) -> Iterator[list]:
    """``count`` synthetic contacts between two dates: [record id, date, staff id, staff number,
    team id, team code, minutes, attendance, mechanism, type, code, patient, episode, measure,
    before, after]."""
    span = (last - first).days + 1
    staff = board.staff
    for i in range(count):
        person = staff[rng.randrange(len(staff))]
        codes = board.team_codes[person[2]]
        if rng.random() < SPECIALIST_SHARE:
            code = codes[0]  # the team's specialist work, mostly by its two specialists
            if rng.random() < 0.95 and person[2] in board.specialists:
                person = rng.choice(board.specialists[person[2]])
        else:
            code = rng.choice(codes[1:] or codes)
        staff_id, number, team_id, team_code = person
        episode = rng.randrange(count // 4 + 1)
        outcome = i % 5 == 0
        before = rng.randint(10, 40) if outcome else None
        yield [
            f"{prefix}{i:09d}",
            first + datetime.timedelta(days=rng.randrange(span)),
            staff_id,
            number,
            team_id,
            team_code,
            rng.choice((20, 30, 30, 45, 60)),
            rng.choice(ATTENDANCE),
            rng.choice(MECHANISM),
            rng.choice(TYPES),
            code,
            f"PK-{prefix}{episode % 90_000:06d}",
            f"EP-{prefix}{episode:08d}",
            "MSK-HQ" if outcome else "",
            before,
            before + rng.randint(-4, 16) if outcome else None,
        ]


def _extract_row(r: list) -> list:
    """A generated contact as a row of the canonical extract."""
    before, after = ("", "") if r[14] is None else (r[14], r[15])
    return [
        r[0],  # source_id
        r[1].isoformat(),  # contact_date
        r[3],  # staff_number
        r[5],  # team_code
        r[6],  # duration_minutes
        r[7],  # attendance
        r[8],  # mechanism
        r[9],  # activity_type
        r[10],  # procedure_code
        "local",  # procedure_scheme
        "",  # condition_code
        r[11],  # patient_key
        r[12],  # episode_id
        r[13],  # outcome_measure
        before,
        after,
    ]


def write_extract(rows: Iterator[list], path: Path) -> int:
    """The canonical extract CSV of these rows; returns the rows written."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXTRACT_HEADER)
        for r in rows:
            writer.writerow(_extract_row(r))
            n += 1
    return n


def load_history(board: Board, rows: Iterator[list], csv_path: Path | None) -> int:
    """Contacts straight into the table (COPY on PostgreSQL), and the same rows to a CSV."""
    from competencies.activity import pseudonyms
    from competencies.models import Contact

    table = Contact._meta.db_table
    columns = ", ".join(CONTACT_COLUMNS)
    handle = csv_path.open("w", newline="", encoding="utf-8") if csv_path else None
    writer = csv.writer(handle) if handle else None
    if writer:
        writer.writerow(EXTRACT_HEADER)
    n = 0

    def converted() -> Iterator[tuple]:
        nonlocal n
        hashes: dict[str, str] = {}
        for r in rows:
            n += 1
            if writer:
                writer.writerow(_extract_row(r))
            patient = hashes.get(r[11])
            if patient is None:
                patient = hashes[r[11]] = pseudonyms.pseudonym(r[11])
            yield (
                board.source_id,
                r[0],
                r[1],
                r[2],
                r[4],
                r[6],
                r[7],
                r[8],
                r[9],
                "local",
                r[10],
                "",
                patient,
                pseudonyms.pseudonym(r[12]) if r[13] else "",
                r[13],
                r[14],
                r[15],
            )

    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in converted():
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(CONTACT_COLUMNS))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                batch: list[tuple] = []
                for row in converted():
                    batch.append(row)
                    if len(batch) >= CHUNK:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
    finally:
        if handle:
            handle.close()
    return n


def history_in_sql(board: Board, count: int, last: datetime.date) -> int:
    """``count`` contacts generated inside PostgreSQL (``generate_series``), for --history:
    tens of millions of rows in minutes rather than the hour Python takes to make them. Rows
    spread evenly over people, their team's codes (40% the team's specialist work, done by its
    two specialists) and the days from the board's first to ``last``."""
    from competencies.models import Contact

    span = (last - board.first).days + 1
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_people (i int, staff_id int, team_id int)")
        cursor.executemany(
            "INSERT INTO bench_people VALUES (%s, %s, %s)",
            [(i, s[0], s[2]) for i, s in enumerate(board.staff)],
        )
        cursor.execute("CREATE TEMP TABLE bench_codes (team_id int, k int, code text)")
        cursor.executemany(
            "INSERT INTO bench_codes VALUES (%s, %s, %s)",
            [(t, k, c) for t, codes in board.team_codes.items() for k, c in enumerate(codes)],
        )
        cursor.execute("CREATE TEMP TABLE bench_special (team_id int, j int, staff_id int)")
        cursor.executemany(
            "INSERT INTO bench_special VALUES (%s, %s, %s)",
            [(t, j, p[0]) for t, people in board.specialists.items() for j, p in enumerate(people)],
        )
        cursor.execute("ANALYZE bench_people; ANALYZE bench_codes; ANALYZE bench_special")
        columns = ", ".join(CONTACT_COLUMNS)
        cursor.execute(
            f"""
            INSERT INTO {Contact._meta.db_table} ({columns})
            SELECT %s, 'G' || g, %s::date + ((g * 7) %% %s)::int,
                   CASE WHEN sp.staff_id IS NOT NULL THEN sp.staff_id ELSE p.staff_id END,
                   p.team_id, (ARRAY[20, 30, 30, 45, 60])[1 + g %% 5],
                   CASE WHEN g %% 100 < 88 THEN 'attended'
                        WHEN g %% 100 < 94 THEN 'did_not_attend'
                        ELSE 'cancelled_by_patient' END,
                   'face_to_face', 'intervention', 'local', c.code, '',
                   md5('P' || (g %% 90000)) || md5('p' || (g %% 90000)), '', '', NULL, NULL
            FROM generate_series(1::bigint, %s::bigint) AS g
            JOIN bench_people p ON p.i = (g * 7919) %% %s
            JOIN bench_codes c ON c.team_id = p.team_id
                 AND c.k = CASE WHEN g %% 10 < 4 THEN 0
                                ELSE 1 + (g / 10) %% {CODES_PER_TEAM - 1} END
            LEFT JOIN bench_special sp ON g %% 10 < 4 AND sp.team_id = p.team_id
                 AND sp.j = (g / 10) %% {SPECIALISTS}
            """,
            [board.source_id, board.first, span, count, len(board.staff)],
        )
        loaded = cursor.rowcount
        cursor.execute("DROP TABLE bench_people, bench_codes, bench_special")
    return loaded


# --- (a) plain COPY of the extract into a keyed table ------------------------------------------

KEYED_TABLE = "bench_keyed_extract"
KEYED_DDL = f"""
CREATE TABLE {KEYED_TABLE} (
    source_id varchar(64) PRIMARY KEY, contact_date date, staff_number varchar(20),
    team_code varchar(40), duration_minutes integer, attendance varchar(24),
    mechanism varchar(16), activity_type varchar(16), procedure_code varchar(40),
    procedure_scheme varchar(8), condition_code varchar(40), patient_key varchar(64),
    episode_id varchar(64), outcome_measure varchar(40), outcome_before numeric(7, 2),
    outcome_after numeric(7, 2)
)
"""


def plain_copy(path: Path) -> float:
    """Seconds to load the file into a table keyed on source_id, the plainest way there is."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {KEYED_TABLE}")
        cursor.execute(KEYED_DDL)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {KEYED_TABLE} FROM STDIN WITH (FORMAT csv, HEADER true)"
            with path.open("rb") as handle, cursor.cursor.copy(sql) as copy:
                while data := handle.read(1 << 20):
                    copy.write(data)
        else:
            marks = ", ".join(["%s"] * len(EXTRACT_HEADER))
            sql = f"INSERT INTO {KEYED_TABLE} VALUES ({marks})"
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                batch = []
                for row in reader:
                    batch.append([v if v != "" else None for v in row])
                    if len(batch) >= CHUNK:
                        cursor.executemany(sql, batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {KEYED_TABLE}")
    return elapsed


# --- (b) the same two flags in plain pandas -----------------------------------------------------


def pandas_flags(paths: list[Path], today: datetime.date) -> tuple[float, dict[str, int]]:
    """Flags 1 and 2 from the extract files with pandas, as the spec states them.

    1: an attended contact whose code the map ties to a competency (rule in date), by someone
       with no verified attainment at the level valid on the contact's date.
    2: per team and competency over the window, demand (attended minutes) against competent
       capacity (WTE-days of people in the team and competent, times contracted minutes a day
       times the clinical fraction), flagged below the threshold.
    """
    import pandas as pd

    from competencies.models import (
        ActivityRequirement,
        Attainment,
        FlagSettings,
        ScaleValue,
    )
    from ksf.models import PostAssignment, StaffMember, Team

    started = time.perf_counter()
    frames = [
        pd.read_csv(
            p,
            usecols=[
                "contact_date",
                "staff_number",
                "team_code",
                "duration_minutes",
                "attendance",
                "activity_type",
                "procedure_code",
                "procedure_scheme",
            ],
            dtype={"staff_number": "string", "team_code": "string", "procedure_code": "string"},
            parse_dates=["contact_date"],
        )
        for p in paths
    ]
    c = pd.concat(frames, ignore_index=True)
    c = c[c["attendance"] == "attended"]
    staff = pd.DataFrame(
        StaffMember.objects.values_list("staff_number", "pk"), columns=["staff_number", "staff_id"]
    )
    teams = pd.DataFrame(Team.objects.values_list("code", "pk"), columns=["team_code", "team_id"])
    c = c.merge(staff, on="staff_number").merge(teams, on="team_code")
    proficient = (
        pd.DataFrame(
            ScaleValue.objects.filter(proficient=True).values_list("framework_id", "sort_order"),
            columns=["framework_id", "level"],
        )
        .groupby("framework_id", as_index=False)["level"]
        .min()
    )
    rules = pd.DataFrame(
        ActivityRequirement.objects.values_list(
            "procedure_scheme",
            "procedure_code",
            "activity_type",
            "competency_id",
            "competency__framework_id",
            "valid_from",
            "valid_to",
        ),
        columns=[
            "procedure_scheme",
            "procedure_code",
            "rule_type",
            "competency_id",
            "framework_id",
            "valid_from",
            "valid_to",
        ],
    ).merge(proficient, on="framework_id")
    rules["valid_from"] = pd.to_datetime(rules["valid_from"])
    rules["valid_to"] = pd.to_datetime(rules["valid_to"].fillna(FAR))
    need = c.merge(rules, on=["procedure_scheme", "procedure_code"])
    need = need[
        ((need["rule_type"] == "") | (need["rule_type"] == need["activity_type"]))
        & (need["contact_date"] >= need["valid_from"])
        & (need["contact_date"] <= need["valid_to"])
    ]
    need = need.reset_index(drop=True)
    need["row"] = need.index
    atts = pd.DataFrame(
        Attainment.objects.filter(
            status=Attainment.Status.VERIFIED, verified_on__isnull=False
        ).values_list(
            "staff_id", "competency_id", "value__sort_order", "verified_on", "expires_on"
        ),
        columns=["staff_id", "competency_id", "held", "verified_on", "expires_on"],
    )
    atts["verified_on"] = pd.to_datetime(atts["verified_on"])
    atts["expires_on"] = pd.to_datetime(atts["expires_on"].fillna(FAR))
    joined = need[["row", "staff_id", "competency_id", "contact_date", "level"]].merge(
        atts, on=["staff_id", "competency_id"]
    )
    ok = joined[
        (joined["held"] >= joined["level"])
        & (joined["verified_on"] <= joined["contact_date"])
        & (joined["contact_date"] < joined["expires_on"])
    ]["row"].unique()
    unverified = need[~need["row"].isin(ok)]
    flag1 = unverified.groupby(["team_id", "staff_id", "competency_id"]).agg(
        contacts=("row", "size"), first=("contact_date", "min"), last=("contact_date", "max")
    )

    s = FlagSettings.load()
    window_first = pd.Timestamp(
        today - datetime.timedelta(weeks=s.window_weeks) + datetime.timedelta(days=1)
    )
    tday = pd.Timestamp(today)
    window = need[need["contact_date"] >= window_first]
    demand = window.groupby(["team_id", "competency_id"], as_index=False)["duration_minutes"].sum()
    posts = pd.DataFrame(
        PostAssignment.objects.values_list("staff_id", "team_id", "wte", "start_date", "end_date"),
        columns=["staff_id", "team_id", "wte", "start_date", "end_date"],
    )
    posts["wte"] = posts["wte"].astype(float)
    posts["start_date"] = pd.to_datetime(posts["start_date"])
    posts["end_date"] = pd.to_datetime(posts["end_date"].fillna(FAR))
    posts = posts[(posts["start_date"] <= tday) & (posts["end_date"] >= window_first)]
    cap = (
        demand[["team_id", "competency_id"]]
        .merge(posts, on="team_id")
        .merge(atts, on=["staff_id", "competency_id"])
    )
    cap = cap.merge(
        rules[["competency_id", "level"]].drop_duplicates("competency_id"), on="competency_id"
    )
    cap = cap[cap["held"] >= cap["level"]]
    # Days in the team, competent (the day before expiry is the last) and in the window.
    start = cap[["start_date", "verified_on"]].max(axis=1).clip(lower=window_first)
    valid_end = cap["expires_on"] - pd.Timedelta(days=1)
    end = pd.concat([cap["end_date"], valid_end], axis=1).min(axis=1).clip(upper=tday)
    cap["days"] = ((end - start).dt.days + 1).clip(lower=0)
    cap["wte_days"] = cap["wte"] * cap["days"]
    per_day = float(s.full_time_hours) * 60 * float(s.clinical_fraction) / 7
    capacity = cap.groupby(["team_id", "competency_id"], as_index=False)["wte_days"].sum()
    both = demand.merge(capacity, on=["team_id", "competency_id"], how="left").fillna(
        {"wte_days": 0}
    )
    both["ratio"] = both["wte_days"] * per_day / both["duration_minutes"]
    flag2 = both[both["ratio"] < float(s.capacity_threshold)]
    elapsed = time.perf_counter() - started
    return elapsed, {"unverified": len(flag1), "capacity": len(flag2)}


def recompute_flags_1_and_2(today: datetime.date) -> tuple[float, dict[str, int]]:
    """The platform's full recompute of flags 1 and 2 (roll-up rebuilt, flags persisted)."""
    from competencies.activity.flags import practice
    from competencies.activity.flags.compute import compute
    from competencies.activity.flags.recompute import _lock, persist
    from competencies.models import Flag

    kinds = [Flag.Kind.UNVERIFIED_PRACTICE, Flag.Kind.CAPACITY_GAP]
    started = time.perf_counter()
    with transaction.atomic():
        _lock()
        practice.rebuild()
        found = compute(None, today, kinds)
        counts = persist(found, kinds, None)
    return time.perf_counter() - started, counts


# --- the run -----------------------------------------------------------------------------------


def run(scale: Scale, out: Callable[[str], None] = print) -> dict[str, float | None]:
    """Build the board, measure (a), (b) and (c), print them and the three closing lines."""
    from competencies.activity.importer import import_file
    from competencies.activity.partitions import ensure_partitions
    from competencies.models import ActivitySource, Contact
    from ksf import dates

    today = dates.today()
    rng = random.Random(scale.seed)  # noqa: S311 - synthetic data
    out(
        f"Activity benchmark on {connection.vendor}: {scale.staff:,} staff, "
        f"{scale.competencies} competencies, {scale.contacts:,} contacts over {scale.months} months"
    )
    started = time.perf_counter()
    board = build_board(scale, today, out)
    _say(
        out, "board built (org, staff, frameworks, map, attainments)", time.perf_counter() - started
    )
    last = today - datetime.timedelta(days=1)
    ensure_partitions(board.first, today)
    tmp = Path(tempfile.mkdtemp(prefix="ksf-bench-"))
    history_csv = tmp / "history.csv"
    extract_csv = tmp / "extract.csv"
    extract_rows = 0 if scale.history_only else min(scale.extract, scale.contacts)
    history_rows = scale.contacts - extract_rows

    started = time.perf_counter()
    if scale.history_only and connection.vendor == "postgresql":
        loaded = history_in_sql(board, history_rows, last)
    else:
        loaded = load_history(
            board,
            contacts(board, history_rows, "H", rng, board.first, last),
            None if scale.history_only else history_csv,
        )
    _say(
        out,
        f"history loaded: {loaded:,} contacts (bulk, straight to the table)",
        time.perf_counter() - started,
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {Contact._meta.db_table}")
        else:
            cursor.execute("ANALYZE")
    source = ActivitySource.objects.get(pk=board.source_id)

    import_ratio = flags_ratio = None
    if not scale.history_only:
        started = time.perf_counter()
        write_extract(contacts(board, extract_rows, "X", rng, board.first, last), extract_csv)
        size = extract_csv.stat().st_size / 1e6
        _say(
            out,
            f"extract written: {extract_rows:,} rows, {size:.0f} MB",
            time.perf_counter() - started,
        )

        out("(a) import against a plain COPY")
        copy_seconds = plain_copy(extract_csv)
        _say(out, "plain COPY into a table keyed on source_id", copy_seconds)
        before = _peak_mb()
        rss = _status_mb("VmRSS")
        reset = _reset_peak()
        started = time.perf_counter()
        run_ = import_file(extract_csv, source, flag=False)
        import_seconds = time.perf_counter() - started
        grew = max(0.0, _peak_mb() - before)
        peak = _status_mb("VmHWM") if reset else None
        memory = f"peak memory +{grew:.0f} MB (ru_maxrss delta)"
        if peak is not None and rss is not None:
            memory += f", peak RSS during the import {peak:.0f} MB (from {rss:.0f} MB)"
        _say(
            out,
            "import_file (validated and upserted, flag=False)",
            import_seconds,
            f"{run_.status}: {run_.added:,} added, {run_.changed:,} changed, "
            f"{run_.unchanged:,} unchanged; {memory}",
        )
        if run_.status != "done":
            out(f"  import problems: {run_.problem_count} e.g. {run_.problems[:3]}")
        import_ratio = import_seconds / copy_seconds if copy_seconds else None

        out("(b) full recompute of flags 1 and 2 against plain pandas")
        flags_seconds, ours = recompute_flags_1_and_2(today)
        _say(out, "recompute flags 1 and 2, persisted", flags_seconds, f"active {ours}")
        pandas_seconds, theirs = pandas_flags([history_csv, extract_csv], today)
        _say(
            out,
            "pandas script, same two flags from the extract files",
            pandas_seconds,
            f"found {theirs}",
        )
        agree = all(ours.get(k) == v for k, v in theirs.items())
        out(f"  the two agree on the number of flags: {'yes' if agree else 'NO'}")
        flags_ratio = flags_seconds / pandas_seconds if pandas_seconds else None

    if scale.history_only:
        # One more day lands on a board whose roll-up and flags are up to date, as after the
        # nightly recompute: otherwise its re-flag would find nothing stored to compare with.
        flags_seconds, ours = recompute_flags_1_and_2(today)
        _say(out, "roll-up and flags 1 and 2 brought up to date first", flags_seconds, f"{ours}")
    if connection.vendor == "postgresql":  # what autovacuum does after the nightly recompute
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE competencies_practiceday")
            cursor.execute("ANALYZE competencies_flag")
    out("(c) one more day")
    day_csv = tmp / "day.csv"
    write_extract(contacts(board, scale.day, "D", rng, today, today), day_csv)
    total = Contact.objects.count()
    started = time.perf_counter()
    run_ = import_file(day_csv, source, flag=True)
    day_seconds = time.perf_counter() - started
    _say(
        out,
        f"import {scale.day:,} rows of today and re-flag ({total:,} contacts held)",
        day_seconds,
        f"{run_.status}: {run_.added:,} added",
    )
    for path in (history_csv, extract_csv, day_csv):
        path.unlink(missing_ok=True)
    tmp.rmdir()

    def ratio(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    out(
        f"(rows: extract {extract_rows:,}, history {history_rows:,}, one more day {scale.day:,}; "
        "the closing lines quote the default scale's wording)"
    )

    out(
        f"import vs copy: {ratio(import_ratio)}x   (import of a 1,000,000-row file, validated "
        "and upserted, against a plain COPY of the same file into a keyed table, same run)"
    )
    out(
        f"flags vs pandas: {ratio(flags_ratio)}x  (full recompute of flags 1 and 2 at scale M, "
        "persisted, against a plain pandas script computing the same two flags from the same "
        "extract, same run)"
    )
    out(f"one more day: {day_seconds:.2f} s  (importing one more day of contacts and re-flagging)")
    return {
        "import_vs_copy": import_ratio,
        "flags_vs_pandas": flags_ratio,
        "one_more_day": day_seconds,
    }


def in_throwaway_database(
    work: Callable[[], None], *, keep: bool, out: Callable[[str], None]
) -> None:
    """Run ``work`` in a new database: ksf_bench_<pid> on PostgreSQL (created and dropped, or
    kept with --keep), else SQLite in a temporary file."""
    settings_dict = connection.settings_dict
    test = settings_dict.setdefault("TEST", {})
    if connection.vendor == "postgresql":
        test["NAME"] = f"ksf_bench_{os.getpid()}"
    else:
        test["NAME"] = str(Path(tempfile.mkdtemp(prefix="ksf-bench-db-")) / "bench.sqlite3")
    old_name = settings_dict["NAME"]
    started = time.perf_counter()
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    _say(out, f"throwaway database {test['NAME']} migrated", time.perf_counter() - started)
    try:
        work()
    finally:
        if keep:
            out(f"Kept the database {connection.settings_dict['NAME']}.")
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


__all__ = ["Scale", "in_throwaway_database", "pandas_flags", "plain_copy", "run"]
