"""A flag in words: the reason in one sentence and what to do next, through gettext.

Built from ``flag.figures`` (which carry the person's, team's and competency's names as they
were at the last recompute), so a list of flags reads without a query per flag; the related
objects are used only when a name is missing.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, ngettext

from competencies.models import Flag

PROMPT_NOT_FINDING = gettext_lazy(
    "A flag is a prompt to look, not a finding about a person. Check the records behind it "
    "and talk to the people involved before you decide anything."
)


def _day(value) -> str:
    if not value:
        return ""
    day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
    return date_format(day, "j F Y")


def _person(flag: Flag) -> str:
    name = flag.figures.get("person")
    if name:
        return name
    return flag.staff.full_name if flag.staff_id and flag.staff else gettext("Someone")


def _first_name(flag: Flag) -> str:
    return _person(flag).split(" ")[0]


def _team(flag: Flag) -> str:
    return flag.figures.get("team") or (str(flag.team) if flag.team_id else gettext("the team"))


def _competency(flag: Flag) -> str:
    name = flag.figures.get("competency") or flag.figures.get("label")
    if name:
        return name
    return str(flag.competency) if flag.competency_id else gettext("this competency")


def _work(flag: Flag) -> str:
    labels = [w[:1].lower() + w[1:] for w in flag.figures.get("work") or [] if w]
    if not labels:
        return gettext("work needing it")
    return gettext(" or ").join(labels)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _unverified(flag: Flag, f: dict) -> str:
    n = f.get("contacts", flag.contact_count)
    values = {
        "person": _person(flag),
        "n": n,
        "work": _work(flag),
        "first": _day(f.get("first") or flag.first_seen),
        "last": _day(f.get("last") or flag.last_seen),
        "competency": _competency(flag),
        "level": f.get("level") or "",
        "expired": _day(f.get("expired_on")),
    }
    if flag.detail == "supervised":
        return (
            ngettext(
                "%(person)s did %(n)d contact of %(work)s between %(first)s and %(last)s under "
                "fellowship supervision, before a sign-off in %(competency)s.",
                "%(person)s did %(n)d contacts of %(work)s between %(first)s and %(last)s under "
                "fellowship supervision, before a sign-off in %(competency)s.",
                n,
            )
            % values
        )
    if values["expired"]:
        return (
            ngettext(
                "%(person)s did %(n)d contact of %(work)s between %(first)s and %(last)s without "
                "a valid sign-off in %(competency)s (expired %(expired)s).",
                "%(person)s did %(n)d contacts of %(work)s between %(first)s and %(last)s without "
                "a valid sign-off in %(competency)s (expired %(expired)s).",
                n,
            )
            % values
        )
    return (
        ngettext(
            "%(person)s did %(n)d contact of %(work)s between %(first)s and %(last)s without a "
            "valid sign-off in %(competency)s.",
            "%(person)s did %(n)d contacts of %(work)s between %(first)s and %(last)s without a "
            "valid sign-off in %(competency)s.",
            n,
        )
        % values
    )


def _capacity(flag: Flag, f: dict) -> str:
    return gettext(
        "In the last %(weeks)s weeks %(team)s needed %(demand)s hours of %(work)s, but the "
        "time of its people signed off in %(competency)s came to about %(capacity)s hours "
        "(%(percent)s%% of the demand)."
    ) % {
        "weeks": f.get("weeks", ""),
        "team": _team(flag),
        "demand": _number(f.get("demand_hours", 0)),
        "work": _work(flag),
        "competency": _competency(flag),
        "capacity": _number(f.get("capacity_hours", 0)),
        "percent": round(float(f.get("ratio", 0)) * 100),
    }


def _single(flag: Flag, f: dict) -> str:
    n = f.get("contacts", flag.contact_count)
    return ngettext(
        "Only %(person)s in %(team)s holds a valid sign-off in %(competency)s, and the team "
        "did %(n)d contact of %(work)s in the last %(weeks)s weeks.",
        "Only %(person)s in %(team)s holds a valid sign-off in %(competency)s, and the team "
        "did %(n)d contacts of %(work)s in the last %(weeks)s weeks.",
        n,
    ) % {
        "person": f.get("person") or gettext("one person"),
        "team": _team(flag),
        "competency": _competency(flag),
        "n": n,
        "work": _work(flag),
        "weeks": f.get("weeks", ""),
    }


def _decay(flag: Flag, f: dict) -> str:
    if flag.detail == "expiring":
        n = f.get("team_contacts", 0)
        return ngettext(
            "%(person)s's sign-off in %(competency)s expires on %(date)s, and %(team)s did "
            "%(n)d contact needing it in the last %(weeks)s weeks.",
            "%(person)s's sign-off in %(competency)s expires on %(date)s, and %(team)s did "
            "%(n)d contacts needing it in the last %(weeks)s weeks.",
            n,
        ) % {
            "person": _person(flag),
            "competency": _competency(flag),
            "date": _day(f.get("expires_on")),
            "team": _team(flag),
            "n": n,
            "weeks": f.get("weeks", ""),
        }
    values = {
        "person": _person(flag),
        "competency": _competency(flag),
        "since": _day(f.get("held_since")),
        "work": _work(flag),
        "months": f.get("months", ""),
        "last": _day(f.get("last_practised")),
    }
    if values["last"]:
        return (
            gettext(
                "%(person)s has held a sign-off in %(competency)s since %(since)s but has not done "
                "%(work)s in the last %(months)s months (last on %(last)s)."
            )
            % values
        )
    return (
        gettext(
            "%(person)s has held a sign-off in %(competency)s since %(since)s but no contact of "
            "%(work)s by them has been recorded in the last %(months)s months."
        )
        % values
    )


REQUIREMENT_STATES = {
    "overdue": gettext_lazy("is not met and its due date has passed"),
    "below_level": gettext_lazy("is held below the level the post needs"),
    "expired": gettext_lazy("was signed off but the sign-off has expired"),
    "sign_off_declined": gettext_lazy("was put forward for sign-off and declined"),
    "review_overdue": gettext_lazy("needs a development review, which is overdue"),
    "awaiting_sign_off": gettext_lazy("is waiting for sign-off past its due date"),
    "self_assessed": gettext_lazy("is self-assessed only, past its due date"),
}


def _requirement(flag: Flag, f: dict) -> str:
    state = REQUIREMENT_STATES.get(f.get("state", ""), gettext_lazy("is not met"))
    return gettext("%(person)s's post %(post)s needs %(label)s, which %(state)s.") % {
        "person": _person(flag),
        "post": f.get("post") or "",
        "label": f.get("label") or _competency(flag),
        "state": state,
    }


def _outcome(flag: Flag, f: dict) -> str:
    compared = (
        gettext("the service's") if f.get("compared_with") == "service" else gettext("the team's")
    )
    n = f.get("episodes", flag.contact_count)
    return ngettext(
        "The mean change in %(measure)s for %(person)s's %(n)d episode was %(mean)s points, "
        "below the lower 99.8%% limit of %(limit)s around %(compared)s %(target)s.",
        "The mean change in %(measure)s for %(person)s's %(n)d episodes was %(mean)s points, "
        "below the lower 99.8%% limit of %(limit)s around %(compared)s %(target)s.",
        n,
    ) % {
        "measure": f.get("measure", ""),
        "person": _person(flag),
        "n": n,
        "mean": _number(f.get("mean_change", "")),
        "limit": _number(f.get("lower_998", "")),
        "compared": compared,
        "target": _number(f.get("target", "")),
    }


REASONS = {
    Flag.Kind.UNVERIFIED_PRACTICE: _unverified,
    Flag.Kind.CAPACITY_GAP: _capacity,
    Flag.Kind.SINGLE_POINT: _single,
    Flag.Kind.SKILL_DECAY: _decay,
    Flag.Kind.REQUIREMENT_GAP: _requirement,
    Flag.Kind.OUTCOME_OUTLIER: _outcome,
}


def reason(flag: Flag) -> str:
    """Why the flag was raised, in one sentence."""
    build = REASONS.get(flag.kind)
    if build is None:
        return str(flag.get_kind_display())
    return build(flag, flag.figures or {})


def next_step(flag: Flag, *, for_person: bool) -> str:
    """What the person (``for_person``) or their manager can do next, in one or two sentences."""
    f = flag.figures or {}
    values = {
        "competency": _competency(flag),
        "name": _first_name(flag),
        "date": _day(f.get("expires_on")),
        "team": _team(flag),
    }
    kind, detail = flag.kind, flag.detail
    if kind == Flag.Kind.UNVERIFIED_PRACTICE and detail == "supervised":
        text = (
            gettext(
                "Keep your supervisor's record of this work in your logbook until you are "
                "signed off in %(competency)s."
            )
            if for_person
            else gettext(
                "Check that %(name)s's supervision covers this work and that the fellowship "
                "is on track for sign-off in %(competency)s."
            )
        )
    elif kind == Flag.Kind.UNVERIFIED_PRACTICE:
        expired = bool(f.get("expired_on"))
        if for_person:
            text = (
                gettext(
                    "Renew your sign-off in %(competency)s: request a new sign-off with your "
                    "evidence, and do this work only under supervision until it is verified."
                )
                if expired
                else gettext(
                    "Request a sign-off in %(competency)s with your evidence, and do this work "
                    "only under supervision until it is verified."
                )
            )
        else:
            text = gettext(
                "Look at the contacts behind this flag, check whether a sign-off is missing "
                "from the record, and agree supervision or a sign-off in %(competency)s with "
                "%(name)s."
            )
    elif kind == Flag.Kind.CAPACITY_GAP:
        text = (
            gettext(
                "Your team lead is looking at cover for this work; tell them if you are "
                "working towards %(competency)s."
            )
            if for_person
            else gettext(
                "Plan cover: support more people in %(team)s towards sign-off in "
                "%(competency)s, or look at how this work is shared between teams."
            )
        )
    elif kind == Flag.Kind.SINGLE_POINT:
        text = (
            gettext("Talk to your team lead about sharing this skill and covering your absence.")
            if for_person
            else gettext(
                "Plan cover: support a second person in %(team)s towards sign-off in "
                "%(competency)s, and agree what happens when the one person is away."
            )
        )
    elif kind == Flag.Kind.SKILL_DECAY and detail == "expiring":
        text = (
            gettext(
                "Renew your sign-off in %(competency)s before %(date)s: request a new sign-off "
                "with recent evidence."
            )
            if for_person
            else gettext(
                "Remind %(name)s to renew the sign-off in %(competency)s before %(date)s, or "
                "plan cover from then."
            )
        )
    elif kind == Flag.Kind.SKILL_DECAY:
        text = (
            gettext(
                "Arrange supervised practice or a refresher to keep %(competency)s current, or "
                "tell your manager if you no longer need it."
            )
            if for_person
            else gettext(
                "Talk with %(name)s about keeping %(competency)s current (supervised practice, "
                "a refresher) or whether the post still needs it."
            )
        )
    elif kind == Flag.Kind.REQUIREMENT_GAP:
        text = (
            gettext("Open your development plan to see what is needed and ask for sign-off.")
            if for_person
            else gettext(
                "Agree a plan with %(name)s in their development review, with a date to meet it."
            )
        )
    elif kind == Flag.Kind.OUTCOME_OUTLIER:
        text = (
            gettext(
                "Talk these episodes through with your supervisor: case mix and how scores "
                "were recorded often explain a difference."
            )
            if for_person
            else gettext(
                "Look at the contacts and the case mix with %(name)s before drawing any "
                "conclusion: differences in scores are often smaller than what matters to "
                "patients."
            )
        )
    else:
        text = gettext("Look at the records behind this flag.")
    return text % values
