"""The words for the development engine's facts: the one place RAG rows become sentences.

Everything goes through Django's translation functions with named placeholders, and dates
through ``django.utils.formats.date_format``, so a translation catalogue changes every page,
workbook and email that shows a requirement at once. The English is what a clinician reads
on 'My development'; tests pin it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from competencies.development.facts import Gateway, Kind, Rag, RequirementFacts, State
from ksf import dates

LONG_DATE = "j F Y"  # 23 November 2026
SHORT_DATE = "j M Y"  # 23 Nov 2026


def _fact(name: str) -> property:
    return property(lambda self: getattr(self.facts, name), doc=f"``facts.{name}``")


@dataclass(frozen=True)
class RequirementStatus:
    """A facts row with the words shown for it: what templates and workbooks read.

    The words are worked out when first read (in the language active then), so counting
    red, amber and green for a whole board costs no translation at all.
    """

    facts: RequirementFacts

    @cached_property
    def state(self) -> str:
        return state_text(self.facts)

    @cached_property
    def next_step(self) -> str:
        return next_step_text(self.facts)

    @cached_property
    def required(self) -> str:
        return required_text(self.facts)

    @cached_property
    def held(self) -> str:
        return held_text(self.facts)

    state_code = _fact("state")
    kind = _fact("kind")
    rag = _fact("rag")
    code = _fact("code")
    title = _fact("title")
    post_title = _fact("post_title")
    mandatory = _fact("mandatory")
    due = _fact("due")
    verified_on = _fact("verified_on")
    expires_on = _fact("expires_on")
    dimension_id = _fact("dimension_id")
    target_level = _fact("target_level")
    gateway = _fact("gateway")
    held_level = _fact("held_level")
    competency_id = _fact("competency_id")
    framework_title = _fact("framework_title")
    required_value = _fact("required_value")
    held_value = _fact("held_value")
    assessor = _fact("assessor")
    claimed_value = _fact("claimed_value")
    requested_from = _fact("requested_from")
    requested_at = _fact("requested_at")


def present(facts: RequirementFacts) -> RequirementStatus:
    return RequirementStatus(facts=facts)


def long_date(value: datetime.date | None) -> str:
    """'8 February 2027'; empty for a fact the engine did not record."""
    return date_format(value, LONG_DATE) if value is not None else ""


def short_date(value: datetime.date | None) -> str:
    """'8 Feb 2027'; empty for a fact the engine did not record."""
    return date_format(value, SHORT_DATE) if value is not None else ""


# Labels ---------------------------------------------------------------------------------------


def rag_label(rag: Rag) -> str:
    return {
        Rag.RED: pgettext("RAG status", "Red"),
        Rag.AMBER: pgettext("RAG status", "Amber"),
        Rag.GREEN: pgettext("RAG status", "Green"),
    }[rag]


def kind_label(kind: Kind) -> str:
    return {
        Kind.KSF: gettext("KSF dimension"),
        Kind.COMPETENCY: pgettext("requirement type", "Competency"),
    }[kind]


def mandatory_label(mandatory: bool) -> str:
    return gettext("Mandatory") if mandatory else gettext("Desirable")


def required_text(facts: RequirementFacts) -> str:
    """What is needed: 'Level 3 (second gateway)', or the scale value of a competency."""
    if facts.kind == Kind.KSF:
        if facts.gateway == Gateway.SECOND:
            text = gettext("Level %(level)s (second gateway)")
        else:
            text = gettext("Level %(level)s (foundation gateway)")
        return text % {"level": facts.target_level}
    return facts.required_value or pgettext("required level", "Proficient")


def held_text(facts: RequirementFacts) -> str:
    """What is held: 'Level 2' from the latest review, or the scale value verified."""
    if facts.kind == Kind.KSF:
        if facts.held_level is None:
            return ""
        return gettext("Level %(level)s") % {"level": facts.held_level}
    return facts.held_value


# States ---------------------------------------------------------------------------------------


def _below_level(facts: RequirementFacts) -> str:
    if facts.kind == Kind.KSF:
        return gettext("Below level (level %(level)s)") % {"level": facts.held_level}
    return gettext("Below level (%(held)s)") % {"held": facts.held_value}


STATES: dict[State, Callable[[RequirementFacts], str]] = {
    State.NOT_ASSESSED: lambda f: pgettext("requirement state", "Not yet assessed"),
    State.MET: lambda f: pgettext("requirement state", "Met"),
    State.REVIEW_DUE_SOON: lambda f: pgettext("requirement state", "Review due soon"),
    State.REVIEW_OVERDUE: lambda f: pgettext("requirement state", "Review overdue"),
    State.ASSESSED_BELOW: lambda f: (
        gettext("Assessed at level %(level)s") % {"level": f.held_level}
    ),
    State.OVERDUE: lambda f: pgettext("requirement state", "Overdue"),
    State.BELOW_LEVEL: _below_level,
    State.NOT_STARTED: lambda f: pgettext("requirement state", "Not started"),
    State.VERIFIED: lambda f: pgettext("requirement state", "Verified"),
    State.EXPIRING: lambda f: gettext("Expires %(date)s") % {"date": short_date(f.expires_on)},
    State.AWAITING_SIGN_OFF: lambda f: pgettext("requirement state", "Awaiting sign-off"),
    State.SELF_ASSESSED: lambda f: gettext("Self-assessed: %(value)s") % {"value": f.claimed_value},
    State.SIGN_OFF_DECLINED: lambda f: pgettext("requirement state", "Sign-off declined"),
    State.EXPIRED: lambda f: pgettext("requirement state", "Expired"),
}


def state_text(facts: RequirementFacts) -> str:
    return STATES[facts.state](facts)


# Next steps -----------------------------------------------------------------------------------


def _agree_objective(f: RequirementFacts) -> str:
    return gettext("Agree a PDP objective to reach level %(level)s.") % {"level": f.target_level}


def _waiting(f: RequirementFacts) -> str:
    asked = short_date(dates.local_date(f.requested_at)) if f.requested_at else ""
    if f.requested_from and asked:
        text = gettext("Waiting for %(assessor)s (asked %(date)s).")
    elif f.requested_from:
        text = gettext("Waiting for %(assessor)s.")
    elif asked:
        text = gettext("Waiting for your assessor (asked %(date)s).")
    else:
        text = gettext("Waiting for your assessor.")
    return text % {"assessor": f.requested_from, "date": asked}


KSF_NEXT_STEPS: dict[State, Callable[[RequirementFacts], str]] = {
    State.NOT_ASSESSED: lambda f: gettext("Prepare evidence for your development review."),
    State.MET: lambda f: gettext("Nothing to do until your review."),
    State.REVIEW_DUE_SOON: lambda f: (
        gettext("Review due by %(date)s.") % {"date": long_date(f.expires_on)}
    ),
    State.REVIEW_OVERDUE: lambda f: gettext(
        "Your development review is overdue: agree a date with your manager."
    ),
    State.ASSESSED_BELOW: _agree_objective,
    State.BELOW_LEVEL: _agree_objective,
    State.OVERDUE: lambda f: gettext("Overdue: agree a development review with your line manager."),
}

COMPETENCY_NEXT_STEPS: dict[State, Callable[[RequirementFacts], str]] = {
    State.NOT_STARTED: lambda f: (
        gettext("Self-assess and ask for sign-off by %(date)s.") % {"date": long_date(f.due)}
    ),
    State.OVERDUE: lambda f: (
        gettext("Overdue since %(date)s: self-assess and ask for sign-off.")
        % {"date": long_date(f.due)}
    ),
    State.VERIFIED: lambda f: gettext("Nothing to do."),
    State.EXPIRING: lambda f: (
        gettext("Ask for sign-off again before %(date)s.") % {"date": long_date(f.expires_on)}
    ),
    State.AWAITING_SIGN_OFF: _waiting,
    State.SELF_ASSESSED: lambda f: gettext("Ask an assessor to sign this off."),
    State.SIGN_OFF_DECLINED: lambda f: gettext(
        "Read the assessor's comment, gather more evidence and ask again."
    ),
    State.EXPIRED: lambda f: gettext("Ask for sign-off again."),
    State.BELOW_LEVEL: lambda f: (
        gettext("Work towards %(required)s and ask for sign-off.") % {"required": required_text(f)}
    ),
}

NEXT_STEPS: dict[Kind, dict[State, Callable[[RequirementFacts], str]]] = {
    Kind.KSF: KSF_NEXT_STEPS,
    Kind.COMPETENCY: COMPETENCY_NEXT_STEPS,
}


def next_step_text(facts: RequirementFacts) -> str:
    return NEXT_STEPS[facts.kind][facts.state](facts)
