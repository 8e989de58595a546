"""What the development engine knows about one requirement: facts, never sentences.

A requirement source (see ``competencies.development.registry``) turns a person's current
posts into ``RequirementFacts`` rows; ``competencies.development.presenter`` turns each row
into the words a page or a workbook shows. Nothing here is translated or formatted, so the
engine can decide on enums and dates and the presenter is the only place that speaks.

A new source (fellowship milestones, mandatory activities...) adds its ``Kind`` here, any
situations the existing ``State`` members do not describe, and their words in the presenter.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from competencies.frameworks.rollup import RollUp

EXPIRY_WARNING_DAYS = 90


class Kind(StrEnum):
    """Where a requirement comes from."""

    KSF = "ksf"  # a dimension of a post's KSF outline
    COMPETENCY = "competency"  # a competency the post requires


class State(StrEnum):
    """The situation a requirement is in; the RAG colour is decided alongside it."""

    # KSF outline dimensions (levels from the latest signed development review)
    NOT_ASSESSED = "not_assessed"  # no level agreed yet, review not yet due
    MET = "met"  # at the level needed, review more than 90 days away
    REVIEW_DUE_SOON = "review_due_soon"  # at the level needed, review due within 90 days
    REVIEW_OVERDUE = "review_overdue"  # at the level needed, but the review is overdue
    ASSESSED_BELOW = "assessed_below"  # assessed below the level needed, review not yet due
    # Either kind
    OVERDUE = "overdue"  # nothing held and the due date has passed
    BELOW_LEVEL = "below_level"  # held below the level needed (KSF: and past the due date)
    # Required competencies (verified sign-offs)
    NOT_STARTED = "not_started"  # no claim yet, still within the time allowed
    VERIFIED = "verified"  # verified at the level needed and valid beyond 90 days
    EXPIRING = "expiring"  # verified at the level needed, expiring within 90 days
    AWAITING_SIGN_OFF = "awaiting_sign_off"  # the latest claim waits for an assessor
    SELF_ASSESSED = "self_assessed"  # the latest claim is a self-assessment only
    SIGN_OFF_DECLINED = "sign_off_declined"  # the latest claim was declined
    EXPIRED = "expired"  # was verified at the level needed, now expired


class Rag(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"

    @property
    def label(self) -> str:
        """'Red', 'Amber' or 'Green' in the active language."""
        from competencies.development.presenter import rag_label

        return rag_label(self)


RAG_ORDER = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}


class Gateway(StrEnum):
    """The KSF gateway whose level a dimension is measured against."""

    FOUNDATION = "foundation"
    SECOND = "second"


@dataclass
class RequirementFacts:
    """One requirement of one person's current post, as data."""

    kind: Kind
    state: State
    rag: Rag
    code: str
    title: str
    post_title: str
    mandatory: bool
    due: datetime.date | None
    due_passed: bool = False  # ``due`` is before today (whether or not anything is still due)
    verified_on: datetime.date | None = None  # KSF: review signed; competency: sign-off
    expires_on: datetime.date | None = None  # KSF: next review due; competency: validity end
    # KSF outline dimensions
    dimension_id: int | None = None
    target_level: int | None = None  # the level needed at ``gateway``
    gateway: Gateway | None = None
    held_level: int | None = None  # the level the reviewer agreed
    # the PDP objective the latest signed review agreed for this dimension, if any
    objective: str = ""
    objective_target: datetime.date | None = None
    objective_status: str = ""  # a ``PDPObjective.Status`` value
    # Required competencies
    competency_id: int | None = None
    framework_title: str = ""
    required_value: str = ""  # the scale value needed; empty: the framework names none
    held_value: str = ""  # the scale value verified
    assessor: str = ""  # who verified ``held_value`` (only while it is valid)
    claimed_value: str = ""  # the value of the latest self-assessment
    requested_from: str = ""  # the assessor asked to sign off; empty: none named
    requested_at: datetime.datetime | None = None  # when the sign-off was asked for
    # how the competency's roll-up rule stands, if it has one; ``rollup.attains``: the row is
    # verified through its parts rather than a sign-off of its own
    rollup: RollUp | None = None
