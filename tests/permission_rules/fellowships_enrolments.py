"""Fellowships: my fellowships, applying, an application's support and decision, an
enrolment's progress, supervisors, pauses, withdrawal, milestones, the final sign-off and
the cohorts.

Roles here: the clinician (Cara) is the applicant and the fellow; the supervisor is Cara's
mentor (a staff record is made for the world's "sup" user, so they can also apply); the
manager (Mona) is Cara's line manager and team lead, the service lead (Lee) leads her
service and decides her application; educators run cohorts (model-wide view and change of
enrolments, view and change of applications, so they decide them too: commit 7030f7c);
administrators hold everything. The sample programme's
final sign-off is the mentor's. A second enrolment, of Sam (world.stranger) in another
service and supervised by someone else, checks that "another supervisor's fellow" is 404.
"""

import datetime

from tests.permission_matrix import PostCase, Rule, everyone

SIGNED_IN = everyone("ok", anonymous="login")
# People with a staff record: Cara, Mona, Lee and (here) the supervisor.
STAFF = everyone("ok", anonymous="login", educator="denied", administrator="denied")
STAFF_WRITE = everyone("redirect", anonymous="login", educator="denied", administrator="denied")
APPLICATION_READERS = everyone("ok", anonymous="login", supervisor="denied")
MANAGERS = everyone("denied", anonymous="login", educator="ok", administrator="ok")
MANAGERS_WRITE = everyone(
    "denied", anonymous="login", educator="redirect", administrator="redirect"
)
MANAGERS_REFUSED = everyone(
    "denied", anonymous="login", educator="refused", administrator="refused"
)
RECORDERS = everyone(
    "denied", anonymous="login", educator="ok", supervisor="ok", administrator="ok"
)
RECORDERS_WRITE = everyone(
    "denied",
    anonymous="login",
    educator="redirect",
    supervisor="redirect",
    administrator="redirect",
)
FINAL_SIGNER = everyone("denied", anonymous="login", supervisor="ok")
FINAL_SIGNER_WRITE = everyone("denied", anonymous="login", supervisor="redirect")
COHORT_READERS = everyone(
    "denied", anonymous="login", educator="ok", service_lead="ok", administrator="ok"
)
POST_ONLY = everyone("method", anonymous="login")
NOBODY = everyone("denied", anonymous="login")


def _programme(code: str, title: str = "Matrix fellowship"):
    """A published programme whose final sign-off is the mentor's: a module, then the final."""
    from fellowships.models import Milestone, Programme

    made = Programme.objects.create(
        code=code,
        version="1.0",
        title=title,
        kind=Programme.Kind.OTHER,
        target_months=12,
        declaration="I declare the fellow competent.",
        final_signoff_role="mentor",
        live=True,
    )
    Milestone.objects.create(
        programme=made,
        sort_order=0,
        stage="Stage 1",
        title="Research methods module",
        kind=Milestone.Kind.MODULE,
        credits=20,
    )
    Milestone.objects.create(
        programme=made, sort_order=1, stage="Stage 2", title="Final sign-off", kind="final"
    )
    return made


def _enrol(fellow, programme, mentor):
    from fellowships.models import Enrolment, SupervisorAssignment

    start = _today() - datetime.timedelta(days=90)
    made = Enrolment.objects.create(
        staff=fellow,
        programme=programme,
        cohort="2026 spring",
        start_date=start,
        target_date=start + datetime.timedelta(days=365),
        status=Enrolment.Status.ACTIVE,
    )
    SupervisorAssignment.objects.create(
        enrolment=made, supervisor=mentor, role="mentor", starts_on=start
    )
    return made


def _today() -> datetime.date:
    from ksf import dates

    return dates.today()


class Sample:
    """Cara's enrolment (her mentor: the world's supervisor) and her open application."""

    def __init__(self, world):
        from fellowships.models import Application
        from ksf.models import StaffMember
        from tests.factories import StaffMemberFactory

        sup_user = world.user("supervisor")
        self.supervisor = StaffMember.objects.filter(user=sup_user).first() or StaffMemberFactory(
            user=sup_user, first_name="Sian", last_name="Supervisor", band="7"
        )
        self.programme = _programme("MATRIX-FELLOW")
        self.enrolment = _enrol(world.clinician, self.programme, self.supervisor)
        self.mentoring = self.enrolment.supervisors.get()
        self.module = self.programme.milestones.get(kind="module")
        self.open_programme = _programme("MATRIX-OPEN", title="Open fellowship")
        self.application = Application.objects.create(
            staff=world.clinician,
            programme=self.open_programme,
            statement="It would let me run the injection clinic.",
        )


class OtherSample:
    """Sam's enrolment and application: another service, another supervisor."""

    def __init__(self, world):
        from fellowships.models import Application
        from tests.factories import staff_with_login

        main = sample(world)
        self.mentor = staff_with_login(band="7", first_name="Osian", last_name="Other")
        self.enrolment = _enrol(world.stranger, main.programme, self.mentor)
        self.module = main.module
        self.application = Application.objects.create(
            staff=world.stranger, programme=main.open_programme, statement="Sam's reasons."
        )


def sample(world) -> Sample:
    if getattr(world, "_fellowships", None) is None:
        world._fellowships = Sample(world)
    return world._fellowships


def other(world) -> OtherSample:
    if getattr(world, "_fellowships_other", None) is None:
        world._fellowships_other = OtherSample(world)
    return world._fellowships_other


# --- kwargs -----------------------------------------------------------------------------------


def _nothing(world, name: str) -> dict:
    sample(world)  # the supervisor gets a staff record, the fellow an enrolment
    return {}


def _new_programme(world, name: str) -> dict:
    sample(world)
    return {"pk": _programme("MATRIX-APPLY", title="Fellowship to apply for").pk}


def _application(world, name: str) -> dict:
    return {"pk": sample(world).application.pk}


def _enrolment(world, name: str) -> dict:
    return {"pk": sample(world).enrolment.pk}


def _mentoring(world, name: str) -> dict:
    s = sample(world)
    return {"pk": s.enrolment.pk, "assignment_pk": s.mentoring.pk}


def _paused(world, name: str) -> dict:
    """Cara's enrolment, paused a fortnight ago, so it can resume."""
    from fellowships.models import Enrolment, Pause

    s = sample(world)
    Pause.objects.create(
        enrolment=s.enrolment,
        starts_on=_today() - datetime.timedelta(days=14),
        reason="Leave",
    )
    Enrolment.objects.filter(pk=s.enrolment.pk).update(status=Enrolment.Status.PAUSED)
    return {"pk": s.enrolment.pk}


def _module(world, name: str) -> dict:
    s = sample(world)
    return {"pk": s.enrolment.pk, "milestone_pk": s.module.pk}


def _ready_to_complete(world, name: str) -> dict:
    """Cara's enrolment with the module passed: only the final sign-off is left."""
    from fellowships.models import MilestoneRecord

    s = sample(world)
    MilestoneRecord.objects.create(
        enrolment=s.enrolment,
        milestone=s.module,
        passed=True,
        achieved_on=_today() - datetime.timedelta(days=7),
        mark=72,
        recorded_by=world.user("educator"),
    )
    return {"pk": s.enrolment.pk}


# --- bodies and states ------------------------------------------------------------------------


def _apply_data(w, n, kw) -> dict:
    return {"statement": "I want to run the injection clinic."}


def _support_data(w, n, kw) -> dict:
    return {"form": "support", "statement": "The service needs this; backfill is agreed."}


def _decide_data(w, n, kw) -> dict:
    return {
        "form": "decide",
        "decision": "approve",
        "cost": "1200",
        "funding_source": "Service training budget",
        "backfill_hours": "0",
        "start_date": _today().isoformat(),
        "cohort": "2026 autumn",
        "criteria_override": "",
        "decision_reason": "",
    }


def _add_supervisor_data(w, n, kw) -> dict:
    return {"supervisor": str(w.manager.pk), "role": "dpp"}


def _fellow_as_supervisor(w, n, kw) -> dict:
    return {"supervisor": str(w.clinician.pk), "role": "dpp"}


def _pause_data(w, n, kw) -> dict:
    return {"starts_on": _today().isoformat(), "reason": "Parental leave"}


def _withdraw_data(w, n, kw) -> dict:
    return {"reason": "Moved to another health board."}


def _milestone_data(w, n, kw) -> dict:
    return {"achieved_on": _today().isoformat(), "passed": "1", "mark": "68"}


def _complete_data(w, n, kw) -> dict:
    return {"declaration": "on"}


def _applications_state(w, n, kw):
    from fellowships.models import Application, Enrolment

    return (
        list(Application.objects.order_by("pk").values()),
        list(Enrolment.objects.order_by("pk").values_list("pk", "staff_id", "status")),
    )


def _enrolments_state(w, n, kw):
    from competencies.models import Attainment
    from fellowships.models import Enrolment, MilestoneRecord, Pause, SupervisorAssignment

    return (
        list(Enrolment.objects.order_by("pk").values()),
        list(Pause.objects.order_by("pk").values()),
        list(SupervisorAssignment.objects.order_by("pk").values()),
        list(MilestoneRecord.objects.order_by("pk").values()),
        Attainment.objects.count(),
    )


RULES: list = [
    Rule(
        r"fellowships:mine",
        SIGNED_IN,
        kwargs=_nothing,
        note="my applications, enrolments and fellows; GET only",
    ),
    Rule(
        r"fellowships:apply",
        STAFF,
        kwargs=_new_programme,
        post=STAFF_WRITE,
        post_data=_apply_data,
        state=_applications_state,
        note="anyone with a staff record applies for themselves; educators and administrators "
        "here have none: 404",
    ),
    Rule(
        r"fellowships:application",
        APPLICATION_READERS,
        kwargs=_application,
        post=everyone("denied", anonymous="login", manager="redirect"),
        post_data=_support_data,
        state=_applications_state,
        note="the applicant, line manager/team lead, service lead, view_application holders; "
        "form=support is the line manager's (others who read it get 403); decide: EXTRA_POSTS",
    ),
    Rule(
        r"fellowships:enrolment",
        SIGNED_IN,
        kwargs=_enrolment,
        note="the fellow, their mentor, line manager/team lead, service lead, educators, "
        "administrators; GET only",
    ),
    Rule(
        r"fellowships:add_supervisor",
        POST_ONLY,
        kwargs=_enrolment,
        post=MANAGERS_WRITE,
        post_data=_add_supervisor_data,
        state=_enrolments_state,
        note="educators and administrators add Mona as DPP; everyone else who reads it gets 404",
    ),
    Rule(
        r"fellowships:end_supervisor",
        POST_ONLY,
        kwargs=_mentoring,
        post=MANAGERS_WRITE,
        state=_enrolments_state,
        note="educators and administrators end the mentor's supervision today",
    ),
    Rule(
        r"fellowships:pause",
        MANAGERS,
        kwargs=_enrolment,
        post=MANAGERS_WRITE,
        post_data=_pause_data,
        state=_enrolments_state,
    ),
    Rule(
        r"fellowships:resume",
        POST_ONLY,
        kwargs=_paused,
        post=MANAGERS_WRITE,
        state=_enrolments_state,
        note="the sample is paused, so it can resume",
    ),
    Rule(
        r"fellowships:withdraw",
        MANAGERS,
        kwargs=_enrolment,
        post=MANAGERS_WRITE,
        post_data=_withdraw_data,
        state=_enrolments_state,
    ),
    Rule(
        r"fellowships:milestone",
        RECORDERS,
        kwargs=_module,
        post=RECORDERS_WRITE,
        post_data=_milestone_data,
        state=_enrolments_state,
        note="a module result: the fellow's current supervisors, educators, administrators",
    ),
    Rule(
        r"fellowships:complete",
        FINAL_SIGNER,
        kwargs=_ready_to_complete,
        post=FINAL_SIGNER_WRITE,
        post_data=_complete_data,
        state=_enrolments_state,
        note="only a current supervisor in the programme's final sign-off role (the mentor)",
    ),
    Rule(
        r"fellowships:cohorts|fellowships:cohorts_workbook",
        COHORT_READERS,
        kwargs=_nothing,
        note="view_enrolment holders and service leads by structure; the team lead is not one; "
        "GET only",
    ),
]


def _other_enrolment(w) -> dict:
    return {"pk": other(w).enrolment.pk}


def _other_module(w) -> dict:
    o = other(w)
    return {"pk": o.enrolment.pk, "milestone_pk": o.module.pk}


def _ended_mentoring(w) -> dict:
    """Cara's enrolment, where the supervisor's mentoring ended yesterday."""
    s = sample(w)
    s.mentoring.starts_on = _today() - datetime.timedelta(days=90)
    s.mentoring.ends_on = _today() - datetime.timedelta(days=1)
    s.mentoring.save()
    return {"pk": s.enrolment.pk}


def _supervisor_as_dpp(w) -> dict:
    """Cara's enrolment, where the supervisor is her DPP, not the mentor (the final role)."""
    s = sample(w)
    s.mentoring.role = "dpp"
    s.mentoring.save()
    return _ready_to_complete(w, "fellowships:complete")


EXTRA_CASES: list = [
    # Another supervisor's fellow: Sam, in another service, mentored by someone else.
    ("fellowships:enrolment", _other_enrolment, MANAGERS),
    ("fellowships:milestone", _other_module, MANAGERS),
    ("fellowships:complete", _other_enrolment, NOBODY),
    ("fellowships:pause", _other_enrolment, MANAGERS),
    (
        "fellowships:application",
        lambda w: {"pk": other(w).application.pk},
        MANAGERS,
    ),
    # A supervision that has ended gives nothing.
    (
        "fellowships:enrolment",
        _ended_mentoring,
        everyone("ok", anonymous="login", supervisor="denied"),
    ),
    ("fellowships:complete", _ended_mentoring, NOBODY),
    # A supervisor in a role other than the programme's final sign-off role.
    ("fellowships:complete", _supervisor_as_dpp, NOBODY),
    (
        "fellowships:milestone",
        lambda w: {**_supervisor_as_dpp(w), "milestone_pk": sample(w).module.pk},
        RECORDERS,
    ),
    # Unknown objects.
    ("fellowships:enrolment", lambda w: {"pk": 999999}, NOBODY),
    ("fellowships:application", lambda w: {"pk": 999999}, NOBODY),
    ("fellowships:apply", lambda w: {"pk": 999999}, NOBODY),
    (
        "fellowships:milestone",
        # The final milestone is not recorded here: it is the complete page's.
        lambda w: {
            "pk": sample(w).enrolment.pk,
            "milestone_pk": sample(w).programme.milestones.get(kind="final").pk,
        },
        NOBODY,
    ),
]

EXTRA_POSTS: list = [
    PostCase(
        "fellowships:complete",
        _supervisor_as_dpp,
        NOBODY,
        post_data=_complete_data,
        state=_enrolments_state,
        note="the DPP cannot give the mentor's final sign-off",
    ),
    PostCase(
        "fellowships:application",
        lambda w: _application(w, "fellowships:application"),
        everyone(
            "denied",
            anonymous="login",
            educator="redirect",
            service_lead="redirect",
            administrator="redirect",
        ),
        post_data=_decide_data,
        state=_applications_state,
        note="form=decide: the lead of Cara's service, or change_application (educators, "
        "administrators); approving makes her enrolment",
    ),
    PostCase(
        "fellowships:application",
        lambda w: {"pk": other(w).application.pk},
        MANAGERS_WRITE,
        post_data=_decide_data,
        state=_applications_state,
        note="Sam's application: not Lee's service; educators and administrators hold "
        "change_application",
    ),
    PostCase(
        "fellowships:application",
        lambda w: {"pk": other(w).application.pk},
        NOBODY,
        post_data=_support_data,
        state=_applications_state,
        note="Sam has no line manager here: nobody supports his application",
    ),
    PostCase(
        "fellowships:apply",
        lambda w: {"pk": sample(w).open_programme.pk},
        everyone(
            "redirect",
            anonymous="login",
            clinician="refused",
            educator="denied",
            administrator="denied",
        ),
        post_data=_apply_data,
        state=_applications_state,
        note="Cara has already applied for this programme",
    ),
    PostCase(
        "fellowships:milestone",
        _other_module,
        MANAGERS_WRITE,
        post_data=_milestone_data,
        state=_enrolments_state,
        note="the supervisor recording for another supervisor's fellow: 404",
    ),
    PostCase(
        "fellowships:complete",
        _other_enrolment,
        NOBODY,
        post_data=_complete_data,
        state=_enrolments_state,
        note="the final sign-off of another supervisor's fellow",
    ),
    PostCase(
        "fellowships:add_supervisor",
        lambda w: _enrolment(w, "fellowships:add_supervisor"),
        MANAGERS_REFUSED,
        post_data=_fellow_as_supervisor,
        state=_enrolments_state,
        note="a fellow cannot supervise themselves",
    ),
    PostCase(
        "fellowships:complete",
        lambda w: _enrolment(w, "fellowships:complete"),
        everyone("denied", anonymous="login", supervisor="refused"),
        post_data=_complete_data,
        state=_enrolments_state,
        note="the module is not passed yet: the final sign-off is refused",
    ),
]
