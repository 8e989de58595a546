"""An HCPC CPD profile, laid out the way HCPC asks for one when it audits a registrant.

HCPC picks registrants at random every two years and asks for: personal details, a summary of
practice (up to 500 words), a dated list of all CPD activities in the last two years, a
statement of how the five CPD standards are met (built from 4 to 6 chosen activities), and the
supporting evidence, numbered so the statement can refer to it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from competencies.development.presenter import long_date
from competencies.models import CPDEntry
from competencies.portfolio import selectors as portfolio_selectors
from exports.plan import CPDLine, EvidenceLine, cpd_lines, format_hours
from ksf import dates
from ksf.models import StaffMember

STANDARDS = [
    _("Maintain a continuous, up-to-date and accurate record of your CPD activities."),
    _(
        "Demonstrate that your CPD activities are a mixture of learning activities relevant to "
        "current or future practice."
    ),
    _(
        "Seek to ensure that your CPD has contributed to the quality of your practice and "
        "service delivery."
    ),
    _("Seek to ensure that your CPD benefits the service user."),
    _(
        "Upon request, present a written profile (which must be your own work and supported by "
        "evidence) explaining how you have met the standards for CPD."
    ),
]

# Translators: each completes 'does not yet say ...' on the HCPC profile.
REFLECTION_FIELDS: list[tuple[str, str | Promise]] = [
    ("learning", _("what you learnt")),
    ("practice_change", _("how it changed your practice")),
    ("service_user_benefit", _("the benefit to service users")),
]


def profile_entries(person: StaffMember, today: datetime.date | None = None):
    """The activities a profile may draw on: the person's CPD of the last two years."""
    today = today or dates.today()
    return portfolio_selectors.cpd_entries(
        person, portfolio_selectors.audit_window_start(today), today
    )


@dataclass
class EvidenceItem:
    number: int
    evidence: EvidenceLine


@dataclass
class ProfileActivity:
    number: int
    line: CPDLine
    evidence: list[EvidenceItem]

    @property
    def missing(self) -> list[str]:
        """Reflections not yet written in the CPD log, to add before sending the profile."""
        return [str(label) for name, label in REFLECTION_FIELDS if not getattr(self.line, name)]


@dataclass
class Standard:
    number: int
    text: str
    how: str


@dataclass
class HCPCProfile:
    person: StaffMember
    prepared_on: datetime.date
    start: datetime.date
    end: datetime.date
    summary: str
    activities: list[CPDLine]
    selected: list[ProfileActivity]
    evidence: list[EvidenceItem]
    type_counts: list[tuple[str, int]]
    standards: list[Standard] = field(default_factory=list)

    @property
    def total_hours(self) -> str:
        return format_hours(sum((a.hours for a in self.activities), Decimal("0")))


def _numbers(selected: list[ProfileActivity]) -> str:
    """'activity 2', 'activities 1, 3 and 4': the activities the statement writes up."""
    numbers = [str(a.number) for a in selected]
    if len(numbers) == 1:
        listed = numbers[0]
    else:
        # Translators: the end of a list of activity numbers, e.g. '1, 3 and 4'.
        listed = gettext("%(items)s and %(last)s") % {
            "items": ", ".join(numbers[:-1]),
            "last": numbers[-1],
        }
    return ngettext("activity %(numbers)s", "activities %(numbers)s", len(numbers)) % {
        "numbers": listed
    }


def _standards(profile: HCPCProfile) -> list[Standard]:
    n = len(profile.activities)
    kinds = len(profile.type_counts)
    pieces = len(profile.evidence)
    types = "; ".join(f"{label} ({count})" for label, count in profile.type_counts)
    words = {
        "count": n,
        "hours": profile.total_hours,
        "start": long_date(profile.start),
        "end": long_date(profile.end),
        "kinds": kinds,
        "types": types or gettext("none yet"),
        "activities": _numbers(profile.selected),
        "prepared": long_date(profile.prepared_on),
        "pieces": pieces,
    }
    how = [
        ngettext(
            "My CPD log records %(count)s activity (%(hours)s hours) from %(start)s to %(end)s, "
            "each with its date, type and hours. They are listed under 'CPD activities' in "
            "date order.",
            "My CPD log records %(count)s activities (%(hours)s hours) from %(start)s to "
            "%(end)s, each with its date, type and hours. They are listed under "
            "'CPD activities' in date order.",
            n,
        )
        % words,
        ngettext(
            "My activities cover %(kinds)s different type of learning: %(types)s.",
            "My activities cover %(kinds)s different types of learning: %(types)s.",
            kinds,
        )
        % words,
        gettext(
            "For %(activities)s, the statement below says how the activity changed my practice "
            "and the service I work in."
        )
        % words,
        gettext(
            "For %(activities)s, the statement below says how the activity benefited the "
            "service users I work with."
        )
        % words,
        ngettext(
            "This profile is my own work, prepared on %(prepared)s from my CPD log. It is "
            "supported by %(pieces)s numbered piece of evidence, listed at the end.",
            "This profile is my own work, prepared on %(prepared)s from my CPD log. It is "
            "supported by %(pieces)s numbered pieces of evidence, listed at the end.",
            pieces,
        )
        % words,
    ]
    return [
        Standard(number=i, text=str(text), how=how[i - 1])
        for i, text in enumerate(STANDARDS, start=1)
    ]


def build_profile(
    person: StaffMember,
    summary: str,
    chosen: list[CPDEntry],
    today: datetime.date | None = None,
) -> HCPCProfile:
    """The profile for ``person`` with their summary and the ``chosen`` activities written up."""
    today = today or dates.today()
    start = portfolio_selectors.audit_window_start(today)
    activities = sorted(cpd_lines(person, start, today), key=lambda a: (a.date, a.pk))
    chosen_ids = {c.pk for c in chosen}
    evidence: dict[int, EvidenceItem] = {}
    selected = []
    for line in (a for a in activities if a.pk in chosen_ids):
        items = []
        for e in line.evidence:
            if e.pk not in evidence:
                evidence[e.pk] = EvidenceItem(number=len(evidence) + 1, evidence=e)
            items.append(evidence[e.pk])
        selected.append(ProfileActivity(number=len(selected) + 1, line=line, evidence=items))
    counts: dict[str, int] = {}
    for line in activities:
        counts[line.type_label] = counts.get(line.type_label, 0) + 1
    profile = HCPCProfile(
        person=person,
        prepared_on=today,
        start=start,
        end=today,
        summary=summary,
        activities=activities,
        selected=selected,
        evidence=list(evidence.values()),
        type_counts=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
    )
    profile.standards = _standards(profile)
    return profile
