"""Where a person stands against everything their posts require: red, amber or green.

Rows come from two sources: the KSF outline of each current post (assessed in the latest
signed development review) and the post's required competencies (verified attainments).

- green: verified at the required level and still valid;
- amber: in progress, awaiting sign-off, not yet due, or valid but expiring within 90 days;
- red: missing past its due date, or expired.

Desirable requirements are never red. Everything is fetched for many people at once in a
fixed number of queries, so a manager's team page costs the same for 5 or 50 people.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from competencies.models import Attainment, PostRequirement, ScaleValue
from ksf.models import OutlineEntry, PostAssignment, StaffMember
from ksf.reviews.selectors import REVIEW_INTERVAL_MONTHS, add_months, review_facts

EXPIRY_WARNING_DAYS = 90


FOUNDATION_MONTHS = 12


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        return {"red": "Red", "amber": "Amber", "green": "Green"}[self.value]


@dataclass
class RequirementStatus:
    kind: str  # "ksf" or "competency"
    code: str
    title: str
    post_title: str
    required: str
    mandatory: bool
    due: datetime.date | None
    rag: Rag
    state: str
    next_step: str
    held: str = ""
    verified_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    assessor: str = ""
    competency_id: int | None = None
    dimension_id: int | None = None
    framework_title: str = ""


@dataclass
class DevelopmentStatus:
    person: StaffMember
    rows: list[RequirementStatus] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {rag.value: 0 for rag in Rag}
        for row in self.rows:
            counts[row.rag.value] += 1
        return counts

    @property
    def ksf_rows(self) -> list[RequirementStatus]:
        return [r for r in self.rows if r.kind == "ksf"]

    @property
    def competency_rows(self) -> list[RequirementStatus]:
        return [r for r in self.rows if r.kind == "competency"]

    def expiring(self, today: datetime.date, days: int = EXPIRY_WARNING_DAYS) -> list:
        horizon = today + datetime.timedelta(days=days)
        return [r for r in self.rows if r.expires_on and today <= r.expires_on <= horizon]


def development_status(
    person: StaffMember, today: datetime.date | None = None
) -> DevelopmentStatus:
    return development_statuses([person], today)[person.pk]


def development_statuses(
    people: Iterable[StaffMember], today: datetime.date | None = None
) -> dict[int, DevelopmentStatus]:
    """Status for each person, keyed by staff id, in a constant number of queries."""
    today = today or datetime.date.today()
    people = list(people)
    ids = [p.pk for p in people]
    result = {p.pk: DevelopmentStatus(person=p) for p in people}
    assignments = list(
        PostAssignment.objects.current(today)
        .filter(staff_id__in=ids)
        .select_related("post")
        .order_by("staff_id", "start_date")
    )
    if not assignments:
        return result
    post_ids = {a.post_id for a in assignments}

    outlines = defaultdict(list)
    for entry in OutlineEntry.objects.filter(post_id__in=post_ids).select_related("dimension"):
        outlines[entry.post_id].append(entry)
    facts = review_facts(ids)

    requirements = defaultdict(list)
    for req in PostRequirement.objects.filter(post_id__in=post_ids).select_related(
        "competency", "competency__framework", "required_value"
    ):
        requirements[req.post_id].append(req)
    first_proficient = _first_proficient(
        {r.competency.framework_id for reqs in requirements.values() for r in reqs}
    )
    claims = _claims(ids, {r.competency.identifier for rs in requirements.values() for r in rs})

    for a in assignments:
        status = result[a.staff_id]
        for entry in outlines.get(a.post_id, []):
            status.rows.append(
                _ksf_row(
                    a,
                    entry,
                    facts.assessed.get(a.staff_id, {}),
                    (a.staff_id, a.post_id) in facts.foundation_passed,
                    facts.last_signed.get(a.staff_id),
                    today,
                )
            )
        for req in requirements.get(a.post_id, []):
            required = req.required_value or first_proficient.get(req.competency.framework_id)
            status.rows.append(
                _competency_row(
                    a, req, required, claims.get((a.staff_id, req.competency.identifier), []), today
                )
            )
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
    for status in result.values():
        status.rows.sort(key=lambda r: (r.kind != "ksf", order[r.rag], r.due or today, r.code))
    return result


def _first_proficient(framework_ids: set[int]) -> dict[int, ScaleValue]:
    firsts: dict[int, ScaleValue] = {}
    for value in ScaleValue.objects.filter(framework_id__in=framework_ids).order_by(
        "framework_id", "-proficient", "sort_order"
    ):
        firsts.setdefault(value.framework_id, value)
    return firsts


def _claims(staff_ids: list[int], identifiers: set) -> dict[tuple, list[Attainment]]:
    """Attainments by (person, competency identifier): versions of a competency count alike."""
    claims: dict[tuple, list[Attainment]] = defaultdict(list)
    qs = (
        Attainment.objects.filter(staff_id__in=staff_ids, competency__identifier__in=identifiers)
        .exclude(status=Attainment.Status.WITHDRAWN)
        .select_related("value", "assessor", "competency")
        .order_by("-created_at", "-pk")
    )
    for att in qs:
        claims[(att.staff_id, att.competency.identifier)].append(att)
    return claims


def _ksf_row(a, entry, assessed, passed_foundation, last_signed, today) -> RequirementStatus:
    gateway = "second" if passed_foundation else "foundation"
    target = entry.second_level if passed_foundation else entry.foundation_level
    if last_signed:
        due = add_months(last_signed, REVIEW_INTERVAL_MONTHS)
    else:
        due = add_months(a.start_date, FOUNDATION_MONTHS)
    row = RequirementStatus(
        kind="ksf",
        code=entry.dimension.code,
        title=entry.dimension.title,
        post_title=a.post.title,
        required=f"Level {target} ({gateway} gateway)",
        mandatory=True,
        due=due,
        rag=Rag.AMBER,
        state="Not yet assessed",
        next_step="Prepare evidence for your development review.",
        dimension_id=entry.dimension_id,
    )
    level, signed_on = assessed.get(entry.dimension_id, (None, None))
    if level is not None:
        row.held = f"Level {level}"
        row.verified_on = signed_on
        row.expires_on = add_months(signed_on, REVIEW_INTERVAL_MONTHS)
    if level is not None and level >= target:
        if row.expires_on < today:
            row.rag, row.state = Rag.RED, "Review overdue"
            row.next_step = "Your development review is overdue: agree a date with your manager."
        elif (row.expires_on - today).days <= EXPIRY_WARNING_DAYS:
            row.rag, row.state = Rag.AMBER, "Review due soon"
            row.next_step = f"Review due by {row.expires_on:%-d %B %Y}."
        else:
            row.rag, row.state, row.next_step = Rag.GREEN, "Met", "Nothing to do until your review."
        return row
    if level is not None:
        row.state = f"Assessed at level {level}"
        row.next_step = f"Agree a PDP objective to reach level {target}."
    if today > due:
        row.rag = Rag.RED
        row.state = "Overdue" if level is None else f"Below level (level {level})"
        if level is None:
            row.next_step = "Overdue: agree a development review with your line manager."
    return row


def _competency_row(a, req, required, claims, today) -> RequirementStatus:
    due = add_months(a.start_date, req.months_allowed)
    need = required.sort_order if required else 0
    row = RequirementStatus(
        kind="competency",
        code=req.competency.code or req.competency.idnumber,
        title=req.competency.short_name,
        post_title=a.post.title,
        required=required.name if required else "Proficient",
        mandatory=req.mandatory,
        due=due,
        rag=Rag.AMBER,
        state="Not started",
        next_step=f"Self-assess and ask for sign-off by {due:%-d %B %Y}.",
        competency_id=req.competency_id,
        framework_title=req.competency.framework.title,
    )
    verified = [c for c in claims if c.status == Attainment.Status.VERIFIED]
    at_level = [c for c in verified if c.value.sort_order >= need]
    valid = [c for c in at_level if c.expires_on is None or c.expires_on >= today]
    if valid:
        best = max(valid, key=lambda c: (c.expires_on or datetime.date.max, c.verified_on))
        row.held, row.verified_on, row.expires_on = (
            best.value.name,
            best.verified_on,
            best.expires_on,
        )
        row.assessor = best.assessor.full_name if best.assessor else ""
        if best.expires_on and (best.expires_on - today).days <= EXPIRY_WARNING_DAYS:
            row.rag, row.state = Rag.AMBER, f"Expires {best.expires_on:%-d %b %Y}"
            row.next_step = f"Ask for sign-off again before {best.expires_on:%-d %B %Y}."
        else:
            row.rag, row.state, row.next_step = Rag.GREEN, "Verified", "Nothing to do."
        return row
    latest = claims[0] if claims else None
    expired = [c for c in at_level if c.expires_on and c.expires_on < today]
    if verified:
        newest = max(verified, key=lambda c: c.verified_on)
        row.held, row.verified_on, row.expires_on = (
            newest.value.name,
            newest.verified_on,
            newest.expires_on,
        )
    if latest is not None and latest.status == Attainment.Status.REQUESTED:
        who = latest.assessor.full_name if latest.assessor else "your assessor"
        row.state = "Awaiting sign-off"
        row.next_step = f"Waiting for {who} (asked {latest.requested_at:%-d %b %Y})."
    elif latest is not None and latest.status == Attainment.Status.SELF_ASSESSED:
        row.state = f"Self-assessed: {latest.value.name}"
        row.next_step = "Ask an assessor to sign this off."
    elif latest is not None and latest.status == Attainment.Status.DECLINED:
        row.state = "Sign-off declined"
        row.next_step = "Read the assessor's comment, gather more evidence and ask again."
    elif expired:
        row.state = "Expired"
        row.next_step = "Ask for sign-off again."
    elif verified:
        row.state = f"Below level ({row.held})"
        row.next_step = f"Work towards {row.required} and ask for sign-off."
    if req.mandatory and (today > due or expired):
        row.rag = Rag.RED
        if row.state == "Not started":
            row.state = "Overdue"
            row.next_step = f"Overdue since {due:%-d %B %Y}: self-assess and ask for sign-off."
    return row


def rag_counts(people: Iterable[StaffMember], today: datetime.date | None = None) -> dict:
    """Just the counts per person, for team tables."""
    return {pk: s.counts for pk, s in development_statuses(people, today).items()}
