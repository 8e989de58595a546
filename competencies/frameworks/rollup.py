"""Roll-up rules: when a parent competency counts as attained through its children.

Frameworks carry Moodle's two rules. *All children*: every child is complete. *Points*: the
children listed in the rule's config carry points, the complete ones add up to at least the
base, and every child marked required is complete. A child is complete when it is held (a
verified, valid sign-off at the level asked for) or, in turn, through its own rule.

Only a rule whose outcome is *Mark as complete* makes its parent attained, as in Moodle; a
rule whose outcome is *Recommend for review* says the person is ready to ask for sign-off.
Pure functions over plain data: the reads that feed them are in
``competencies.development.rollups``.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

ALL = "all"
POINTS = "points"
COMPLETE = 3  # Competency.RuleOutcome.COMPLETE
RECOMMEND = 2  # Competency.RuleOutcome.RECOMMEND
EVALUATED_OUTCOMES = (COMPLETE, RECOMMEND)


def has_rule(rule_type: str, outcome: int) -> bool:
    """Whether a competency's rule is evaluated (Moodle's other outcomes do nothing here)."""
    return rule_type in (ALL, POINTS) and outcome in EVALUATED_OUTCOMES


@dataclass(frozen=True)
class Node:
    """One competency of a framework's tree, as the rules need it."""

    pk: int
    parent_id: int | None
    identifier: object  # stable across versions: sign-offs of any version count
    idnumber: str
    code: str
    title: str
    rule_type: str = ""
    rule_outcome: int = 0
    rule_config: object = None

    @property
    def has_rule(self) -> bool:
        return has_rule(self.rule_type, self.rule_outcome)


@dataclass(frozen=True)
class Held:
    """A verified sign-off, valid today at the level asked for."""

    verified_on: datetime.date | None
    expires_on: datetime.date | None  # None: does not expire


@dataclass(frozen=True)
class Part:
    """One child of a parent with a rule, and whether it counts towards the rule."""

    code: str
    title: str
    complete: bool
    derived: bool = False  # complete through its own rule, not a sign-off of its own
    points: int | None = None  # points rules: what the child is worth
    required: bool = False  # points rules: the rule needs this child whatever the points


@dataclass(frozen=True)
class RollUp:
    """How a parent's rule stands for one person."""

    rule_type: str
    outcome: int
    parts: tuple[Part, ...]
    met: bool
    points_needed: int | None = None
    points_held: int | None = None
    verified_on: datetime.date | None = None  # when the last part needed was signed off
    expires_on: datetime.date | None = None  # when the first part counted expires
    counted: tuple[str, ...] = field(default=())  # codes of the parts that met the rule

    @property
    def attains(self) -> bool:
        """The rule is met and its outcome makes the parent attained."""
        return self.met and self.outcome == COMPLETE

    @property
    def done(self) -> int:
        return sum(p.complete for p in self.parts)


def _points_config(config: object) -> tuple[int, dict[str, tuple[int, bool]]]:
    """(points needed, {child idnumber: (points, required)}) from Moodle's rule config."""
    if not isinstance(config, Mapping):
        return 0, {}
    base = config.get("base")
    needed = base.get("points") if isinstance(base, Mapping) else None
    listed: dict[str, tuple[int, bool]] = {}
    entries = config.get("competencies")
    for entry in entries if isinstance(entries, Sequence) else []:
        if not isinstance(entry, Mapping) or entry.get("id") in (None, ""):
            continue
        points = entry.get("points")
        listed[str(entry["id"])] = (
            points if isinstance(points, int) and points > 0 else 0,
            bool(entry.get("required")),
        )
    return (needed if isinstance(needed, int) and needed > 0 else 0), listed


def _earliest(dates: Sequence[datetime.date | None]) -> datetime.date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def evaluate(
    node: Node,
    children: Mapping[int | None, Sequence[Node]],
    held: Mapping[object, Held],
) -> RollUp | None:
    """How ``node``'s rule stands, given what is ``held`` by identifier; None without a rule.

    ``children`` maps a competency's pk to its children in order. Trees are at most
    ``Competency.MAX_DEPTH`` deep, so the recursion is shallow.
    """
    if not node.has_rule:
        return None
    kids = list(children.get(node.pk, ()))
    if not kids:
        return None
    parts: list[Part] = []
    dates: dict[str, Held] = {}
    needed: int | None = None
    listed: dict[str, tuple[int, bool]] = {}
    if node.rule_type == POINTS:
        needed, listed = _points_config(node.rule_config)
    for kid in kids:
        own = held.get(kid.identifier)
        derived = None
        if own is None:
            nested = evaluate(kid, children, held)
            if nested is not None and nested.attains:
                derived = Held(nested.verified_on, nested.expires_on)
        complete = own is not None or derived is not None
        if complete:
            dates[kid.idnumber] = own or derived  # type: ignore[assignment]
        points, required = listed.get(kid.idnumber, (None, False))
        parts.append(
            Part(
                code=kid.code or kid.idnumber,
                title=kid.title,
                complete=complete,
                derived=derived is not None,
                points=points,
                required=required,
            )
        )
    if node.rule_type == ALL:
        met = all(p.complete for p in parts)
        counted = [k.idnumber for k in kids]
        held_points = None
    else:
        held_points = sum(p.points or 0 for p in parts if p.complete)
        met = (
            needed is not None
            and needed > 0
            and held_points >= needed
            and all(p.complete for p in parts if p.required)
        )
        counted = [k.idnumber for k, p in zip(kids, parts, strict=True) if p.complete]
    if not met:
        return RollUp(node.rule_type, node.rule_outcome, tuple(parts), False, needed, held_points)
    used = [dates[i] for i in counted if i in dates]
    return RollUp(
        rule_type=node.rule_type,
        outcome=node.rule_outcome,
        parts=tuple(parts),
        met=True,
        points_needed=needed,
        points_held=held_points,
        verified_on=max((h.verified_on for h in used if h.verified_on), default=None),
        expires_on=_earliest([h.expires_on for h in used]),
        counted=tuple(p.code for k, p in zip(kids, parts, strict=True) if k.idnumber in counted),
    )
