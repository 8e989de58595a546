"""Where the development engine finds its requirement sources: a Wagtail hook.

Hook ``register_requirement_source``
    A function taking no arguments that returns a requirement source, or a list of them.
    A source is any object with ::

        def rows(self, assignments, today) -> Mapping[int, list[RequirementFacts]]

    ``assignments`` is the batch of current ``PostAssignment`` rows of everyone asked about,
    with ``post`` loaded, ordered by staff id then start date; ``today`` is the local date.
    The source returns facts rows (``competencies.development.facts``) keyed by staff id and
    must answer in a fixed number of queries, however many people are in the batch: team
    pages and workbooks ask for 50 people at once.

    Rows are shown source by source in hook order (``hooks.register(..., order=n)``), then red,
    amber, green, then by due date and code. The KSF outline and the post's required
    competencies are registered in ``competencies/wagtail_hooks.py``. A fellowships source
    registers the same way from its own app, adding its ``Kind`` and any new ``State`` to
    ``facts`` and their words to ``presenter``::

        @hooks.register("register_requirement_source")
        def register_fellowship_milestones():
            return FellowshipMilestoneSource()

Hook ``register_future_attainments``
    A function taking no arguments that returns a callable, or a list of them, each taking
    ``(staff_ids, today)`` and returning ``FutureAttainment`` rows: competencies people are
    expected to hold from a date (a fellowship's forecast completion). The skill-mix
    projection reads them through ``future_attainments``, without importing their source.

Hook ``register_fellowship_progress``
    A function taking no arguments that returns a callable, or a list of them, each taking
    ``(person, today)`` and returning that person's ``FellowshipLine`` rows (below; their
    words already in the active language). The development plan page and workbook show
    them in a "Fellowship progress" section, left out while there are none.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from wagtail import hooks

from competencies.development.facts import RequirementFacts
from ksf.models import PostAssignment, StaffMember

REQUIREMENT_SOURCE_HOOK = "register_requirement_source"
FUTURE_ATTAINMENTS_HOOK = "register_future_attainments"
FELLOWSHIP_PROGRESS_HOOK = "register_fellowship_progress"


class RequirementSource(Protocol):
    def rows(
        self, assignments: Sequence[PostAssignment], today: datetime.date
    ) -> Mapping[int, list[RequirementFacts]]: ...


@dataclass
class FellowshipLine:
    """One step of a fellowship programme on a development plan, in the active language."""

    fellowship: str
    step: str
    state: str
    due: datetime.date | None = None
    completed_on: datetime.date | None = None


FellowshipProgressSource = Callable[[StaffMember, datetime.date], list[FellowshipLine]]


@dataclass(frozen=True)
class FutureAttainment:
    """A competency someone is expected to hold from ``expected_on`` (not yet verified)."""

    staff_id: int
    competency_id: int
    expected_on: datetime.date
    source: str  # e.g. "fellowship:<enrolment public id>"


FutureAttainmentSource = Callable[[Sequence[int], datetime.date], list[FutureAttainment]]


def registered(hook_name: str) -> list:
    """Everything the ``hook_name`` functions return, in hook order, lists flattened."""
    found: list = []
    for register in hooks.get_hooks(hook_name):
        result = register()
        found.extend(result if isinstance(result, list | tuple) else [result])
    return found


def requirement_sources() -> list[RequirementSource]:
    return registered(REQUIREMENT_SOURCE_HOOK)


def fellowship_progress_sources() -> list[FellowshipProgressSource]:
    return registered(FELLOWSHIP_PROGRESS_HOOK)


def future_attainments(staff_ids: Sequence[int], today: datetime.date) -> list[FutureAttainment]:
    """Every registered source's expected attainments for these people."""
    return [
        row for source in registered(FUTURE_ATTAINMENTS_HOOK) for row in source(staff_ids, today)
    ]
