"""The reads behind roll-up rules: framework trees and the sign-offs their parts need.

A required competency with a rule (see ``competencies.frameworks.rollup``) counts as
attained when its children are. It is worked out on each read from the sign-offs
themselves, never stored, so it cannot go stale when a part expires or is withdrawn; the
status pages say it is derived and name the parts that met it.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from competencies.frameworks.rollup import Held, Node, RollUp, evaluate, has_rule
from competencies.models import Attainment, Competency, ScaleValue


@dataclass
class RuleTrees:
    """The trees of the frameworks whose required competencies carry a rule."""

    nodes: dict[int, Node] = field(default_factory=dict)
    children: dict[int | None, list[Node]] = field(default_factory=lambda: defaultdict(list))

    def descendants(self, pk: int) -> list[Node]:
        found: list[Node] = []
        stack = list(self.children.get(pk, ()))
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(self.children.get(node.pk, ()))
        return found

    def identifiers(self, pks: Iterable[int]) -> set:
        """The identifiers of every part below ``pks``: whose sign-offs the rules read."""
        return {n.identifier for pk in pks for n in self.descendants(pk)}

    def evaluate(self, pk: int, held: dict[object, Held]) -> RollUp | None:
        node = self.nodes.get(pk)
        return evaluate(node, self.children, held) if node is not None else None


def rule_trees(competencies: Sequence[Competency]) -> RuleTrees:
    """One query: every competency of the frameworks where one of ``competencies`` has a rule."""
    trees = RuleTrees()
    framework_ids = {c.framework_id for c in competencies if has_rule(c.rule_type, c.rule_outcome)}
    if not framework_ids:
        return trees
    rows = (
        Competency.objects.filter(framework_id__in=framework_ids)
        .order_by("framework_id", "depth", "sort_order", "pk")
        .values_list(
            "pk", "parent_id", "identifier", "idnumber", "code", "short_name",
            "rule_type", "rule_outcome", "rule_config",
        )
    )  # fmt: skip
    for row in rows:
        node = Node(*row)
        trees.nodes[node.pk] = node
        trees.children[node.parent_id].append(node)
    return trees


def held_parts(claims: Iterable[Attainment], need: int, today: datetime.date) -> dict[object, Held]:
    """By competency identifier: the best verified, valid sign-off at the level ``need``."""
    held: dict[object, Held] = {}
    for att in claims:
        if att.status != Attainment.Status.VERIFIED or att.value.sort_order < need:
            continue
        if att.expires_on is not None and att.expires_on < today:
            continue
        key = att.competency.identifier
        best = held.get(key)
        later = (att.expires_on or datetime.date.max) > (
            (best.expires_on or datetime.date.max) if best else datetime.date.min
        )
        if best is None or later:
            held[key] = Held(att.verified_on, att.expires_on)
    return held


def rollup_for(
    person_id: int, competency: Competency, need: int | None, today: datetime.date
) -> RollUp | None:
    """How ``competency``'s rule stands for one person, parts counted at level ``need``.

    ``need`` is a scale value's sort order; None: the framework's first proficient value, as
    a requirement that names no level asks for.
    """
    trees = rule_trees([competency])
    if competency.pk not in trees.nodes:
        return None
    if need is None:
        first = (
            ScaleValue.objects.filter(framework_id=competency.framework_id)
            .order_by("-proficient", "sort_order")
            .first()
        )
        need = first.sort_order if first else 0
    identifiers = trees.identifiers([competency.pk])
    claims = (
        Attainment.objects.filter(
            staff_id=person_id,
            competency__identifier__in=identifiers,
            status=Attainment.Status.VERIFIED,
        )
        .select_related("value", "competency")
        .order_by("-created_at", "-pk")
    )
    return trees.evaluate(competency.pk, held_parts(claims, need, today))
