"""What the flag pages show about a flag, in words, and the one place they ask for a change.

The words come from ``competencies.activity.flags.reasons``, every change goes through
``competencies.activity.flags.lifecycle`` (which owns the rule that a note is needed, and its
message), and the funnel's figures from ``competencies.activity.flags.outcomes``.
"""

import contextlib
import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from competencies.activity.flags import funnel as funnel_maths
from competencies.activity.flags import lifecycle, outcomes, reasons
from competencies.models import Flag
from ksf import dates

PROMPT = reasons.PROMPT_NOT_FINDING
NOTE_RULE = _(
    "Acknowledging or resolving a flag needs a note saying what you looked at and what you "
    "decided. It is kept in the flag's history, with your name."
)

DONE = {
    "acknowledge": _("Flag acknowledged. Your note is in its history."),
    "resolve": _("Flag resolved. Your note is in its history."),
    "reopen": _("Flag reopened. Your note is in its history."),
}


@dataclass
class FlagRow:
    """A flag with its sentence and next step, as a list row or a detail page shows it."""

    flag: Flag
    reason: str
    next_step: str

    @property
    def who(self) -> str:
        if self.flag.staff_id:
            return self.flag.staff.full_name
        return gettext("The team")


def reason(flag: Flag) -> str:
    return reasons.reason(flag)


def next_step(flag: Flag, *, for_person: bool) -> str:
    return reasons.next_step(flag, for_person=for_person)


def row(flag: Flag, *, for_person: bool) -> FlagRow:
    return FlagRow(flag, reason(flag), next_step(flag, for_person=for_person))


# The engine's figures (``competencies.activity.flags.compute``), in words; names that
# the page shows elsewhere (person, team, competency, the work) and internal ids are left out.
FIGURE_LABELS = {
    "contacts": _("Contacts"),
    "minutes": _("Minutes of contact"),
    "first": _("First contact"),
    "last": _("Last contact"),
    "level": _("Level needed"),
    "expired_on": _("Sign-off expired on"),
    "demand_hours": _("Demand (hours of contact)"),
    "capacity_hours": _("Competent capacity (hours)"),
    "ratio": _("Capacity against demand"),
    "threshold": _("Threshold"),
    "competent_wte": _("Competent WTE (average over the window)"),
    "competent_now": _("Competent people now"),
    "weeks": _("Window (weeks)"),
    "months": _("Not practised for (months)"),
    "held_since": _("Held since"),
    "last_practised": _("Last practised"),
    "expires_on": _("Sign-off expires on"),
    "days_left": _("Days left"),
    "team_contacts": _("Team contacts needing it"),
    "code": _("Code"),
    "post": _("Post"),
    "state": _("State"),
    "due": _("Due"),
    "required_value": _("Level needed"),
    "target_level": _("Target level"),
    "measure": _("Outcome measure"),
    "episodes": _("Episodes"),
    "mean_change": _("Mean change in score"),
    "target": _("Team or service mean change"),
    "lower_998": _("Lower 99.8% limit"),
    "lower_95": _("Lower 95% limit"),
    "z": _("z-score"),
    "compared_with": _("Compared with"),
    "clinicians": _("Clinicians compared"),
    "phi": _("Overdispersion (phi)"),
    "tau2": _("Between-clinician variance (tau squared)"),
}
HIDDEN_FIGURES = {"person", "team", "competency", "label", "work", "person_id", "z95", "z998"}
DATE_FIGURES = {"first", "last", "expired_on", "held_since", "last_practised", "expires_on", "due"}


def _figure_text(value: object) -> str:
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(_figure_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_figure_text(v)}" for k, v in value.items())
    return str(value)


def figures(flag: Flag) -> list[tuple[str, str]]:
    """The flag's figures as (label, value) pairs, labelled in words where we know the key."""
    items = []
    for key, value in (flag.figures or {}).items():
        if key in HIDDEN_FIGURES or key.endswith("_hash") or value in (None, "", []):
            continue  # never a patient or episode key, whatever the engine stored
        if key in DATE_FIGURES:
            with contextlib.suppress(ValueError):
                value = date_format(datetime.date.fromisoformat(str(value)), "j F Y")
        elif key == "compared_with":
            value = gettext("the service") if value == "service" else gettext("the team")
        label = FIGURE_LABELS.get(key) or key.replace("_", " ").capitalize()
        items.append((str(label), _figure_text(value)))
    return items


# The lifecycle -----------------------------------------------------------------------------


def actions_for(flag: Flag) -> list[str]:
    """What can be done to a flag from its status."""
    if flag.status == Flag.Status.OPEN:
        return ["acknowledge", "resolve"]
    if flag.status == Flag.Status.ACKNOWLEDGED:
        return ["resolve", "reopen"]
    return ["reopen"]


ACTIONS = {
    "acknowledge": lifecycle.acknowledge,
    "resolve": lifecycle.resolve,
    "reopen": lifecycle.reopen,
}


def apply_action(flag: Flag, action: str, user: User, note: str) -> None:
    """Acknowledge, resolve or reopen through the lifecycle service (its rules, its messages)."""
    ACTIONS[action](flag, user, note)


def done_message(action: str) -> str:
    return str(DONE[action])


# Outcomes and the funnel -------------------------------------------------------------------


def measures(team_ids: list[int]) -> list[tuple[str, str]]:
    """``(code, label)`` of the outcome measures recorded for these teams."""
    return [(m, m) for m in outcomes.measures(team_ids)]


def funnel_for(team_ids: list[int], measure: str) -> funnel_maths.Funnel:
    return outcomes.funnel_for(team_ids, measure)


def too_few(team_ids: list[int], measure: str, threshold: int) -> int:
    """How many clinicians have episodes on the measure, but fewer than ``threshold``."""
    per_person: dict[int, int] = {}
    for row in outcomes.episode_rows(sorted(set(team_ids)), dates.today(), measure):
        per_person[row.staff_id] = per_person.get(row.staff_id, 0) + row.n
    return sum(1 for n in per_person.values() if n < threshold)
