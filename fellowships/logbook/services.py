"""Writes to a fellow's logbook and their workplace-based assessments.

Each write is atomic and audited, enforces its rule and owns the message a refusal shows.

- Only the fellow adds, edits, deletes and submits entries, and only while the enrolment is
  active (not paused, withdrawn, completed or not yet started). An entry changes only while
  it is a draft or was returned.
- A bulk upload (a CSV file or pasted CSV) is checked whole: every problem by row and column,
  and then nothing is written; a good file is written in one go.
- Only a current supervisor of the fellow signs off or returns entries; nobody signs their
  own; nothing is signed while the enrolment is paused, withdrawn or completed; an entry
  signed or returned is not signed again (rows are locked, so two supervisors at once cannot
  both sign). Returning needs feedback, which the fellow is told about; resubmitting settles
  that notification.
- Assessments: the fellow asks one of their current supervisors; only that supervisor records
  it; the fellow then adds a reflection.
"""

import csv
import datetime
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from wagtail.models import ModelLogEntry

from fellowships.logbook import rules, selectors
from fellowships.models import Assessment, Enrolment, LogbookEntry, Milestone
from fellowships.policies import enrolment_policy
from ksf import audit, dates
from ksf.imports.audit_batch import AuditBatch
from ksf.imports.tabular import ImportFailed, RowError, read_table
from ksf.models import StaffMember
from ksf.services import close_topic, notify

AnyUser = User | AnonymousUser

BULK_COLUMNS = [
    "date",
    "category",
    "supervised",
    "minutes",
    "case reference",
    "findings",
    "reflection",
]
BULK_REQUIRED = ["date", "category", "supervised", "minutes"]
BULK_ALIASES = {
    "minutes": ["duration", "duration (minutes)", "duration hh:mm", "time"],
    "case reference": ["case ref", "reference", "case"],
    "findings": ["findings or outcome", "outcome"],
    "supervised": ["supervised (yes/no)"],
}


def returned_topic(entry_id: int) -> str:
    """The topic of the notification telling a fellow an entry came back with feedback."""
    return f"logbook-returned:{entry_id}"


def queue_topic(enrolment_id: int) -> str:
    """The topic of the notifications telling supervisors entries are waiting."""
    return f"logbook-queue:{enrolment_id}"


def assessment_topic(assessment_id: int) -> str:
    return f"assessment:{assessment_id}"


def logbook_url(enrolment: Enrolment) -> str:
    return reverse("logbook:list", args=[enrolment.pk])


@dataclass
class EntryInput:
    """One case as the fellow records it."""

    date: datetime.date | None
    category: str
    minutes: int | None
    supervised: bool = True
    case_reference: str = ""
    findings: str = ""
    reflection: str = ""

    FIELDS = (
        "date",
        "category",
        "minutes",
        "supervised",
        "case_reference",
        "findings",
        "reflection",
    )


# --- The fellow's side -----------------------------------------------------------------------


def _check_fellow(user: AnyUser, enrolment: Enrolment) -> None:
    if not enrolment_policy.is_fellow(user, enrolment):
        raise PermissionDenied(gettext("Only the fellow keeps their logbook."))
    problem = rules.logging_problem(
        enrolment.status,
        start=enrolment.start_date,
        today=dates.today(),
        paused=selectors.is_paused(enrolment),
    )
    if problem:
        raise ValidationError(problem)


def _problems(data: EntryInput, enrolment: Enrolment, categories: list[str]) -> dict[str, str]:
    """Each field's problem, keyed by the field's name."""
    found: dict[str, str] = {}
    checks = {
        "date": rules.date_problem(data.date, start=enrolment.start_date, today=dates.today()),
        "minutes": rules.minutes_problem(data.minutes),
        "category": rules.category_problem(data.category, categories),
        "case_reference": rules.case_reference_problem(data.case_reference),
    }
    for name, problem in checks.items():
        if problem:
            found[name] = problem
    if len((data.category or "").strip()) > 100:
        found["category"] = gettext("Keep the category to 100 characters.")
    if len((data.case_reference or "").strip()) > 40:
        found["case_reference"] = gettext("Keep the case reference to 40 characters.")
    return found


def _validate(data: EntryInput, enrolment: Enrolment, categories: list[str]) -> None:
    problems = _problems(data, enrolment, categories)
    if problems:
        raise ValidationError({k: [ValidationError(v)] for k, v in problems.items()})


def _apply(entry: LogbookEntry, data: EntryInput, categories: list[str]) -> None:
    for name in EntryInput.FIELDS:
        value = getattr(data, name)
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.category = rules.canonical_category(entry.category, categories)


@transaction.atomic
def add_entry(
    enrolment: Enrolment, data: EntryInput, *, user: AnyUser, submit: bool = False
) -> LogbookEntry:
    """Log a case as a draft (or submitted at once). Nothing is saved if any part is refused."""
    _check_fellow(user, enrolment)
    categories = selectors.categories_for(enrolment.programme)
    _validate(data, enrolment, categories)
    entry = LogbookEntry(enrolment=enrolment)
    _apply(entry, data, categories)
    if submit:
        entry.status = LogbookEntry.Status.SUBMITTED
        entry.submitted_at = timezone.now()
    entry.save()
    audit.log_create(entry, _audit_user(user))
    if submit:
        _tell_supervisors(enrolment, 1)
    return entry


def _locked_editable(entry: LogbookEntry, user: AnyUser) -> LogbookEntry:
    entry = (
        LogbookEntry.objects.select_for_update(of=("self",))
        .select_related("enrolment__staff", "enrolment__programme")
        .get(pk=entry.pk)
    )
    _check_fellow(user, entry.enrolment)
    if not entry.is_editable:
        raise ValidationError(
            gettext(
                "This entry is %(status)s, so it can no longer be changed: only a draft or an "
                "entry returned with feedback can."
            )
            % {"status": entry.get_status_display().lower()}
        )
    return entry


@transaction.atomic
def update_entry(
    entry: LogbookEntry, data: EntryInput, *, user: AnyUser, submit: bool = False
) -> LogbookEntry:
    """Change a draft or returned entry; the audit trail keeps what it said before."""
    entry = _locked_editable(entry, user)
    categories = selectors.categories_for(entry.enrolment.programme)
    _validate(data, entry.enrolment, categories)
    before = audit.snapshot(entry)
    _apply(entry, data, categories)
    if submit:
        _mark_submitted(entry)
    entry.save()
    audit.log_change(entry, _audit_user(user), audit.diff(before, audit.snapshot(entry)))
    if submit:
        close_topic(returned_topic(entry.pk))
        _tell_supervisors(entry.enrolment, 1)
    return entry


@transaction.atomic
def delete_entry(entry: LogbookEntry, *, user: AnyUser) -> None:
    entry = _locked_editable(entry, user)
    audit.log_delete(entry, _audit_user(user))
    close_topic(returned_topic(entry.pk))
    entry.delete()


def _mark_submitted(entry: LogbookEntry) -> None:
    entry.status = LogbookEntry.Status.SUBMITTED
    entry.submitted_at = timezone.now()


@transaction.atomic
def submit_entries(enrolment: Enrolment, *, user: AnyUser, ids: Iterable[int] | None = None) -> int:
    """Submit the chosen drafts and returned entries for sign-off (``ids`` None: every one).

    Returns how many were submitted. Asking to submit an entry that is already submitted or
    signed, or is not in this logbook, is refused and nothing is submitted.
    """
    _check_fellow(user, enrolment)
    qs = LogbookEntry.objects.select_for_update().filter(enrolment=enrolment)
    if ids is None:
        chosen = list(qs.filter(status__in=LogbookEntry.EDITABLE).order_by("date", "pk"))
    else:
        wanted = {int(i) for i in ids}
        chosen = list(qs.filter(pk__in=wanted).order_by("date", "pk"))
        if len(chosen) != len(wanted):
            raise ValidationError(gettext("Some of the chosen entries are not in this logbook."))
        if any(not e.is_editable for e in chosen):
            raise ValidationError(
                gettext(
                    "Some of the chosen entries are already submitted or signed off: choose "
                    "drafts or returned entries only. Nothing was submitted."
                )
            )
    if not chosen:
        raise ValidationError(gettext("There are no entries to submit: choose at least one."))
    who = _audit_user(user)
    for entry in chosen:
        before = entry.get_status_display()
        _mark_submitted(entry)
        audit.log_change(entry, who, {gettext("status"): [before, entry.get_status_display()]})
        close_topic(returned_topic(entry.pk))
    LogbookEntry.objects.bulk_update(chosen, ["status", "submitted_at"])
    _tell_supervisors(enrolment, len(chosen))
    return len(chosen)


def _tell_supervisors(enrolment: Enrolment, count: int) -> None:
    subject = ngettext(
        "%(fellow)s submitted %(count)s logbook entry for sign-off",
        "%(fellow)s submitted %(count)s logbook entries for sign-off",
        count,
    ) % {"fellow": enrolment.staff.full_name, "count": count}
    for supervisor in selectors.current_supervisors(enrolment):
        notify(
            supervisor.user,
            subject,
            url=reverse("logbook:queue"),
            topic=queue_topic(enrolment.pk),
        )


def _audit_user(user: AnyUser) -> User | None:
    return user if isinstance(user, User) else None


# --- Bulk upload -----------------------------------------------------------------------------


@dataclass
class BulkResult:
    created: int


_FIELD_COLUMNS = {
    "date": "date",
    "category": "category",
    "minutes": "minutes",
    "supervised": "supervised",
    "case_reference": "case reference",
    "findings": "findings",
    "reflection": "reflection",
}


def template_csv(categories: Sequence[str]) -> str:
    """The upload's template: its header row and two example rows that upload as they are."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(BULK_COLUMNS)
    first = categories[0] if categories else "Shoulder"
    second = categories[1] if len(categories) > 1 else first
    today = dates.today()
    writer.writerow(
        [
            today.isoformat(),
            first,
            "yes",
            "30",
            "US-001",
            "Normal supraspinatus tendon.",
            "Practised dynamic views.",
        ]
    )
    writer.writerow(
        [today.isoformat(), second, "no", "0:45", "US-002", "Small joint effusion.", ""]
    )
    return out.getvalue()


def _parse_rows(
    table_rows: list[tuple[int, dict[str, str]]], enrolment: Enrolment, categories: list[str]
) -> tuple[list[EntryInput], list[RowError]]:
    inputs: list[EntryInput] = []
    errors: list[RowError] = []
    for number, row in table_rows:
        row_errors: list[RowError] = []
        day = rules.parse_date(row.get("date", ""))
        if day is None and row.get("date", ""):
            row_errors.append(
                RowError(number, "date", gettext("Enter a real date, e.g. 2025-03-14."))
            )
        minutes = rules.parse_minutes(row.get("minutes", ""))
        if minutes is None and row.get("minutes", ""):
            row_errors.append(
                RowError(
                    number,
                    "minutes",
                    gettext("Give the duration in minutes (e.g. 45) or as hh:mm (e.g. 0:45)."),
                )
            )
        supervised = rules.parse_yes_no(row.get("supervised", ""))
        if supervised is None:
            row_errors.append(RowError(number, "supervised", gettext("Write yes or no.")))
        data = EntryInput(
            date=day,
            category=row.get("category", ""),
            minutes=minutes,
            supervised=bool(supervised),
            case_reference=row.get("case reference", ""),
            findings=row.get("findings", ""),
            reflection=row.get("reflection", ""),
        )
        parsed_bad = {e.column for e in row_errors}
        for name, problem in _problems(data, enrolment, categories).items():
            column = _FIELD_COLUMNS[name]
            if column not in parsed_bad:
                row_errors.append(RowError(number, column, problem))
        if row_errors:
            errors.extend(row_errors)
        else:
            inputs.append(data)
    return inputs, errors


def read_upload(data: bytes, filename: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded or pasted CSV (or XLSX), within the logbook's limits."""
    table = read_table(
        data,
        filename,
        required=BULK_REQUIRED,
        optional=[c for c in BULK_COLUMNS if c not in BULK_REQUIRED],
        aliases=BULK_ALIASES,
        max_bytes=rules.BULK_MAX_BYTES,
    )
    if len(table.rows) > rules.BULK_MAX_ROWS:
        raise ImportFailed(
            filename,
            [
                RowError(
                    None,
                    None,
                    gettext(
                        "The file has %(count)s rows; the limit is %(limit)s. Split it into "
                        "smaller files."
                    )
                    % {"count": f"{len(table.rows):,}", "limit": f"{rules.BULK_MAX_ROWS:,}"},
                )
            ],
        )
    if not table.rows:
        raise ImportFailed(filename, [RowError(None, None, gettext("The file has no rows."))])
    return table.rows


@transaction.atomic
def bulk_add(enrolment: Enrolment, data: bytes, filename: str, *, user: AnyUser) -> BulkResult:
    """Add every row of the file as a draft entry, or, if any row has a problem, none.

    Raises ImportFailed listing every problem by row and column.
    """
    _check_fellow(user, enrolment)
    rows = read_upload(data, filename)
    categories = selectors.categories_for(enrolment.programme)
    inputs, errors = _parse_rows(rows, enrolment, categories)
    if errors:
        raise ImportFailed(filename, errors)
    entries = []
    for item in inputs:
        entry = LogbookEntry(enrolment=enrolment)
        _apply(entry, item, categories)
        entries.append(entry)
    created = LogbookEntry.objects.bulk_create(entries, batch_size=500)
    batch = AuditBatch(
        _audit_user(user), source=gettext("uploaded from %(file)s") % {"file": filename}
    )
    for entry in created:
        batch.created(entry)
    ModelLogEntry.objects.bulk_create(batch.entries, batch_size=500)
    return BulkResult(created=len(created))


# --- The supervisor's side -------------------------------------------------------------------


def _supervisor_of(user: AnyUser, enrolment: Enrolment) -> StaffMember:
    """The user's staff record, if they supervise this fellow today; refused otherwise."""
    if enrolment_policy.is_fellow(user, enrolment):
        raise PermissionDenied(gettext("You cannot sign off your own logbook."))
    if not enrolment_policy.supervisor_roles(user, enrolment):
        raise PermissionDenied(
            gettext("Only a current supervisor of %(fellow)s can sign off their logbook.")
            % {"fellow": enrolment.staff.full_name}
        )
    supervisor = StaffMember.objects.filter(user=user).first() if isinstance(user, User) else None
    if supervisor is None:  # supervisor_roles() found them through their staff record
        raise PermissionDenied(gettext("You need a staff record to sign off."))
    return supervisor


def _check_signable(enrolment: Enrolment) -> None:
    problem = rules.signing_problem(enrolment.status, paused=selectors.is_paused(enrolment))
    if problem:
        raise ValidationError(problem)


def _waiting(entry: LogbookEntry) -> None:
    if entry.status != LogbookEntry.Status.SUBMITTED:
        raise ValidationError(
            gettext(
                "The entry '%(entry)s' is no longer waiting for sign-off (it is %(status)s): "
                "someone may have dealt with it already."
            )
            % {"entry": entry, "status": entry.get_status_display().lower()}
        )


def _settle_queue(enrolment: Enrolment) -> None:
    if not LogbookEntry.objects.filter(
        enrolment=enrolment, status=LogbookEntry.Status.SUBMITTED
    ).exists():
        close_topic(queue_topic(enrolment.pk))


@transaction.atomic
def sign_off(
    entries: Sequence[LogbookEntry] | Sequence[int],
    *,
    user: AnyUser,
    appraised: Iterable[int] = (),
) -> int:
    """Sign off one or many submitted entries, all or none; ``appraised`` names the entries
    whose quality the supervisor appraised. Returns how many were signed."""
    ids = [e if isinstance(e, int) else e.pk for e in entries]
    if not ids:
        raise ValidationError(gettext("Choose at least one entry to sign off."))
    appraised_ids = {int(i) for i in appraised}
    locked = list(
        LogbookEntry.objects.select_for_update(of=("self",))
        .select_related("enrolment__staff", "enrolment__programme", "reviewed_by")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(locked) != len(set(ids)):
        raise ValidationError(gettext("Some of the chosen entries no longer exist."))
    reviewers: dict[int, StaffMember] = {}
    for entry in locked:
        enrolment = entry.enrolment
        if enrolment.pk not in reviewers:
            reviewers[enrolment.pk] = _supervisor_of(user, enrolment)
            _check_signable(enrolment)
        _waiting(entry)
    now = timezone.now()
    who = _audit_user(user)
    by_enrolment: dict[int, list[LogbookEntry]] = defaultdict(list)
    for entry in locked:
        before = audit.snapshot(entry)
        entry.status = LogbookEntry.Status.SIGNED
        entry.reviewed_by = reviewers[entry.enrolment_id]
        entry.reviewed_at = now
        entry.appraised = entry.pk in appraised_ids
        entry.feedback = ""
        audit.log_change(entry, who, audit.diff(before, audit.snapshot(entry)))
        by_enrolment[entry.enrolment_id].append(entry)
    LogbookEntry.objects.bulk_update(
        locked, ["status", "reviewed_by", "reviewed_at", "appraised", "feedback"]
    )
    for signed in by_enrolment.values():
        enrolment = signed[0].enrolment
        _settle_queue(enrolment)
        notify(
            enrolment.staff.user,
            ngettext(
                "%(supervisor)s signed off %(count)s logbook entry",
                "%(supervisor)s signed off %(count)s logbook entries",
                len(signed),
            )
            % {"supervisor": reviewers[enrolment.pk].full_name, "count": len(signed)},
            url=logbook_url(enrolment),
        )
    return len(locked)


@transaction.atomic
def return_entry(entry: LogbookEntry, *, user: AnyUser, feedback: str) -> LogbookEntry:
    """Send a submitted entry back to the fellow with feedback (required)."""
    entry = (
        LogbookEntry.objects.select_for_update(of=("self",))
        .select_related("enrolment__staff", "enrolment__programme", "reviewed_by")
        .get(pk=entry.pk)
    )
    reviewer = _supervisor_of(user, entry.enrolment)
    _check_signable(entry.enrolment)
    _waiting(entry)
    feedback = (feedback or "").strip()
    if not feedback:
        raise ValidationError(
            {"feedback": gettext("Say what the fellow should change, so they know what to do.")}
        )
    before = audit.snapshot(entry)
    entry.status = LogbookEntry.Status.RETURNED
    entry.feedback = feedback
    entry.reviewed_by = reviewer
    entry.reviewed_at = timezone.now()
    entry.save(update_fields=["status", "feedback", "reviewed_by", "reviewed_at"])
    audit.log_change(entry, _audit_user(user), audit.diff(before, audit.snapshot(entry)))
    _settle_queue(entry.enrolment)
    notify(
        entry.enrolment.staff.user,
        gettext("%(supervisor)s returned '%(entry)s' with feedback")
        % {"supervisor": reviewer.full_name, "entry": entry},
        feedback,
        url=logbook_url(entry.enrolment),
        topic=returned_topic(entry.pk),
    )
    return entry


# --- Workplace-based assessments ------------------------------------------------------------


@transaction.atomic
def request_assessment(
    enrolment: Enrolment, *, user: AnyUser, kind: str, focus: str, assessor: StaffMember | None
) -> Assessment:
    """The fellow asks one of their current supervisors for an assessment."""
    _check_fellow(user, enrolment)
    errors: dict[str, list[ValidationError]] = {}
    if kind not in Milestone.AssessmentType.values:
        errors["kind"] = [ValidationError(gettext("Choose the type of assessment."))]
    focus = (focus or "").strip()
    if not focus:
        errors["focus"] = [
            ValidationError(gettext("Say what is to be assessed, e.g. guided shoulder injection."))
        ]
    elif len(focus) > 200:
        errors["focus"] = [ValidationError(gettext("Keep it to 200 characters."))]
    supervisors = {s.pk for s in selectors.current_supervisors(enrolment)}
    if assessor is None or assessor.pk not in supervisors:
        errors["assessor"] = [
            ValidationError(gettext("Choose one of your current supervisors to assess you."))
        ]
    if errors:
        raise ValidationError(errors)
    assert assessor is not None
    assessment = Assessment.objects.create(
        enrolment=enrolment, kind=kind, focus=focus, assessor=assessor
    )
    audit.log_create(assessment, _audit_user(user))
    notify(
        assessor.user,
        gettext("%(fellow)s asked you for a %(kind)s: %(focus)s")
        % {
            "fellow": enrolment.staff.full_name,
            "kind": assessment.get_kind_display(),
            "focus": focus,
        },
        url=reverse("logbook:record", args=[assessment.pk]),
        topic=assessment_topic(assessment.pk),
    )
    return assessment


@dataclass
class AssessmentRecord:
    date: datetime.date | None
    case_reference: str
    domains: dict[str, str]
    outcome: str
    feedback: str


@transaction.atomic
def record_assessment(
    assessment: Assessment, data: AssessmentRecord, *, user: AnyUser
) -> Assessment:
    """The assessor records what they saw: date, case, domain ratings, outcome, feedback."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enrolment__staff", "assessor")
        .get(pk=assessment.pk)
    )
    enrolment = assessment.enrolment
    if enrolment_policy.is_fellow(user, enrolment):
        raise PermissionDenied(gettext("You cannot assess yourself."))
    if assessment.assessor.user_id != getattr(user, "pk", None) or not (
        enrolment_policy.supervisor_roles(user, enrolment)
    ):
        raise PermissionDenied(gettext("Only the supervisor asked can record this assessment."))
    _check_signable(enrolment)
    if assessment.status != Assessment.Status.REQUESTED:
        raise ValidationError(
            gettext("This assessment is already %(status)s.")
            % {"status": assessment.get_status_display().lower()}
        )
    errors: dict[str, list[ValidationError]] = {}
    problem = rules.date_problem(data.date, start=enrolment.start_date, today=dates.today())
    if problem:
        errors["date"] = [ValidationError(problem)]
    problem = rules.case_reference_problem(data.case_reference)
    if problem:
        errors["case_reference"] = [ValidationError(problem)]
    domains = {k: v for k, v in (data.domains or {}).items() if v}
    if any(k not in rules.ASSESSMENT_DOMAINS or v not in rules.RATINGS for k, v in domains.items()):
        errors["domains"] = [ValidationError(gettext("Rate each domain with one of the ratings."))]
    elif not domains:
        errors["domains"] = [ValidationError(gettext("Rate at least one domain."))]
    if data.outcome not in Assessment.Outcome.values:
        errors["outcome"] = [
            ValidationError(gettext("Choose the outcome: satisfactory or not yet."))
        ]
    feedback = (data.feedback or "").strip()
    if not feedback:
        errors["feedback"] = [
            ValidationError(gettext("Give feedback: what went well and what to work on."))
        ]
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(assessment)
    assessment.date = data.date
    assessment.case_reference = data.case_reference.strip()
    assessment.domains = domains
    assessment.outcome = data.outcome
    assessment.feedback = feedback
    assessment.status = Assessment.Status.RECORDED
    assessment.recorded_at = timezone.now()
    assessment.save()
    audit.log_change(assessment, _audit_user(user), audit.diff(before, audit.snapshot(assessment)))
    close_topic(assessment_topic(assessment.pk))
    notify(
        enrolment.staff.user,
        gettext("%(assessor)s recorded your %(kind)s: %(outcome)s")
        % {
            "assessor": assessment.assessor.full_name,
            "kind": assessment.get_kind_display(),
            "outcome": assessment.get_outcome_display().lower(),
        },
        feedback,
        url=reverse("logbook:assessments", args=[enrolment.pk]),
    )
    return assessment


@transaction.atomic
def add_reflection(assessment: Assessment, *, user: AnyUser, reflection: str) -> Assessment:
    """The fellow reflects on a recorded assessment."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enrolment__staff")
        .get(pk=assessment.pk)
    )
    _check_fellow(user, assessment.enrolment)
    if assessment.status != Assessment.Status.RECORDED:
        raise ValidationError(
            gettext("You can reflect once your supervisor has recorded the assessment.")
        )
    reflection = (reflection or "").strip()
    if not reflection:
        raise ValidationError(
            {"reflection": gettext("Write your reflection: what you learnt and will do next.")}
        )
    before = audit.snapshot(assessment)
    assessment.reflection = reflection
    assessment.save(update_fields=["reflection"])
    audit.log_change(assessment, _audit_user(user), audit.diff(before, audit.snapshot(assessment)))
    return assessment
