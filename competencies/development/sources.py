"""The two built-in requirement sources: a post's KSF outline and its required competencies.

Each turns a batch of current post assignments into facts rows in a fixed number of queries
(the KSF outline: outline entries plus the three review-facts reads; the competencies: the
requirements, the frameworks' first proficient values and the claims). They are registered
through the ``register_requirement_source`` hook (see ``competencies.development.registry``)
in ``competencies/wagtail_hooks.py``; the engine never imports them.

- green: verified at the required level and still valid;
- amber: in progress, awaiting sign-off, not yet due, or valid but expiring within 90 days;
- red: missing past its due date, or expired. Desirable requirements are never red.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from competencies.development.facts import (
    EXPIRY_WARNING_DAYS,
    Gateway,
    Kind,
    Rag,
    RequirementFacts,
    State,
)
from competencies.development.rollups import RuleTrees, held_parts, rule_trees
from competencies.frameworks.rollup import RollUp
from competencies.models import Attainment, PostRequirement, ScaleValue
from ksf.models import OutlineEntry, PostAssignment
from ksf.reviews.selectors import REVIEW_INTERVAL_MONTHS, add_months, review_facts

FOUNDATION_MONTHS = 12


def _by_staff(assignments: Sequence[PostAssignment]) -> dict[int, list[RequirementFacts]]:
    return {a.staff_id: [] for a in assignments}


class KSFOutlineSource:
    """Each dimension of each current post's KSF outline, against the latest signed review."""

    def rows(
        self, assignments: Sequence[PostAssignment], today: datetime.date
    ) -> dict[int, list[RequirementFacts]]:
        outlines = defaultdict(list)
        for entry in OutlineEntry.objects.filter(
            post_id__in={a.post_id for a in assignments}
        ).select_related("dimension"):
            outlines[entry.post_id].append(entry)
        facts = review_facts(list(dict.fromkeys(a.staff_id for a in assignments)))
        found = _by_staff(assignments)
        for a in assignments:
            assessed = facts.assessed.get(a.staff_id, {})
            passed = (a.staff_id, a.post_id) in facts.foundation_passed
            last_signed = facts.last_signed.get(a.staff_id)
            objectives = facts.objectives.get(a.staff_id, {})
            for entry in outlines.get(a.post_id, []):
                row = ksf_facts(a, entry, assessed, passed, last_signed, today)
                agreed = objectives.get(entry.dimension_id)
                if agreed is not None:
                    row.objective = agreed.objective
                    row.objective_target = agreed.target_date
                    row.objective_status = agreed.status
                found[a.staff_id].append(row)
        return found


def ksf_facts(
    a: PostAssignment,
    entry: OutlineEntry,
    assessed: dict[int, tuple[int, datetime.date]],
    passed_foundation: bool,
    last_signed: datetime.date | None,
    today: datetime.date,
) -> RequirementFacts:
    target = entry.second_level if passed_foundation else entry.foundation_level
    if last_signed:
        due = add_months(last_signed, REVIEW_INTERVAL_MONTHS)
    else:
        due = add_months(a.start_date, FOUNDATION_MONTHS)
    found = assessed.get(entry.dimension_id)
    level, signed_on = found if found is not None else (None, None)
    expires_on = add_months(signed_on, REVIEW_INTERVAL_MONTHS) if signed_on is not None else None
    if level is not None and expires_on is not None and level >= target:
        if expires_on < today:
            state, rag = State.REVIEW_OVERDUE, Rag.RED
        elif (expires_on - today).days <= EXPIRY_WARNING_DAYS:
            state, rag = State.REVIEW_DUE_SOON, Rag.AMBER
        else:
            state, rag = State.MET, Rag.GREEN
    elif today > due:
        state, rag = (State.OVERDUE if level is None else State.BELOW_LEVEL), Rag.RED
    else:
        state, rag = (State.NOT_ASSESSED if level is None else State.ASSESSED_BELOW), Rag.AMBER
    return RequirementFacts(
        kind=Kind.KSF,
        state=state,
        rag=rag,
        code=entry.dimension.code,
        title=entry.dimension.title,
        post_title=a.post.title,
        mandatory=True,
        due=due,
        due_passed=today > due,
        verified_on=signed_on if level is not None else None,
        expires_on=expires_on,
        dimension_id=entry.dimension_id,
        target_level=target,
        gateway=Gateway.SECOND if passed_foundation else Gateway.FOUNDATION,
        held_level=level,
    )


class PostRequirementSource:
    """Each competency a current post requires, against the person's verified sign-offs."""

    def rows(
        self, assignments: Sequence[PostAssignment], today: datetime.date
    ) -> dict[int, list[RequirementFacts]]:
        requirements = defaultdict(list)
        for req in PostRequirement.objects.filter(
            post_id__in={a.post_id for a in assignments}
        ).select_related("competency", "competency__framework", "required_value"):
            requirements[req.post_id].append(req)
        first_proficient = _first_proficient(
            {r.competency.framework_id for reqs in requirements.values() for r in reqs}
        )
        trees = rule_trees([r.competency for reqs in requirements.values() for r in reqs])
        required_ids = {r.competency.identifier for reqs in requirements.values() for r in reqs}
        claims = _claims(
            list(dict.fromkeys(a.staff_id for a in assignments)),
            required_ids
            | trees.identifiers(r.competency_id for reqs in requirements.values() for r in reqs),
        )
        found = _by_staff(assignments)
        for a in assignments:
            for req in requirements.get(a.post_id, []):
                required = req.required_value or first_proficient.get(req.competency.framework_id)
                found[a.staff_id].append(
                    competency_facts(
                        a,
                        req,
                        required,
                        claims.get((a.staff_id, req.competency.identifier), []),
                        today,
                        rollup_of(trees, req.competency_id, required, a.staff_id, claims, today),
                    )
                )
        return found


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


def rollup_of(
    trees: RuleTrees,
    competency_id: int,
    required: ScaleValue | None,
    staff_id: int,
    claims: dict[tuple, list[Attainment]],
    today: datetime.date,
) -> RollUp | None:
    """How the competency's rule stands for the person: parts count at the level required."""
    if competency_id not in trees.nodes or not trees.nodes[competency_id].has_rule:
        return None
    parts = trees.descendants(competency_id)
    held = held_parts(
        (att for n in parts for att in claims.get((staff_id, n.identifier), ())),
        required.sort_order if required else 0,
        today,
    )
    return trees.evaluate(competency_id, held)


def competency_facts(
    a: PostAssignment,
    req: PostRequirement,
    required: ScaleValue | None,
    claims: list[Attainment],
    today: datetime.date,
    rollup: RollUp | None = None,
) -> RequirementFacts:
    """``claims`` are the person's attainments of the competency, newest first.

    With ``rollup`` met (its outcome *Mark as complete*), the requirement is verified through
    its parts when no sign-off of its own is valid: derived, valid until a part expires.
    """
    row = RequirementFacts(
        kind=Kind.COMPETENCY,
        state=State.NOT_STARTED,
        rag=Rag.AMBER,
        code=req.competency.code or req.competency.idnumber,
        title=req.competency.short_name,
        post_title=a.post.title,
        mandatory=req.mandatory,
        due=add_months(a.start_date, req.months_allowed),
        competency_id=req.competency_id,
        framework_title=req.competency.framework.title,
        required_value=required.name if required else "",
        rollup=rollup,
    )
    row.due_passed = row.due is not None and today > row.due
    need = required.sort_order if required else 0
    verified = [c for c in claims if c.status == Attainment.Status.VERIFIED]
    at_level = [c for c in verified if c.value.sort_order >= need]
    valid = [c for c in at_level if c.expires_on is None or c.expires_on >= today]
    if valid:
        best = max(valid, key=lambda c: (c.expires_on or datetime.date.max, c.verified_on))
        row.held_value, row.verified_on, row.expires_on = (
            best.value.name,
            best.verified_on,
            best.expires_on,
        )
        row.assessor = best.assessor.full_name if best.assessor else ""
        if best.expires_on and (best.expires_on - today).days <= EXPIRY_WARNING_DAYS:
            row.state, row.rag = State.EXPIRING, Rag.AMBER
        else:
            row.state, row.rag = State.VERIFIED, Rag.GREEN
        return row
    if rollup is not None and rollup.attains:
        row.held_value = required.name if required else ""
        row.verified_on, row.expires_on = rollup.verified_on, rollup.expires_on
        if row.expires_on and (row.expires_on - today).days <= EXPIRY_WARNING_DAYS:
            row.state, row.rag = State.EXPIRING, Rag.AMBER
        else:
            row.state, row.rag = State.VERIFIED, Rag.GREEN
        return row
    latest = claims[0] if claims else None
    expired = [c for c in at_level if c.expires_on and c.expires_on < today]
    if verified:
        newest = max(verified, key=lambda c: c.verified_on or datetime.date.min)
        row.held_value, row.verified_on, row.expires_on = (
            newest.value.name,
            newest.verified_on,
            newest.expires_on,
        )
    if latest is not None and latest.status == Attainment.Status.REQUESTED:
        row.state = State.AWAITING_SIGN_OFF
        row.requested_from = latest.assessor.full_name if latest.assessor else ""
        row.requested_at = latest.requested_at
    elif latest is not None and latest.status == Attainment.Status.SELF_ASSESSED:
        row.state = State.SELF_ASSESSED
        row.claimed_value = latest.value.name
    elif latest is not None and latest.status == Attainment.Status.DECLINED:
        row.state = State.SIGN_OFF_DECLINED
    elif expired:
        row.state = State.EXPIRED
    elif verified:
        row.state = State.BELOW_LEVEL
    if req.mandatory and (row.due_passed or expired):
        row.rag = Rag.RED
        if row.state is State.NOT_STARTED:
            row.state = State.OVERDUE
    return row


KSF_OUTLINE = KSFOutlineSource()
POST_REQUIREMENTS = PostRequirementSource()
