"""Where the flags learn about practice under supervision: a Wagtail hook.

Hook ``register_supervised_practice``
    A function taking no arguments that returns a callable, or a list of them, each taking
    ``staff_ids`` (a sequence of staff ids, or ``None`` for everyone) and returning
    ``SupervisedPeriod`` rows (or plain ``(staff_id, competency_id, start, end)`` tuples):
    the competencies someone may practise under supervision between ``start`` and ``end``
    inclusive (``end`` None: still under supervision). A contact needing the competency by
    that person within the period is "supervised practice" (``Flag.detail == "supervised"``),
    not practice without a valid sign-off. Each callable answers in a fixed number of queries.

    The fellowships app registers its enrolments (``fellowships/practice.py``) from its
    ``wagtail_hooks.py``; competencies never imports fellowships::

        @hooks.register("register_supervised_practice")
        def register_supervised_practice():
            from fellowships.practice import supervised_periods

            return supervised_periods
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import NamedTuple

from competencies.development.registry import registered

SUPERVISED_PRACTICE_HOOK = "register_supervised_practice"


class SupervisedPeriod(NamedTuple):
    staff_id: int
    competency_id: int
    start: datetime.date
    end: datetime.date | None


SupervisedPracticeSource = Callable[[Sequence[int] | None], list[SupervisedPeriod]]


def supervised_periods(staff_ids: Sequence[int] | None) -> list[SupervisedPeriod]:
    """Every registered source's supervision periods for these people (None: everyone)."""
    return [
        SupervisedPeriod(*row)
        for source in registered(SUPERVISED_PRACTICE_HOOK)
        for row in source(staff_ids)
    ]
