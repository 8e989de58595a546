"""The fellowship logbook: a fellow's logbook, entries, uploads and assessments; the supervisor's
queue, sign-off, returns and assessments to record.

Roles here: the clinician is the fellow; the supervisor supervises them (a mentor, today);
the manager is their line manager and team lead, the service lead leads their service, the
educator runs cohorts: they read the logbook and write nothing in it. A second enrolment, of
someone the supervisor does not supervise, checks "another supervisor" gets 404.
"""

import datetime

from tests.permission_matrix import PostCase, Rule, everyone

READERS = everyone("ok", anonymous="login")
FELLOW_ONLY = everyone("denied", anonymous="login", clinician="ok")
FELLOW_WRITES = everyone("denied", anonymous="login", clinician="redirect")
SUPERVISOR_ONLY = everyone("denied", anonymous="login", supervisor="ok")
SUPERVISOR_WRITES = everyone("denied", anonymous="login", supervisor="redirect")
POST_ONLY = everyone("method", anonymous="login")
GET_ONLY = everyone("method")


class Sample:
    """What the rows need: the fellow's enrolment with entries and assessments."""

    def __init__(self, world):
        from fellowships.models import Assessment, LogbookEntry
        from ksf.models import StaffMember
        from tests.factories import StaffMemberFactory
        from tests.fellowships import factories as f

        sup_user = world.user("supervisor")
        self.supervisor = StaffMember.objects.filter(user=sup_user).first() or StaffMemberFactory(
            user=sup_user, first_name="Sian", last_name="Supervisor"
        )
        self.enrolment = f.enrolment(fellow=world.clinician, mentor=self.supervisor)
        self.draft = f.entry(self.enrolment)
        self.submitted = f.entry(self.enrolment, status=LogbookEntry.Status.SUBMITTED)
        self.requested = Assessment.objects.create(
            enrolment=self.enrolment,
            kind="dops",
            focus="Shoulder injection",
            assessor=self.supervisor,
        )
        self.recorded = Assessment.objects.create(
            enrolment=self.enrolment,
            kind="cbd",
            focus="Knee pain",
            assessor=self.supervisor,
            status=Assessment.Status.RECORDED,
            outcome=Assessment.Outcome.SATISFACTORY,
            feedback="Good reasoning.",
        )


class OtherSample:
    """Someone else's enrolment, supervised by another supervisor, not the world's."""

    def __init__(self, world):
        from fellowships.models import Assessment, LogbookEntry
        from tests.fellowships import factories as f

        self.mentor = f.supervisor(first_name="Osian", last_name="Other")
        self.enrolment = f.enrolment(fellow=world.stranger, mentor=self.mentor)
        self.draft = f.entry(self.enrolment)
        self.submitted = f.entry(self.enrolment, status=LogbookEntry.Status.SUBMITTED)
        self.requested = Assessment.objects.create(
            enrolment=self.enrolment, kind="dops", focus="Hip", assessor=self.mentor
        )
        self.recorded = Assessment.objects.create(
            enrolment=self.enrolment,
            kind="cbd",
            focus="Hip",
            assessor=self.mentor,
            status=Assessment.Status.RECORDED,
            outcome=Assessment.Outcome.SATISFACTORY,
            feedback="Fine.",
        )


def sample(world) -> Sample:
    if getattr(world, "_logbook", None) is None:
        world._logbook = Sample(world)
    return world._logbook


def other(world) -> OtherSample:
    if getattr(world, "_logbook_other", None) is None:
        world._logbook_other = OtherSample(world)
    return world._logbook_other


def _state(w, n, kw):
    from fellowships.models import Assessment, LogbookEntry

    entries = list(
        LogbookEntry.objects.order_by("pk").values_list(
            "pk", "status", "minutes", "category", "appraised", "feedback", "submitted_at"
        )
    )
    assessments = list(
        Assessment.objects.order_by("pk").values_list("pk", "status", "reflection", "outcome")
    )
    return entries, assessments


def _today() -> str:
    from ksf import dates

    return dates.today().isoformat()


def _entry_data(w, n, kw) -> dict:
    return {
        "date": _today(),
        "category": "Knee",
        "supervised": "on",
        "minutes": "55",
        "case_reference": "US-200",
        "findings": "Small effusion.",
        "action": "save",
    }


def _identifier_entry(w, n, kw) -> dict:
    return {**_entry_data(w, n, kw), "case_reference": "943 476 5919"}


def _upload_data(w, n, kw) -> dict:
    return {
        "pasted": "date,category,supervised,minutes,case reference,findings,reflection\n"
        f"{_today()},Hip,yes,30,US-300,,\n"
    }


def _record_data(w, n, kw) -> dict:
    return {
        "date": _today(),
        "case_reference": "INJ-1",
        "domain_technique": "meets",
        "outcome": "satisfactory",
        "feedback": "Safe technique.",
    }


def _request_data(w, n, kw) -> dict:
    return {"kind": "mini_cex", "focus": "Knee scan", "assessor": sample(w).supervisor.pk}


def _sign_data(w, n, kw) -> dict:
    return {"entry": [sample(w).submitted.pk], "appraised": [sample(w).submitted.pk]}


def _enrolment(w, n) -> dict:
    return {"pk": sample(w).enrolment.pk}


RULES = [
    Rule(
        r"logbook:list",
        READERS,
        kwargs=_enrolment,
        post=GET_ONLY,
        state=_state,
        note="whoever reads the enrolment: fellow, supervisor, manager, service lead, educator",
    ),
    Rule(
        r"logbook:add",
        FELLOW_ONLY,
        kwargs=_enrolment,
        post=FELLOW_WRITES,
        post_data=_entry_data,
        state=_state,
        note="the fellow alone logs",
    ),
    Rule(
        r"logbook:edit",
        FELLOW_ONLY,
        kwargs=lambda w, n: {"pk": sample(w).enrolment.pk, "entry": sample(w).draft.pk},
        post=FELLOW_WRITES,
        post_data=_entry_data,
        state=_state,
    ),
    Rule(
        r"logbook:delete",
        FELLOW_ONLY,
        kwargs=lambda w, n: {"pk": sample(w).enrolment.pk, "entry": sample(w).draft.pk},
        post=FELLOW_WRITES,
        state=_state,
        note="GET asks to confirm; a POST deletes",
    ),
    Rule(
        r"logbook:submit",
        POST_ONLY,
        kwargs=_enrolment,
        post=FELLOW_WRITES,
        post_data=lambda w, n, kw: {"all": "1"},
        state=_state,
        note="POST only; submits every draft",
    ),
    Rule(
        r"logbook:upload",
        FELLOW_ONLY,
        kwargs=_enrolment,
        post=FELLOW_WRITES,
        post_data=_upload_data,
        state=_state,
    ),
    Rule(
        r"logbook:template",
        FELLOW_ONLY,
        kwargs=_enrolment,
        post=GET_ONLY,
        state=_state,
        note="the upload's template, for the fellow",
    ),
    Rule(
        r"logbook:assessments",
        READERS,
        kwargs=_enrolment,
        post=FELLOW_WRITES,
        post_data=_request_data,
        state=_state,
        note="readers see the list; only the fellow asks for one",
    ),
    Rule(
        r"logbook:reflect",
        FELLOW_ONLY,
        kwargs=lambda w, n: {"pk": sample(w).enrolment.pk, "assessment": sample(w).recorded.pk},
        post=FELLOW_WRITES,
        post_data=lambda w, n, kw: {"reflection": "Next time I will slow down."},
        state=_state,
    ),
    Rule(
        r"logbook:queue",
        READERS,
        kwargs=lambda w, n: (sample(w), {})[1],
        post=GET_ONLY,
        state=_state,
        note="each sees their own queue (empty unless they supervise)",
    ),
    Rule(
        r"logbook:sign",
        POST_ONLY,
        kwargs=lambda w, n: (sample(w), {})[1],
        post=SUPERVISOR_WRITES,
        post_data=_sign_data,
        state=_state,
        note="POST only; a current supervisor of the fellow; the fellow never",
    ),
    Rule(
        r"logbook:return",
        SUPERVISOR_ONLY,
        kwargs=lambda w, n: {"pk": sample(w).submitted.pk},
        post=SUPERVISOR_WRITES,
        post_data=lambda w, n, kw: {"feedback": "Add the dynamic views."},
        state=_state,
    ),
    Rule(
        r"logbook:record",
        SUPERVISOR_ONLY,
        kwargs=lambda w, n: {"pk": sample(w).requested.pk},
        post=SUPERVISOR_WRITES,
        post_data=_record_data,
        state=_state,
        note="only the supervisor asked",
    ),
]

# Someone else's enrolment: the world's supervisor does not supervise them (404, as unknown);
# the educator reads every enrolment (view_enrolment); the manager does not manage them, and
# the service lead leads another service (the Service leads group holds no view_enrolment).
OTHER_READERS = everyone("denied", anonymous="login", educator="ok", administrator="ok")
NOBODY = everyone("denied", anonymous="login")

EXTRA_CASES = [
    ("logbook:list", lambda w: {"pk": other(w).enrolment.pk}, OTHER_READERS),
    ("logbook:assessments", lambda w: {"pk": other(w).enrolment.pk}, OTHER_READERS),
    ("logbook:add", lambda w: {"pk": other(w).enrolment.pk}, NOBODY),
    (
        "logbook:edit",
        lambda w: {"pk": other(w).enrolment.pk, "entry": other(w).draft.pk},
        NOBODY,
    ),
    (
        "logbook:edit",
        lambda w: {"pk": sample(w).enrolment.pk, "entry": other(w).draft.pk},
        NOBODY,
    ),
    ("logbook:return", lambda w: {"pk": other(w).submitted.pk}, NOBODY),
    ("logbook:record", lambda w: {"pk": other(w).requested.pk}, NOBODY),
    ("logbook:list", lambda w: {"pk": 999_999}, NOBODY),
]


def _paused(w) -> dict:
    from fellowships.models import Enrolment

    s = sample(w)
    Enrolment.objects.filter(pk=s.enrolment.pk).update(status=Enrolment.Status.PAUSED)
    return {}


def _pause_started_yesterday(w) -> dict:
    from fellowships.models import Pause
    from ksf import dates

    s = sample(w)
    Pause.objects.create(
        enrolment=s.enrolment,
        starts_on=dates.today() - datetime.timedelta(days=1),
        reason="Leave",
    )
    return {}


EXTRA_POSTS = [
    PostCase(
        "logbook:sign",
        lambda w: (other(w), {})[1],
        NOBODY,
        post_data=lambda w, n, kw: {"entry": [other(w).submitted.pk]},
        state=_state,
        note="another supervisor's fellow: 404 to the world's supervisor",
    ),
    PostCase(
        "logbook:return",
        lambda w: {"pk": other(w).submitted.pk},
        NOBODY,
        post_data=lambda w, n, kw: {"feedback": "Not yours."},
        state=_state,
    ),
    PostCase(
        "logbook:record",
        lambda w: {"pk": other(w).requested.pk},
        NOBODY,
        post_data=_record_data,
        state=_state,
    ),
    PostCase(
        "logbook:add",
        lambda w: {"pk": other(w).enrolment.pk},
        NOBODY,
        post_data=_entry_data,
        state=_state,
        note="someone else's logbook: nobody here logs in it",
    ),
    PostCase(
        "logbook:add",
        lambda w: _enrolment(w, "logbook:add"),
        everyone("denied", anonymous="login", clinician="refused"),
        post_data=_identifier_entry,
        state=_state,
        note="an NHS number as the case reference is refused; nothing is saved",
    ),
    PostCase(
        "logbook:return",
        lambda w: {"pk": sample(w).submitted.pk},
        everyone("denied", anonymous="login", supervisor="refused"),
        post_data=lambda w, n, kw: {"feedback": ""},
        state=_state,
        note="returning needs feedback",
    ),
    PostCase(
        "logbook:sign",
        lambda w: _paused(w),
        everyone("denied", anonymous="login", supervisor="refused"),
        post_data=_sign_data,
        state=_state,
        note="a paused enrolment: nothing is signed",
    ),
    PostCase(
        "logbook:sign",
        lambda w: _pause_started_yesterday(w),
        everyone("denied", anonymous="login", supervisor="refused"),
        post_data=_sign_data,
        state=_state,
        note="an open pause: nothing is signed",
    ),
]
