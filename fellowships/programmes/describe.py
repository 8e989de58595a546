"""Programmes and milestones in plain English, for the public site and the portal.

Every sentence goes through gettext; numbers are written as a person would say them
("90 hours", not "90.0"). Nothing here queries beyond the objects it is given: a milestone's
programme, competency, framework and level should come with it (``select_related``).
"""

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext, ngettext, pgettext_lazy

from fellowships.models import Milestone, Programme
from ksf.models.choices import Profession

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # installed with django-stubs, not at runtime

# "Physiotherapists or podiatrists": professions named as groups of people.
PROFESSION_PLURALS: "dict[str, StrOrPromise]" = {
    Profession.PHYSIOTHERAPIST: pgettext_lazy("professions", "physiotherapists"),
    Profession.OCCUPATIONAL_THERAPIST: pgettext_lazy("professions", "occupational therapists"),
    Profession.PODIATRIST: pgettext_lazy("professions", "podiatrists"),
    Profession.SPEECH_THERAPIST: pgettext_lazy("professions", "speech and language therapists"),
    Profession.DIETITIAN: pgettext_lazy("professions", "dietitians"),
    Profession.SONOGRAPHER: pgettext_lazy("professions", "sonographers"),
    Profession.SUPPORT_WORKER: pgettext_lazy("professions", "therapy support workers"),
}


def number(value) -> str:
    """90 for 90.0, 90.5 for 90.5, 1,800 for 1800."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def _either(words: "Sequence[StrOrPromise]") -> str:
    """'a', 'a or b', 'a, b or c'."""
    texts = [str(w) for w in words]
    if len(texts) <= 1:
        return "".join(texts)
    return gettext("%(first)s or %(last)s") % {"first": ", ".join(texts[:-1]), "last": texts[-1]}


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _supervision(milestone: Milestone) -> str:
    if milestone.supervision == Milestone.Supervision.SUPERVISED:
        return gettext("supervised")
    if milestone.supervision == Milestone.Supervision.INDEPENDENT:
        return gettext("independent")
    return ""


def _logbook(milestone: Milestone) -> str:
    parts = []
    how = _supervision(milestone)
    if milestone.target_entries:
        count = milestone.target_entries
        if how:
            text = ngettext("%(count)s %(how)s entry", "%(count)s %(how)s entries", count) % {
                "count": number(count),
                "how": how,
            }
        else:
            text = ngettext("%(count)s entry", "%(count)s entries", count) % {
                "count": number(count)
            }
        if milestone.category:
            text = gettext("%(text)s (%(category)s)") % {
                "text": text,
                "category": milestone.category,
            }
        if milestone.min_per_category and milestone.categories:
            text = gettext("%(text)s, at least %(min)s in each of: %(categories)s") % {
                "text": text,
                "min": number(milestone.min_per_category),
                "categories": ", ".join(milestone.categories),
            }
        parts.append(text)
    elif milestone.min_per_category and milestone.categories:
        parts.append(
            gettext("At least %(min)s entries in each of: %(categories)s")
            % {
                "min": number(milestone.min_per_category),
                "categories": ", ".join(milestone.categories),
            }
        )
    if milestone.appraised_percent:
        parts.append(
            gettext("%(percent)s%% quality-appraised") % {"percent": milestone.appraised_percent}
        )
    if milestone.target_hours:
        hours = milestone.target_hours
        plural = 1 if hours == 1 else 2
        if how:
            text = ngettext(
                "%(hours)s hour of %(how)s practice", "%(hours)s hours of %(how)s practice", plural
            ) % {"hours": number(hours), "how": how}
        else:
            text = ngettext("%(hours)s hour", "%(hours)s hours", plural) % {"hours": number(hours)}
        if milestone.category and not milestone.target_entries:
            text = gettext("%(text)s (%(category)s)") % {
                "text": text,
                "category": milestone.category,
            }
        parts.append(text)
    return _capital("; ".join(parts))


def _module(milestone: Milestone) -> str:
    if milestone.credits:
        text = ngettext(
            "Academic module, %(credits)s credit",
            "Academic module, %(credits)s credits",
            milestone.credits,
        ) % {"credits": milestone.credits}
    else:
        text = gettext("Academic module")
    if milestone.pass_mark is not None:
        return gettext("%(text)s; pass mark %(mark)s%%") % {
            "text": text,
            "mark": milestone.pass_mark,
        }
    return gettext("%(text)s; assessed as pass or fail") % {"text": text}


def _assessment(milestone: Milestone) -> str:
    count = milestone.min_count or 0
    kind = milestone.get_assessment_type_display() if milestone.assessment_type else ""
    return ngettext("%(count)s satisfactory %(type)s", "%(count)s satisfactory %(type)s", count) % {
        "count": count,
        "type": kind or gettext("assessment"),
    }


def _competency(milestone: Milestone) -> str:
    competency = milestone.competency
    if competency is None:
        return gettext("Competency sign-off")
    name = competency.short_name
    if competency.code:
        name = f"{competency.code} {name}"
    framework = getattr(competency, "framework", None)
    values = {"competency": name, "framework": framework.title if framework else ""}
    if milestone.level_id:
        assert milestone.level is not None  # level_id is set, so the level exists
        values["level"] = milestone.level.name
        return gettext("%(competency)s (%(framework)s) signed off at “%(level)s”") % values
    return gettext("%(competency)s (%(framework)s) signed off at a proficient level") % values


def signoff_role(programme: Programme) -> str:
    return str(programme.get_final_signoff_role_display()).lower()


def _final(milestone: Milestone) -> str:
    return gettext("Final declaration signed by the %(role)s") % {
        "role": signoff_role(milestone.programme)
    }


DESCRIBERS: dict[str, Callable[[Milestone], str]] = {
    Milestone.Kind.MODULE: _module,
    Milestone.Kind.LOGBOOK: _logbook,
    Milestone.Kind.ASSESSMENT: _assessment,
    Milestone.Kind.COMPETENCY: _competency,
    Milestone.Kind.FINAL: _final,
}


def describe_milestone(milestone: Milestone) -> str:
    """What the milestone asks of a fellow, in a sentence (its title says what it is)."""
    describer = DESCRIBERS.get(milestone.kind)
    return describer(milestone) if describer else ""


def describe_professions(professions: list[str]) -> str:
    known = [PROFESSION_PLURALS[p] for p in Profession.values if p in (professions or [])]
    if not known:
        return gettext("Any profession")
    return _capital(_either(known))


def describe_entry(programme: Programme) -> list[str]:
    """The entry criteria, one plain sentence each (the prerequisite should be selected)."""
    lines = []
    if programme.min_band:
        lines.append(gettext("Band %(band)s or above") % {"band": programme.min_band})
    lines.append(describe_professions(programme.professions))
    if programme.min_years_qualified:
        lines.append(
            ngettext(
                "At least %(years)s year qualified",
                "At least %(years)s years qualified",
                programme.min_years_qualified,
            )
            % {"years": programme.min_years_qualified}
        )
    if programme.prerequisite_id:
        assert programme.prerequisite is not None  # prerequisite_id is set, so it exists
        lines.append(
            gettext("Holds %(competency)s (verified)")
            % {"competency": programme.prerequisite.short_name}
        )
    if programme.entry_notes:
        lines.append(programme.entry_notes)
    return lines


def describe_cost(programme: Programme) -> str:
    if programme.cost is None:
        return gettext("Cost not stated")
    if programme.cost == 0:
        return gettext("No fee")
    if programme.cost == programme.cost.to_integral_value():
        return f"£{number(programme.cost)}"
    return f"£{programme.cost:,.2f}"


def describe_duration(programme: Programme) -> str:
    return ngettext("%(months)s month", "%(months)s months", programme.target_months) % {
        "months": programme.target_months
    }


def describe_supervision(programme: Programme) -> list[str]:
    return [
        gettext("The final declaration is signed by the %(role)s.")
        % {"role": signoff_role(programme)},
        ngettext(
            "Each full-time supervisor supports up to %(count)s fellow.",
            "Each full-time supervisor supports up to %(count)s fellows.",
            programme.supervisor_capacity,
        )
        % {"count": programme.supervisor_capacity},
    ]
