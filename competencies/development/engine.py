"""Where a person stands against everything their posts require: red, amber or green.

The engine asks each registered requirement source (``competencies.development.registry``:
the KSF outline of each current post and the post's required competencies, so far) for facts
rows about a batch of people, orders them, and passes each through the presenter, which adds
the words. It decides nothing itself and never looks at text.

Everything is fetched for many people at once in a fixed number of queries (one for the
current assignments, then each source's own fixed few), so a manager's team page costs the
same for 5 or 50 people.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from competencies.development.facts import (
    EXPIRY_WARNING_DAYS,
    RAG_ORDER,
    Kind,
    Rag,
    RequirementFacts,
    State,
)
from competencies.development.presenter import RequirementStatus, present, reader_about
from competencies.development.registry import requirement_sources
from ksf import dates
from ksf.models import PostAssignment, StaffMember

__all__ = [
    "EXPIRY_WARNING_DAYS",
    "DevelopmentStatus",
    "Kind",
    "Rag",
    "RequirementFacts",
    "RequirementStatus",
    "State",
    "development_status",
    "development_statuses",
    "rag_counts",
]


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
        return [r for r in self.rows if r.kind == Kind.KSF]

    @property
    def competency_rows(self) -> list[RequirementStatus]:
        return [r for r in self.rows if r.kind == Kind.COMPETENCY]

    def expiring(
        self, today: datetime.date, days: int = EXPIRY_WARNING_DAYS
    ) -> list[RequirementStatus]:
        horizon = today + datetime.timedelta(days=days)
        return [r for r in self.rows if r.expires_on and today <= r.expires_on <= horizon]


def development_status(
    person: StaffMember, today: datetime.date | None = None, *, is_self: bool = True
) -> DevelopmentStatus:
    """``is_self``: the person is reading ("you"); otherwise the words name them ("their")."""
    return development_statuses([person], today, is_self=is_self)[person.pk]


def development_statuses(
    people: Iterable[StaffMember], today: datetime.date | None = None, *, is_self: bool = True
) -> dict[int, DevelopmentStatus]:
    """Status for each person, keyed by staff id, in a constant number of queries.

    ``is_self``: each person reads their own rows; otherwise someone else (a manager, a
    workbook for a team) does, and the next steps name the person by first name.
    """
    today = today or dates.today()
    people = list(people)
    result = {p.pk: DevelopmentStatus(person=p) for p in people}
    facts = requirement_facts(people, today)
    for staff_id, rows in facts.items():
        person = result[staff_id].person
        reader = reader_about(person.first_name, is_self)
        result[staff_id].rows = [present(row, reader) for row in rows]
    return result


def requirement_facts(
    people: Iterable[StaffMember], today: datetime.date
) -> dict[int, list[RequirementFacts]]:
    """The facts rows of each person with a current post, in the order they are shown.

    Source by source in registry order, then red before amber before green, then by due date
    and code.
    """
    assignments = list(
        PostAssignment.objects.current(today)
        .filter(staff_id__in=[p.pk for p in people])
        .select_related("post")
        .order_by("staff_id", "start_date")
    )
    if not assignments:
        return {}
    ranked: dict[int, list[tuple[int, RequirementFacts]]] = defaultdict(list)
    for rank, source in enumerate(requirement_sources()):
        for staff_id, rows in source.rows(assignments, today).items():
            ranked[staff_id].extend((rank, row) for row in rows)
    return {
        staff_id: [
            row
            for _, row in sorted(
                rows,
                key=lambda item: (
                    item[0],
                    RAG_ORDER[item[1].rag],
                    item[1].due or today,
                    item[1].code,
                ),
            )
        ]
        for staff_id, rows in ranked.items()
    }


def rag_counts(people: Iterable[StaffMember], today: datetime.date | None = None) -> dict:
    """Just the counts per person, for team tables."""
    return {pk: s.counts for pk, s in development_statuses(people, today).items()}
