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
from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext, pgettext

from competencies.development.facts import Gateway, Kind, Rag, RequirementFacts, State
from ksf import dates

LONG_DATE = "j F Y"  # 23 November 2026
SHORT_DATE = "j M Y"  # 23 Nov 2026


@dataclass(frozen=True)
class Reader:
    """Who reads the words: the person themself ("you"), or someone else, who reads the
    person's first name and "their"."""

    name: str = ""  # the person's first name; empty: the person is reading

    @property
    def is_self(self) -> bool:
        return not self.name


SELF = Reader()


def reader_about(first_name: str, is_self: bool) -> Reader:
    """The reader of one person's rows: ``SELF``, or a reader who sees ``first_name``."""
    return SELF if is_self else Reader(name=first_name)


def _fact(name: str) -> property:
    return property(lambda self: getattr(self.facts, name), doc=f"``facts.{name}``")


@dataclass(frozen=True)
class RequirementStatus:
    """A facts row with the words shown for it: what templates and workbooks read.

    The words are worked out when first read (in the language active then), so counting
    red, amber and green for a whole board costs no translation at all.
    """

    facts: RequirementFacts
    reader: Reader = SELF

    @cached_property
    def state(self) -> str:
        return state_text(self.facts)

    @cached_property
    def next_step(self) -> str:
        return next_step_text(self.facts, self.reader)

    @cached_property
    def due_text(self) -> str:
        """'Due by …' or 'Overdue since …'; empty when nothing is still due."""
        return due_text(self.facts)

    @property
    def due_by(self) -> datetime.date | None:
        """The date something is still due by; None when nothing is (e.g. verified)."""
        return due_by(self.facts)

    @property
    def overdue(self) -> bool:
        """Something is still due and its date has passed (desirable rows never are)."""
        day, passed = _still_due(self.facts)
        return day is not None and passed and (self.facts.mandatory or self.kind == Kind.KSF)

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
    due_passed = _fact("due_passed")
    verified_on = _fact("verified_on")
    expires_on = _fact("expires_on")
    dimension_id = _fact("dimension_id")
    target_level = _fact("target_level")
    gateway = _fact("gateway")
    held_level = _fact("held_level")
    objective = _fact("objective")
    objective_target = _fact("objective_target")
    objective_status = _fact("objective_status")
    competency_id = _fact("competency_id")
    framework_title = _fact("framework_title")
    required_value = _fact("required_value")
    held_value = _fact("held_value")
    assessor = _fact("assessor")
    claimed_value = _fact("claimed_value")
    requested_from = _fact("requested_from")
    requested_at = _fact("requested_at")


def present(facts: RequirementFacts, reader: Reader = SELF) -> RequirementStatus:
    return RequirementStatus(facts=facts, reader=reader)


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
    State.VERIFIED: lambda f: (
        gettext("Verified through its parts")
        if f.rollup is not None and f.rollup.attains
        else pgettext("requirement state", "Verified")
    ),
    State.EXPIRING: lambda f: gettext("Expires %(date)s") % {"date": short_date(f.expires_on)},
    State.AWAITING_SIGN_OFF: lambda f: pgettext("requirement state", "Awaiting sign-off"),
    State.SELF_ASSESSED: lambda f: gettext("Self-assessed: %(value)s") % {"value": f.claimed_value},
    State.SIGN_OFF_DECLINED: lambda f: pgettext("requirement state", "Sign-off declined"),
    State.EXPIRED: lambda f: pgettext("requirement state", "Expired"),
}


def state_text(facts: RequirementFacts) -> str:
    return STATES[facts.state](facts)


# Due dates -----------------------------------------------------------------------------------


def _still_due(f: RequirementFacts) -> tuple[datetime.date | None, bool]:
    """The date something is still due by, and whether it has passed; (None, False): nothing due.

    A verified competency or a KSF level met with the review more than 90 days away has
    nothing due, whatever the original due date was; a level met or a sign-off expiring soon
    is due again by its review or expiry date.
    """
    if f.state in (State.MET, State.VERIFIED):
        return None, False
    if f.state in (State.REVIEW_DUE_SOON, State.EXPIRING):
        return f.expires_on, False
    if f.state in (State.REVIEW_OVERDUE, State.EXPIRED):
        return f.expires_on, True
    return f.due, f.due_passed


def due_by(facts: RequirementFacts) -> datetime.date | None:
    """The date something is still due by (past when overdue); None when nothing is due."""
    return _still_due(facts)[0]


def due_text(facts: RequirementFacts) -> str:
    """'Due by 8 Feb 2027', 'Overdue since 23 Sep 2019', or empty when nothing is due."""
    day, passed = _still_due(facts)
    if day is None:
        return ""
    if facts.kind == Kind.KSF and facts.state in (State.REVIEW_DUE_SOON, State.REVIEW_OVERDUE):
        if passed:
            text = gettext("Review overdue since %(date)s")
        else:
            text = gettext("Review due by %(date)s")
    elif passed and facts.mandatory:
        text = gettext("Overdue since %(date)s")
    elif passed:  # desirable requirements are never overdue
        text = gettext("Was due by %(date)s")
    else:
        text = gettext("Due by %(date)s")
    return text % {"date": short_date(day)}


# Next steps -----------------------------------------------------------------------------------


def _say(reader: Reader, own: str, other: str, **values: object) -> str:
    """``own`` (to the person: "you") or ``other`` (about them, by first name: "their")."""
    if reader.is_self:
        return own % values
    return other % {"name": reader.name, **values}


def _objective(f: RequirementFacts, r: Reader) -> str:
    """The next step once the latest signed review agreed a PDP objective for the dimension."""
    values = {
        "objective": f.objective,
        "date": long_date(f.objective_target),
        "status": objective_status_label(f.objective_status),
    }
    if f.objective_status == "achieved":
        return _say(
            r,
            gettext(
                "PDP objective “%(objective)s” achieved (target %(date)s): "
                "show the evidence at your next review."
            ),
            gettext(
                "PDP objective “%(objective)s” achieved (target %(date)s): "
                "%(name)s shows the evidence at their next review."
            ),
            **values,
        )
    if (
        f.objective_status in ("not_started", "in_progress")
        and f.objective_target is not None
        and f.objective_target < dates.today()
    ):
        return _say(
            r,
            gettext(
                "Your PDP objective “%(objective)s” is overdue: its target was %(date)s "
                "(%(status)s). Record your progress or agree a new date with your line manager."
            ),
            gettext(
                "%(name)s's PDP objective “%(objective)s” is overdue: its target was %(date)s "
                "(%(status)s). Record progress or agree a new date with them."
            ),
            **values,
        )
    return _say(
        r,
        gettext("Work on your PDP objective “%(objective)s” by %(date)s (%(status)s)."),
        gettext(
            "%(name)s is working on their PDP objective “%(objective)s” by %(date)s (%(status)s)."
        ),
        **values,
    )


def _agree_objective(f: RequirementFacts, r: Reader) -> str:
    if f.objective:
        return _objective(f, r)
    return gettext("Agree a PDP objective to reach level %(level)s.") % {"level": f.target_level}


def objective_status_label(status: str) -> str:
    return {
        "not_started": pgettext("PDP objective status", "not started"),
        "in_progress": pgettext("PDP objective status", "in progress"),
        "achieved": pgettext("PDP objective status", "achieved"),
        "carried_forward": pgettext("PDP objective status", "carried forward"),
    }.get(status, status)


def _waiting(f: RequirementFacts, r: Reader) -> str:
    asked = short_date(dates.local_date(f.requested_at)) if f.requested_at else ""
    if f.requested_from and asked:
        return gettext("Waiting for %(assessor)s (asked %(date)s).") % {
            "assessor": f.requested_from,
            "date": asked,
        }
    if f.requested_from:
        return gettext("Waiting for %(assessor)s.") % {"assessor": f.requested_from}
    if asked:
        return _say(
            r,
            gettext("Waiting for your assessor (asked %(date)s)."),
            gettext("Waiting for %(name)s's assessor (asked %(date)s)."),
            date=asked,
        )
    return _say(
        r, gettext("Waiting for your assessor."), gettext("Waiting for %(name)s's assessor.")
    )


Step = Callable[[RequirementFacts, Reader], str]

KSF_NEXT_STEPS: dict[State, Step] = {
    State.NOT_ASSESSED: lambda f, r: _say(
        r,
        gettext("Prepare evidence for your development review."),
        gettext("%(name)s prepares evidence for their development review."),
    ),
    State.MET: lambda f, r: _say(
        r,
        gettext("Nothing to do until your review."),
        gettext("Nothing to do until %(name)s's review."),
    ),
    State.REVIEW_DUE_SOON: lambda f, r: (
        gettext("Review due by %(date)s.") % {"date": long_date(f.expires_on)}
    ),
    State.REVIEW_OVERDUE: lambda f, r: _say(
        r,
        gettext("Your development review is overdue: agree a date with your manager."),
        gettext("%(name)s's development review is overdue: agree a date with their line manager."),
    ),
    State.ASSESSED_BELOW: _agree_objective,
    State.BELOW_LEVEL: _agree_objective,
    State.OVERDUE: lambda f, r: _say(
        r,
        gettext("Overdue: agree a development review with your line manager."),
        gettext("Overdue: %(name)s needs a development review agreed with their line manager."),
    ),
}

COMPETENCY_NEXT_STEPS: dict[State, Step] = {
    State.NOT_STARTED: lambda f, r: _say(
        r,
        gettext("Self-assess and ask for sign-off by %(date)s."),
        gettext("%(name)s self-assesses and asks for sign-off by %(date)s."),
        date=long_date(f.due),
    ),
    State.OVERDUE: lambda f, r: _say(
        r,
        gettext("Overdue since %(date)s: self-assess and ask for sign-off."),
        gettext("Overdue since %(date)s: %(name)s self-assesses and asks for sign-off."),
        date=long_date(f.due),
    ),
    State.VERIFIED: lambda f, r: gettext("Nothing to do."),
    State.EXPIRING: lambda f, r: _say(
        r,
        gettext("Ask for sign-off again before %(date)s."),
        gettext("%(name)s asks for sign-off again before %(date)s."),
        date=long_date(f.expires_on),
    ),
    State.AWAITING_SIGN_OFF: _waiting,
    State.SELF_ASSESSED: lambda f, r: _say(
        r,
        gettext("Ask an assessor to sign this off."),
        gettext("%(name)s asks an assessor to sign this off."),
    ),
    State.SIGN_OFF_DECLINED: lambda f, r: _say(
        r,
        gettext("Read the assessor's comment, gather more evidence and ask again."),
        gettext("%(name)s reads the assessor's comment, gathers more evidence and asks again."),
    ),
    State.EXPIRED: lambda f, r: _say(
        r,
        gettext("Ask for sign-off again."),
        gettext("%(name)s asks for sign-off again."),
    ),
    State.BELOW_LEVEL: lambda f, r: _say(
        r,
        gettext("Work towards %(required)s and ask for sign-off."),
        gettext("%(name)s works towards %(required)s and asks for sign-off."),
        required=required_text(f),
    ),
}

NEXT_STEPS: dict[Kind, dict[State, Step]] = {
    Kind.KSF: KSF_NEXT_STEPS,
    Kind.COMPETENCY: COMPETENCY_NEXT_STEPS,
}


def next_step_text(facts: RequirementFacts, reader: Reader | None = None) -> str:
    """What to do next, said to the person (``reader`` omitted) or about them to someone else."""
    step = NEXT_STEPS[facts.kind][facts.state](facts, reader or SELF)
    if facts.rollup is None:
        return step
    parts = rollup_text(facts)
    if facts.rollup.attains and facts.state is State.EXPIRING:
        return _say(
            reader or SELF,
            gettext("%(parts)s Renew the first part before %(date)s."),
            gettext("%(parts)s %(name)s renews the first part before %(date)s."),
            parts=parts,
            date=long_date(facts.expires_on),
        )
    if facts.rollup.attains:
        return parts
    if facts.state in _STILL_TO_ATTAIN:
        return f"{step} {parts}"
    return step


# Where a sign-off of its own is still missing, so the parts offer the other way there.
_STILL_TO_ATTAIN = {
    State.NOT_STARTED,
    State.OVERDUE,
    State.EXPIRED,
    State.BELOW_LEVEL,
    State.SELF_ASSESSED,
    State.SIGN_OFF_DECLINED,
}


def rollup_text(facts: RequirementFacts) -> str:
    """How the roll-up rule stands: what made it attained, or how far its parts have got."""
    rollup = facts.rollup
    if rollup is None:
        return ""
    if rollup.attains:
        return gettext("Attained through its parts: %(parts)s verified.") % {
            "parts": get_text_list(list(rollup.counted), gettext("and"))
        }
    if rollup.met:
        return gettext("Its parts meet the framework's rule: ask for sign-off of the whole.")
    if rollup.rule_type == "all":
        return ngettext(
            "Or have its parts signed off: %(done)d of %(total)d verified (all are needed).",
            "Or have its parts signed off: %(done)d of %(total)d verified (all are needed).",
            len(rollup.parts),
        ) % {"done": rollup.done, "total": len(rollup.parts)}
    required = [p.code for p in rollup.parts if p.required and not p.complete]
    text = gettext("Or have its parts signed off: %(held)d of %(needed)d points verified.") % {
        "held": rollup.points_held or 0,
        "needed": rollup.points_needed or 0,
    }
    if required:
        text += " " + ngettext(
            "%(parts)s is needed whatever the points.",
            "%(parts)s are needed whatever the points.",
            len(required),
        ) % {"parts": get_text_list(required, gettext("and"))}
    return text
