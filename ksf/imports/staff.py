"""Staff import from an HR/ESR-style extract: validate everything, then write everything.

One row per person describing their current assignment. Re-importing the same file changes
nothing; a changed row updates the person (a new post or team ends the old assignment the day
before the new one starts). Any bad row stops the whole import with row-and-column messages.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ksf import audit, dates
from ksf.grants import sync_structure_permissions
from ksf.imports.tabular import ImportFailed, RowError, read_table
from ksf.models import (
    Post,
    PostAssignment,
    Profession,
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


def _profession(text: str) -> str | None:
    low = text.strip().lower()
    if low in Profession.values:
        return low
    with translation.override(None):  # files from HR systems carry the English names
        english = {str(label).lower(): value for value, label in Profession.choices}
    shown = {str(label).lower(): value for value, label in Profession.choices}
    found = shown.get(low) or english.get(low)
    if found:
        return found
    for word, value in _PROFESSION_WORDS.items():
        if low.startswith(word):
            return value
    return None


def _validate(table) -> tuple[list[_Row], list[RowError]]:
    errors: list[RowError] = []
    teams = {t.code.lower(): t for t in Team.objects.select_related("service")}
    teams_by_name: dict[str, list[Team]] = {}
    for t in teams.values():
        teams_by_name.setdefault(t.name.lower(), []).append(t)
    seen: dict[str, int] = {}
    rows: list[_Row] = []

    for number, raw in table.rows:

        def err(column: str, message: str, number: int = number) -> None:
            errors.append(RowError(number, column, message))

        before = len(errors)
        staff_number = raw["staff_number"]
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
            if not Decimal("0.01") <= wte <= Decimal("1.00"):
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
        profession = _profession(raw.get("profession", "")) if raw.get("profession") else None
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
        if hcpc and not re.fullmatch(r"[A-Z]{2}\d{4,8}", hcpc):
            err(
                "hcpc_number",
                _("'%(hcpc_number)s' is not an HCPC number (e.g. PH123456).")
                % {"hcpc_number": raw["hcpc_number"]},
            )
        if (
            raw["line_manager_staff_number"]
            and raw["line_manager_staff_number"].lower() == staff_number.lower()
        ):
            err("line_manager_staff_number", _("A person cannot be their own line manager."))
        if len(errors) == before:
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
                    manager_number=raw["line_manager_staff_number"],
                    start_date=start,
                    profession=profession,
                    hcpc_number=hcpc,
                    hcpc_renewal_date=renewal,
                )
            )

    # Managers must exist in the file or already in the system.
    in_file = {r.staff_number.lower() for r in rows} | set(seen)
    known = {
        n.lower()
        for n in StaffMember.objects.filter(
            staff_number__in=[r.manager_number for r in rows if r.manager_number]
        ).values_list("staff_number", flat=True)
    }
    for r in rows:
        m = r.manager_number.lower()
        if m and m not in in_file and m not in known:
            errors.append(
                RowError(
                    r.number,
                    "line_manager_staff_number",
                    _("Line manager %(staff_number)s was not found in this file or in the system.")
                    % {"staff_number": r.manager_number},
                )
            )
    errors.extend(_cycles(rows))
    return rows, errors


def _cycles(rows: list[_Row]) -> list[RowError]:
    """Circular line management, following the file first and the system for the rest."""
    manager_of: dict[str, str] = {}
    for staff_number, manager in (
        PostAssignment.objects.current()
        .filter(line_manager__isnull=False)
        .values_list("staff__staff_number", "line_manager__staff_number")
    ):
        manager_of[staff_number.lower()] = manager.lower()
    row_of: dict[str, int] = {}
    for r in rows:
        key = r.staff_number.lower()
        row_of[key] = r.number
        if r.manager_number:
            manager_of[key] = r.manager_number.lower()
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


def import_staff(
    data: bytes, filename: str, *, user: User | None = None, create_logins: bool = True
) -> StaffImportResult:
    """Import the file or raise ImportFailed listing every problem; writes nothing on failure."""
    table = read_table(data, filename, required=REQUIRED, optional=OPTIONAL, aliases=ALIASES)
    if not table.rows:
        raise ImportFailed(
            filename, [RowError(None, None, _("The file has a header but no rows."))]
        )
    rows, errors = _validate(table)
    if errors:
        raise ImportFailed(filename, errors)
    return _write(rows, filename, user=user, create_logins=create_logins)


@transaction.atomic
def _write(
    rows: list[_Row], filename: str, *, user: User | None, create_logins: bool
) -> StaffImportResult:
    result = StaffImportResult()
    source = _("staff import %(file)s") % {"file": filename}
    existing = {
        s.staff_number.lower(): s
        for s in StaffMember.objects.filter(staff_number__in=[r.staff_number for r in rows])
    }
    changed_people: set[int] = set()
    sync_later: set[int] = set()  # grants change but the record does not
    clinicians = Group.objects.filter(name=ROLE_GROUPS[Role.CLINICIAN]).first()

    people: dict[str, StaffMember] = {}
    for r in rows:
        person = existing.get(r.staff_number.lower())
        values = {
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
        if person is None:
            person = StaffMember.objects.create(staff_number=r.staff_number, **values)
            audit.log_create(person, user, source=source)
            result.created += 1
            changed_people.add(person.pk)
        else:
            before = audit.snapshot(person)
            for k, v in values.items():
                setattr(person, k, v)
            changes = audit.diff(before, audit.snapshot(person))
            if changes:
                person.save()
                audit.log_change(person, user, changes, source=source)
                changed_people.add(person.pk)
        people[r.staff_number.lower()] = person
    if create_logins:
        with_logins = _create_logins(list(people.values()), clinicians)
        result.logins_created = len(with_logins)
        sync_later |= with_logins

    managers = {
        s.staff_number.lower(): s
        for s in StaffMember.objects.filter(
            staff_number__in=[r.manager_number for r in rows if r.manager_number]
        )
    }
    managers.update(people)
    posts = {(p.service_id, p.title.lower()): p for p in Post.objects.all()}
    current_by_staff: dict[int, list[PostAssignment]] = {}
    for assignment in PostAssignment.objects.current().filter(
        staff__in=[p.pk for p in people.values()]
    ):
        current_by_staff.setdefault(assignment.staff_id, []).append(assignment)

    for r in rows:
        person = people[r.staff_number.lower()]
        post = posts.get((r.team.service_id, r.post_title.lower()))
        if post is None:
            post = Post.objects.create(
                title=r.post_title, band=r.band, profession=r.profession, service=r.team.service
            )
            audit.log_create(post, user, source=source)
            posts[(r.team.service_id, r.post_title.lower())] = post
            result.posts_created += 1
        manager = managers.get(r.manager_number.lower()) if r.manager_number else None
        if r.start_date > dates.today():
            current = list(PostAssignment.objects.current(r.start_date).filter(staff=person))
        else:
            current = current_by_staff.get(person.pk, [])
        same = next((a for a in current if a.post_id == post.pk and a.team_id == r.team.pk), None)
        if same is None:
            same = PostAssignment.objects.filter(
                staff=person, post=post, team=r.team, start_date=r.start_date
            ).first()
        if same is not None:
            before = audit.snapshot(same)
            same.wte = r.wte
            same.line_manager = manager
            same.start_date = r.start_date
            changes = audit.diff(before, audit.snapshot(same))
            if changes:
                same.clean()  # values were checked row by row above
                same.save()
                audit.log_change(same, user, changes, source=source)
                changed_people.add(person.pk)
        else:
            for old in current:
                end = max(old.start_date, r.start_date - datetime.timedelta(days=1))
                before = audit.snapshot(old)
                old.end_date = end
                old.save(update_fields=["end_date"])
                audit.log_change(old, user, audit.diff(before, audit.snapshot(old)), source=source)
            assignment = PostAssignment(
                staff=person,
                post=post,
                team=r.team,
                wte=r.wte,
                start_date=r.start_date,
                line_manager=manager,
            )
            assignment.clean()  # values were checked row by row above
            assignment.save()
            audit.log_create(assignment, user, source=source)
            changed_people.add(person.pk)

    created_ids = {people[r.staff_number.lower()].pk for r in rows}
    result.updated = len(changed_people) - result.created
    result.unchanged = len(created_ids) - len(changed_people)
    if changed_people | sync_later:
        sync_structure_permissions(staff_ids=changed_people | sync_later)
    return result


def _create_logins(people: list[StaffMember], clinicians: Group | None) -> set[int]:
    """Logins named after each email, with no usable password: people set one by reset.

    Made in bulk so a board-sized file does not pay for one user at a time. Returns the
    staff ids that gained a login.
    """
    wanted: dict[str, StaffMember] = {}
    for person in people:
        if person.user_id is None and person.email:
            wanted.setdefault(person.email.lower(), person)
    if not wanted:
        return set()
    taken = {
        u.lower()
        for u in User.objects.filter(username__in=list(wanted)).values_list("username", flat=True)
    }
    unusable = make_password(None)
    fresh = {name: person for name, person in wanted.items() if name not in taken}
    User.objects.bulk_create(
        [
            User(
                username=name,
                email=person.email,
                first_name=person.first_name,
                last_name=person.last_name,
                password=unusable,
            )
            for name, person in fresh.items()
        ],
        batch_size=500,
    )
    users = {u.username: u for u in User.objects.filter(username__in=list(fresh))}
    for name, person in fresh.items():
        person.user = users[name]
    StaffMember.objects.bulk_update(list(fresh.values()), ["user"], batch_size=500)
    if clinicians:
        through = User.groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=clinicians.pk) for u in users.values()],
            batch_size=500,
            ignore_conflicts=True,
        )
    return {person.pk for person in fresh.values()}


__all__ = ["ImportFailed", "StaffImportResult", "import_staff", "parse_date"]
