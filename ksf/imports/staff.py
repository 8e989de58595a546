"""Staff import from an HR/ESR-style extract: check everything, then write everything at once.

One row per person describing their current assignment. Every problem in the file is listed
in one pass, by row and column, and then nothing is written. A good file is compared with what
is already here and only the differences are written, in bulk and in one transaction: people,
logins, posts, assignments (a new post or team ends the old assignment the day before the new
one starts), the audit trail (one entry for the run, one per record created or changed with
its field changes), the search index and the guardian grants. Re-importing the same file
writes nothing at all.
"""

import datetime
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from ksf import audit, dates
from ksf.grants import sync_structure_permissions
from ksf.imports.audit_batch import AuditBatch
from ksf.imports.progress import Progress
from ksf.imports.tabular import ImportFailed, RowError, read_table
from ksf.models import (
    Post,
    PostAssignment,
    Profession,
    StaffImportRun,
    StaffMember,
    Team,
    normalise_band,
)
from ksf.roles import ROLE_GROUPS, Role

# Column names are the file's interface (the template and ESR exports spell them so): they are
# matched and reported as written here, never translated.
REQUIRED = [
    "staff_number",
    "first_name",
    "last_name",
    "email",
    "post_title",
    "band",
    "team",
    "wte",
    "line_manager_staff_number",
    "start_date",
]
OPTIONAL = ["profession", "hcpc_number", "hcpc_renewal_date"]
ALIASES = {
    "staff_number": ["staff number", "assignment number", "employee number", "staff no"],
    "first_name": ["forename", "first name", "given name"],
    "last_name": ["surname", "last name", "family name"],
    "email": ["email address", "e-mail"],
    "post_title": ["post", "job title", "position title", "post title"],
    "band": ["pay band", "grade", "afc band"],
    "team": ["team code", "team name", "organisation", "department"],
    "wte": ["fte", "whole time equivalent", "contracted wte"],
    "line_manager_staff_number": [
        "line manager",
        "manager staff number",
        "line manager staff number",
        "supervisor staff number",
    ],
    "start_date": ["assignment start date", "start date", "date started"],
    "hcpc_number": ["hcpc registration number", "registration number", "hcpc"],
    "hcpc_renewal_date": ["hcpc renewal date", "registration expiry date", "registration renewal"],
}
STAFF_NUMBER = re.compile(r"^[A-Za-z0-9-]{3,20}$")
HCPC_NUMBER = re.compile(r"[A-Z]{2}\d{4,8}")
PERSON_FIELDS = ["first_name", "last_name", "email", "profession", "band"]
BATCH = 500  # rows per INSERT/UPDATE statement
CHUNK = 2000  # values per IN (...) lookup, well inside SQLite's and PostgreSQL's limits


@dataclass
class StaffImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    posts_created: int = 0
    logins_created: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        return _(
            "%(total)s rows: %(created)s people added, %(updated)s updated, "
            "%(unchanged)s unchanged; %(posts)s new posts; %(logins)s new logins."
        ) % {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "posts": self.posts_created,
            "logins": self.logins_created,
        }

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "posts_created": self.posts_created,
            "logins_created": self.logins_created,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StaffImportResult":
        def count(name: str) -> int:
            return int(data.get(name) or 0)

        return cls(
            created=count("created"),
            updated=count("updated"),
            unchanged=count("unchanged"),
            posts_created=count("posts_created"),
            logins_created=count("logins_created"),
        )


@dataclass
class _Row:
    number: int
    staff_number: str
    first_name: str
    last_name: str
    email: str
    post_title: str
    band: str
    team: Team
    wte: Decimal
    manager_number: str
    start_date: datetime.date
    profession: str
    hcpc_number: str
    hcpc_renewal_date: datetime.date | None

    @property
    def key(self) -> str:
        return self.staff_number.lower()


def parse_date(text: str) -> datetime.date | None:
    """ISO (2024-03-01), UK (01/03/2024) or a spreadsheet date-time; None if not a date."""
    text = text.strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    return None


_PROFESSION_WORDS = {
    "physio": Profession.PHYSIOTHERAPIST,
    "occupational": Profession.OCCUPATIONAL_THERAPIST,
    "ot": Profession.OCCUPATIONAL_THERAPIST,
    "podiat": Profession.PODIATRIST,
    "speech": Profession.SPEECH_THERAPIST,
    "dietit": Profession.DIETITIAN,
    "sonograph": Profession.SONOGRAPHER,
    "support": Profession.SUPPORT_WORKER,
    "assistant": Profession.SUPPORT_WORKER,
}


class _Professions:
    """Profession names as the file may spell them: the stored value, the words shown, or
    the English names (files from HR systems carry those). Built once per import."""

    def __init__(self) -> None:
        with translation.override(None):
            english = {str(label).lower(): value for value, label in Profession.choices}
        shown = {str(label).lower(): value for value, label in Profession.choices}
        self.known = {**english, **shown, **{v: v for v in Profession.values}}
        self.cache: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        low = text.strip().lower()
        if low not in self.cache:
            found = self.known.get(low)
            if found is None:
                found = next(
                    (value for word, value in _PROFESSION_WORDS.items() if low.startswith(word)),
                    None,
                )
            self.cache[low] = found
        return self.cache[low]


def _chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _existing_staff_numbers(numbers: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks({n for n in numbers if n}):
        found.update(
            n.lower()
            for n in StaffMember.objects.filter(staff_number__in=chunk).values_list(
                "staff_number", flat=True
            )
        )
    return found


# --- Checking ---------------------------------------------------------------------------------


def _validate(table, progress: Progress) -> tuple[list[_Row], list[RowError]]:
    """Every problem of every row, in one pass; the good rows ready to compare."""
    errors: list[RowError] = []
    teams = {t.code.lower(): t for t in Team.objects.select_related("service")}
    teams_by_name: dict[str, list[Team]] = {}
    for t in teams.values():
        teams_by_name.setdefault(t.name.lower(), []).append(t)
    professions = _Professions()
    # Line managers may come later in the file, or be here already: known before the rows are
    # read, so an unknown manager is listed with the row's other problems.
    in_file = {raw["staff_number"].lower() for _, raw in table.rows if raw["staff_number"]}
    known = _existing_staff_numbers(
        raw["line_manager_staff_number"]
        for _, raw in table.rows
        if raw["line_manager_staff_number"].lower() not in in_file
    )
    seen: dict[str, int] = {}
    rows: list[_Row] = []
    links: list[tuple[int, str, str]] = []  # (row, staff number, manager) for the cycle check

    for count, (number, raw) in enumerate(table.rows, start=1):
        progress.checked(count - 1)

        def err(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        before = len(errors)
        staff_number = raw["staff_number"]
        first = False
        if not staff_number:
            err("staff_number", _("A staff number is required."))
        elif not STAFF_NUMBER.match(staff_number):
            err(
                "staff_number",
                _("'%(staff_number)s' is not a staff number (letters, digits, hyphens).")
                % {"staff_number": staff_number},
            )
        elif staff_number.lower() in seen:
            err(
                "staff_number",
                _("Staff number %(staff_number)s appears again (first on row %(row)s).")
                % {"staff_number": staff_number, "row": seen[staff_number.lower()]},
            )
        else:
            seen[staff_number.lower()] = number
            first = True
        for col in ("first_name", "last_name", "post_title"):
            if not raw[col]:
                err(col, _("This value is required."))
            elif len(raw[col]) > (200 if col == "post_title" else 100):
                err(col, _("This value is too long."))
        email = raw["email"]
        if email:
            try:
                validate_email(email)
            except ValidationError:
                err("email", _("'%(email)s' is not an email address.") % {"email": email})
        band = normalise_band(raw["band"])
        if band is None:
            err(
                "band",
                _("'%(band)s' is not an Agenda for Change band (2-9, 8a-8d).")
                % {"band": raw["band"]},
            )
        key = raw["team"].lower()
        team = teams.get(key)
        if team is None:
            named = teams_by_name.get(key, [])
            if len(named) == 1:
                team = named[0]
            elif len(named) > 1:
                err(
                    "team",
                    _("More than one team is called '%(team)s': use the team code.")
                    % {"team": raw["team"]},
                )
            else:
                err(
                    "team",
                    _("Unknown team '%(team)s'. Add it in the admin first or fix the code.")
                    % {"team": raw["team"]},
                )
        wte: Decimal | None = None
        try:
            wte = Decimal(raw["wte"].replace(",", "."))
            if not wte.is_finite() or not Decimal("0.01") <= wte <= Decimal("1.00"):
                err(
                    "wte",
                    _("WTE %(wte)s is out of range: use 0.01 to 1.00.") % {"wte": raw["wte"]},
                )
                wte = None
            else:
                wte = wte.quantize(Decimal("0.01"))
        except InvalidOperation:
            err("wte", _("'%(wte)s' is not a number.") % {"wte": raw["wte"]})
        start = parse_date(raw["start_date"])
        if start is None:
            err(
                "start_date",
                _("'%(date)s' is not a date: use YYYY-MM-DD or DD/MM/YYYY.")
                % {"date": raw["start_date"]},
            )
        profession = professions(raw["profession"]) if raw.get("profession") else None
        if raw.get("profession") and profession is None:
            err(
                "profession",
                _("Unknown profession '%(profession)s'.") % {"profession": raw["profession"]},
            )
        if profession is None and team is not None:
            profession = team.service.profession
        renewal = None
        if raw.get("hcpc_renewal_date"):
            renewal = parse_date(raw["hcpc_renewal_date"])
            if renewal is None:
                err(
                    "hcpc_renewal_date",
                    _("'%(date)s' is not a date.") % {"date": raw["hcpc_renewal_date"]},
                )
        hcpc = raw.get("hcpc_number", "").upper().replace(" ", "")
        if hcpc and not HCPC_NUMBER.fullmatch(hcpc):
            err(
                "hcpc_number",
                _("'%(hcpc_number)s' is not an HCPC number (e.g. PH123456).")
                % {"hcpc_number": raw["hcpc_number"]},
            )
        manager = raw["line_manager_staff_number"]
        if manager and manager.lower() == staff_number.lower():
            err("line_manager_staff_number", _("A person cannot be their own line manager."))
        elif manager and manager.lower() not in in_file and manager.lower() not in known:
            err(
                "line_manager_staff_number",
                _("Line manager %(staff_number)s was not found in this file or in the system.")
                % {"staff_number": manager},
            )
        elif first:
            links.append((number, staff_number, manager))
        if (
            len(errors) == before  # then every value below was read
            and band
            and team
            and wte is not None
            and start
            and profession
        ):
            rows.append(
                _Row(
                    number=number,
                    staff_number=staff_number,
                    first_name=raw["first_name"],
                    last_name=raw["last_name"],
                    email=email,
                    post_title=raw["post_title"],
                    band=band,
                    team=team,
                    wte=wte,
                    manager_number=manager,
                    start_date=start,
                    profession=profession,
                    hcpc_number=hcpc,
                    hcpc_renewal_date=renewal,
                )
            )
    progress.checked(len(table.rows))
    errors.extend(_cycles(links))
    errors.sort(key=lambda e: -1 if e.row is None else e.row)  # stable: columns stay in order
    return rows, errors


def _cycles(links: Sequence[tuple[int, str, str]]) -> list[RowError]:
    """Circular line management, following the file first and the system for the rest."""
    manager_of: dict[str, str] = {}
    for staff_number, manager in (
        PostAssignment.objects.current()
        .filter(line_manager__isnull=False)
        .values_list("staff__staff_number", "line_manager__staff_number")
    ):
        manager_of[staff_number.lower()] = manager.lower()
    row_of: dict[str, int] = {}
    for number, staff_number, manager in links:
        key = staff_number.lower()
        row_of[key] = number
        if manager:
            manager_of[key] = manager.lower()
        else:
            manager_of.pop(key, None)
    errors: list[RowError] = []
    reported: set[str] = set()
    for start in row_of:
        chain: list[str] = []
        node = start
        while node in manager_of and node not in chain:
            chain.append(node)
            node = manager_of[node]
        if node == start and start not in reported:
            loop = chain
            reported.update(loop)
            shown = " → ".join([*loop, start])
            for member in loop:
                if member in row_of:
                    errors.append(
                        RowError(
                            row_of[member],
                            "line_manager_staff_number",
                            _("Circular line management: %(chain)s.") % {"chain": shown},
                        )
                    )
    return sorted(errors, key=lambda e: e.row or 0)


# --- Comparing --------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What a checked file changes, worked out before anything is written."""

    rows: list[_Row]
    people: dict[str, StaffMember]  # the person of each row that changes (new ones unsaved)
    new_people: list[StaffMember] = field(default_factory=list)
    changed_people: list[tuple[StaffMember, dict[str, list[str]]]] = field(default_factory=list)
    logins: dict[str, StaffMember] = field(default_factory=dict)  # username -> person
    new_posts: list[Post] = field(default_factory=list)
    new_assignments: list[PostAssignment] = field(default_factory=list)
    changed_assignments: list[tuple[PostAssignment, dict[str, list[str]]]] = field(
        default_factory=list
    )
    ended_assignments: list[tuple[PostAssignment, dict[str, list[str]]]] = field(
        default_factory=list
    )
    changed_keys: set[str] = field(default_factory=set)  # rows that change anything

    @property
    def created(self) -> int:
        return len(self.new_people)

    @property
    def updated(self) -> int:
        return len(self.changed_keys) - self.created

    @property
    def units(self) -> int:
        """Records to write (each counted once; log entries and grants as one each)."""
        records = (
            len(self.new_people)
            + len(self.changed_people)
            + len(self.logins)
            + len(self.new_posts)
            + len(self.new_assignments)
            + len(self.changed_assignments)
            + len(self.ended_assignments)
        )
        return records * 2 + len(self.changed_keys)  # records, their log entries, grants

    @property
    def writes_anything(self) -> bool:
        return bool(self.changed_keys or self.logins or self.new_posts)


def _person_values(r: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": r.first_name,
        "last_name": r.last_name,
        "email": r.email,
        "profession": r.profession,
        "band": r.band,
    }
    if r.hcpc_number:
        values["hcpc_number"] = r.hcpc_number
    if r.hcpc_renewal_date:
        values["hcpc_renewal_date"] = r.hcpc_renewal_date
    return values


_HERE = ["pk", "staff_number", "user_id", *PERSON_FIELDS, "hcpc_number", "hcpc_renewal_date"]


@dataclass(frozen=True)
class _Held:
    """An assignment already here, as plain values (cheap to read for a whole board)."""

    pk: int
    post_id: int
    team_id: int
    wte: Decimal
    start_date: datetime.date
    end_date: datetime.date | None
    line_manager_id: int | None

    def is_current(self, on: datetime.date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


def _plan(rows: list[_Row], *, create_logins: bool) -> _Plan:
    """Compare the file with what is here: first as plain values, so rows that change nothing
    cost a dictionary lookup; then, for the rows that do change, the records themselves (for
    the audit trail's before and after)."""
    here: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(r.staff_number for r in rows):
        for values in StaffMember.objects.filter(staff_number__in=chunk).values(*_HERE):
            here[values["staff_number"].lower()] = values
    pk_of = {key: values["pk"] for key, values in here.items()}
    outside = {r.manager_number for r in rows if r.manager_number} - {r.staff_number for r in rows}
    for chunk in _chunks(outside):
        for pk, number in StaffMember.objects.filter(staff_number__in=chunk).values_list(
            "pk", "staff_number"
        ):
            pk_of[number.lower()] = pk
    held: dict[int, list[_Held]] = {}
    for chunk in _chunks(v["pk"] for v in here.values()):
        for values in (
            PostAssignment.objects.filter(staff_id__in=chunk)
            .order_by("pk")
            .values_list(
                "staff_id",
                "pk",
                "post_id",
                "team_id",
                "wte",
                "start_date",
                "end_date",
                "line_manager_id",
            )
        ):
            held.setdefault(values[0], []).append(_Held(*values[1:]))
    posts = {(p.service_id, p.title.lower()): p for p in Post.objects.all()}
    posts_by_id = {p.pk: p for p in posts.values()}
    teams_by_id = Team.objects.in_bulk()
    plan = _Plan(rows=rows, people={})

    # Pass 1: which rows change what.
    today = dates.today()
    person_changes: set[str] = set()
    updates: dict[str, int] = {}  # row key -> the assignment whose values change
    moves: dict[str, list[int]] = {}  # row key -> current assignments to end (then add one)
    new_keys = {r.key for r in rows if r.key not in here}
    for r in rows:
        values = _person_values(r)
        current_values = here.get(r.key)
        if current_values is None:
            person = StaffMember(staff_number=r.staff_number, **values)
            plan.new_people.append(person)
            plan.people[r.key] = person
            moves[r.key] = []
            continue
        if any(current_values[k] != v for k, v in values.items()):
            person_changes.add(r.key)
        post = posts.get((r.team.service_id, r.post_title.lower()))
        mine = held.get(current_values["pk"], [])
        on = max(today, r.start_date)
        current = [a for a in mine if a.is_current(on)]
        same = None
        if post is not None:
            same = next(
                (a for a in current if a.post_id == post.pk and a.team_id == r.team.pk), None
            )
            if same is None:
                same = next(
                    (
                        a
                        for a in mine
                        if a.post_id == post.pk
                        and a.team_id == r.team.pk
                        and a.start_date == r.start_date
                    ),
                    None,
                )
        if same is None:
            moves[r.key] = [a.pk for a in current]
            continue
        manager_key = r.manager_number.lower()
        if (
            same.wte != r.wte
            or same.start_date != r.start_date
            or same.line_manager_id != (pk_of.get(manager_key) if manager_key else None)
            or manager_key in new_keys
        ):
            updates[r.key] = same.pk

    # Pass 2: the records of the rows that change, read in batches.
    changing = person_changes | set(updates) | set(moves)
    if create_logins:
        changing |= {
            key for key, v in here.items() if v["user_id"] is None and v["email"] and key in pk_of
        }
    load = {k for k in changing if k in here}
    load |= {
        r.manager_number.lower()
        for r in rows
        if r.key in changing and r.manager_number and r.manager_number.lower() not in new_keys
    }
    records: dict[str, StaffMember] = {}
    for chunk in _chunks(pk_of[k] for k in load if k in pk_of):
        for person in StaffMember.objects.filter(pk__in=chunk).select_related("user"):
            records[person.staff_number.lower()] = person
    for person in plan.new_people:
        records[person.staff_number.lower()] = person
    wanted = [a for pks in moves.values() for a in pks] + list(updates.values())
    assignments: dict[int, PostAssignment] = {}
    for chunk in _chunks(wanted):
        for a in PostAssignment.objects.filter(pk__in=chunk).select_related("line_manager"):
            a.post = posts_by_id[a.post_id]  # what the audit trail names, without a query each
            a.team = teams_by_id[a.team_id]
            assignments[a.pk] = a

    one_day = datetime.timedelta(days=1)
    for r in rows:
        if r.key not in changing:
            continue
        person = records[r.key]
        plan.people[r.key] = person
        if r.key in person_changes:
            changes = audit.apply(person, _person_values(r))
            if changes:
                plan.changed_people.append((person, changes))
                plan.changed_keys.add(r.key)
        manager = records.get(r.manager_number.lower()) if r.manager_number else None
        if r.key in updates:
            kept = assignments[updates[r.key]]
            kept.staff = person
            changes = audit.apply(
                kept, {"wte": r.wte, "line_manager": manager, "start_date": r.start_date}
            )
            if changes:
                plan.changed_assignments.append((kept, changes))
                plan.changed_keys.add(r.key)
        elif r.key in moves:
            for pk in moves[r.key]:
                old = assignments[pk]
                old.staff = person
                changes = audit.apply(
                    old, {"end_date": max(old.start_date, r.start_date - one_day)}
                )
                plan.ended_assignments.append((old, changes))
            post = posts.get((r.team.service_id, r.post_title.lower()))
            if post is None:
                post = Post(
                    title=r.post_title,
                    band=r.band,
                    profession=r.profession,
                    service=r.team.service,
                )
                posts[(r.team.service_id, r.post_title.lower())] = post
                plan.new_posts.append(post)
            plan.new_assignments.append(
                PostAssignment(
                    staff=person,
                    post=post,
                    team=r.team,
                    wte=r.wte,
                    start_date=r.start_date,
                    line_manager=manager,
                )
            )
            plan.changed_keys.add(r.key)
    if create_logins:
        plan.logins = _logins_wanted(plan.people.values())
    return plan


def _logins_wanted(people: Iterable[StaffMember]) -> dict[str, StaffMember]:
    """Logins named after each email, for people without one, unless the name is taken."""
    wanted: dict[str, StaffMember] = {}
    for person in people:
        if person.user_id is None and person.email:
            wanted.setdefault(person.email.lower(), person)
    taken: set[str] = set()
    for chunk in _chunks(wanted):
        taken.update(
            u.lower()
            for u in User.objects.filter(username__in=chunk).values_list("username", flat=True)
        )
    return {name: person for name, person in wanted.items() if name not in taken}


# --- Writing ----------------------------------------------------------------------------------


def import_staff(
    data: bytes,
    filename: str,
    *,
    user: User | None = None,
    create_logins: bool = True,
    progress: Progress | None = None,
    run: StaffImportRun | None = None,
) -> StaffImportResult:
    """Import the file or raise ImportFailed listing every problem; writes nothing on failure.

    ``progress`` is told how far it has got; ``run`` is the run this import is recorded
    against (without one, a run is recorded only if the import changes anything).
    """
    progress = progress or Progress()
    table = read_table(data, filename, required=REQUIRED, optional=OPTIONAL, aliases=ALIASES)
    if not table.rows:
        raise ImportFailed(
            filename, [RowError(None, None, _("The file has a header but no rows."))]
        )
    progress.begin(len(table.rows))
    rows, errors = _validate(table, progress)
    if errors:
        raise ImportFailed(filename, errors)
    with transaction.atomic():
        plan = _plan(rows, create_logins=create_logins)
        progress.plan(plan.created + plan.updated, plan.units)
        result = _write(plan, filename, user=user, run=run, progress=progress)
    progress.finish()
    return result


def _saved_pks(objects: Sequence[models.Model], model: type[models.Model], key: str) -> None:
    """After a bulk insert on a database that does not return keys, fetch them by ``key``."""
    missing = [o for o in objects if o.pk is None]
    if not missing:
        return
    found: dict[Any, Any] = {}
    for chunk in _chunks(getattr(o, key) for o in missing):
        found.update(model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    for o in missing:
        o.pk = found[getattr(o, key)]


def _create(model: type[models.Model], objects: Sequence[models.Model], progress: Progress) -> None:
    """Bulk insert, telling ``progress`` after each few batches."""
    for chunk in _chunks(objects, BATCH * 4):
        model._default_manager.bulk_create(chunk, batch_size=BATCH)
        progress.wrote(len(chunk))


def _update(
    model: type[models.Model], objects: list, fields: list[str], progress: Progress
) -> None:
    for chunk in _chunks(objects, BATCH * 4):
        model._default_manager.bulk_update(chunk, fields, batch_size=BATCH)
        progress.wrote(len(chunk))


def _index(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """Bulk writes skip the signals that keep the search index and Wagtail's reference index
    (the admin's *Usage*): queue the records for the task worker instead.

    Those indexes are kept by background tasks for any save (the signals queue one per
    record); this queues one per thousand records, with the import (the database task
    backend commits them with it, or not at all).
    """
    from ksf.tasks import index_records

    for chunk in _chunks([o.pk for o in objects], 1000):
        index_records.enqueue(model._meta.label, chunk)


def _write(
    plan: _Plan,
    filename: str,
    *,
    user: User | None,
    run: StaffImportRun | None,
    progress: Progress,
) -> StaffImportResult:
    result = StaffImportResult(
        created=plan.created,
        updated=plan.updated,
        unchanged=len(plan.rows) - plan.created - plan.updated,
        posts_created=len(plan.new_posts),
        logins_created=len(plan.logins),
    )
    if not plan.writes_anything:
        return result

    # Logins first, so new people are inserted with theirs.
    gained = [p for p in plan.logins.values() if p.pk is not None]  # people already here
    unusable = make_password(None)
    users = [
        User(
            username=name,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            password=unusable,
        )
        for name, person in plan.logins.items()
    ]
    _create(User, users, progress)
    _saved_pks(users, User, "username")
    for login, person in zip(users, plan.logins.values(), strict=True):
        person.user = login
    clinicians = Group.objects.filter(name=ROLE_GROUPS[Role.CLINICIAN]).first()
    if clinicians and users:
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=clinicians.pk) for u in users],
            batch_size=BATCH,
            ignore_conflicts=True,
        )

    _create(StaffMember, plan.new_people, progress)
    _saved_pks(plan.new_people, StaffMember, "staff_number")
    fields = [*PERSON_FIELDS, "hcpc_number", "hcpc_renewal_date"]
    _update(StaffMember, [p for p, _ in plan.changed_people], fields, progress)
    StaffMember.objects.bulk_update(gained, ["user"], batch_size=BATCH)
    _index(StaffMember, [*plan.new_people, *(p for p, _ in plan.changed_people)])

    _create(Post, plan.new_posts, progress)
    for post in plan.new_posts:
        if post.pk is None:  # a database that does not return keys; titles repeat by service
            post.pk = Post.objects.get(service_id=post.service_id, title=post.title).pk
    _index(Post, plan.new_posts)

    _update(PostAssignment, [a for a, _ in plan.ended_assignments], ["end_date"], progress)
    _update(
        PostAssignment,
        [a for a, _ in plan.changed_assignments],
        ["wte", "line_manager", "start_date"],
        progress,
    )
    for assignment in plan.new_assignments:
        assignment.clean()  # values were checked row by row above
    _create(PostAssignment, plan.new_assignments, progress)
    if any(a.pk is None for a in plan.new_assignments):
        _refetch_assignments(plan.new_assignments)
    _index(PostAssignment, [*plan.new_assignments, *(a for a, _ in plan.changed_assignments)])

    # The audit trail: one entry for the run, one per record created or changed.
    if run is None:
        now = timezone.now()
        run = StaffImportRun.objects.create(
            filename=filename[-255:],
            source=StaffImportRun.Source.CODE,
            started_by=user,
            status=StaffImportRun.Status.DONE,
            create_logins=bool(plan.logins),
            rows_total=len(plan.rows),
            rows_checked=len(plan.rows),
            rows_to_write=result.created + result.updated,
            rows_written=result.created + result.updated,
            started_at=now,
            finished_at=now,
            updated_at=now,
            result=result.as_dict(),
        )
    log = AuditBatch(user, source=_("staff import %(file)s") % {"file": filename}, run=run.pk)
    log.run(run, {"file": filename, "rows": len(plan.rows), **result.as_dict()})
    for person in plan.new_people:
        log.created(person)
    for person, changes in plan.changed_people:
        log.changed(person, changes)
    for post in plan.new_posts:
        log.created(post)
    for assignment, changes in plan.ended_assignments:
        log.changed(assignment, changes)
    for assignment, changes in plan.changed_assignments:
        log.changed(assignment, changes)
    for assignment in plan.new_assignments:
        log.created(assignment)
    for chunk in _chunks(log.entries, BATCH * 4):
        ModelLogEntry.objects.bulk_create(chunk, batch_size=BATCH)
        progress.wrote(len(chunk))

    # Grants on everyone whose record, post or manager changed, and on the people managed or
    # led by someone who has just gained a login.
    staff_ids = {plan.people[key].pk for key in plan.changed_keys}
    staff_ids |= {p.pk for p in plan.logins.values()}
    if gained:
        ids = [p.pk for p in gained]
        for chunk in _chunks(ids):
            staff_ids.update(
                PostAssignment.objects.current()
                .filter(Q(line_manager_id__in=chunk) | Q(team__lead_id__in=chunk))
                .values_list("staff_id", flat=True)
            )
    for chunk in _chunks(staff_ids):
        sync_structure_permissions(staff_ids=chunk)
    progress.wrote(len(plan.changed_keys))
    return result


def _refetch_assignments(assignments: list[PostAssignment]) -> None:
    """Keys for a database whose bulk insert does not return them (the newest per person)."""
    staff_ids = [a.staff_id for a in assignments]
    latest: dict[tuple[int, int, int, datetime.date], int] = {}
    for chunk in _chunks(staff_ids):
        for pk, staff_id, post_id, team_id, start in PostAssignment.objects.filter(
            staff_id__in=chunk
        ).values_list("pk", "staff_id", "post_id", "team_id", "start_date"):
            latest[(staff_id, post_id, team_id, start)] = max(
                pk, latest.get((staff_id, post_id, team_id, start), 0)
            )
    for a in assignments:
        a.pk = latest[(a.staff_id, a.post_id, a.team_id, a.start_date)]


__all__ = ["ImportFailed", "StaffImportResult", "import_staff", "parse_date"]
