"""Caseload activity: the map and the sources in the admin, and the upload pages.

Educators and service leads keep the activity-to-competency map (add, change, view, bulk
upload); administrators may also delete. Service leads and administrators keep the sources
(workforce analysts too: they are not one of the matrix's roles, so
tests/activity/test_upload_page.py checks them). Service leads and administrators (and
analysts) upload extracts; a run is seen by whoever started it and by administrators.
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permission_matrix import ADMIN_ONLY, PostCase, Rule, everyone

MAP_KEEPERS = everyone(
    "denied", anonymous="login", educator="ok", service_lead="ok", administrator="ok"
)
MAP_WRITES = everyone(
    "denied",
    anonymous="login",
    educator="redirect",
    service_lead="redirect",
    administrator="redirect",
)
MAP_REFUSED = everyone(
    "denied", anonymous="login", educator="refused", service_lead="refused", administrator="refused"
)
SOURCE_KEEPERS = everyone("denied", anonymous="login", service_lead="ok", administrator="ok")
SOURCE_REFUSED = everyone(
    "denied", anonymous="login", service_lead="refused", administrator="refused"
)
UPLOADERS = SOURCE_KEEPERS
UPLOADERS_SENT_ON = everyone(
    "denied", anonymous="login", service_lead="redirect", administrator="redirect"
)
UPLOADERS_REFUSED = SOURCE_REFUSED
ADMIN_WRITES = everyone("denied", anonymous="login", administrator="redirect")


def _framework():
    from competencies.models import Framework
    from tests.competencies.portfolio_fixtures import published_framework

    return Framework.objects.filter(idnumber="ACTMAP").first() or published_framework("ACTMAP")


def _map_line():
    import datetime

    from competencies.models import ActivityRequirement

    return ActivityRequirement.objects.create(
        procedure_code="241497006",
        label="Ultrasound-guided shoulder injection",
        competency=_framework().competencies.get(idnumber="C2"),
        valid_from=datetime.date(2024, 1, 1),
    )


def _map_kwargs(world, name: str) -> dict:
    action = name.partition(":")[2]
    _framework()
    if action in {"index", "index_results", "add", "upload"}:
        return {}
    if action == "download":
        return {"fmt": "csv"}
    return {"pk": _map_line().pk}


def _map_state(w, n, kw):
    from competencies.models import ActivityRequirement

    rows = ActivityRequirement.objects.all()
    sample = rows.filter(pk=kw["pk"]).values().first() if "pk" in kw else None
    return rows.count(), sample


def _map_file(w, n, kw) -> dict:
    content = (
        "procedure_scheme,procedure_code,activity_type,label,framework,competency,level,"
        "valid_from,valid_to,lapse_months\n"
        "local,USGI-KNEE,,Ultrasound-guided knee injection,ACTMAP,C1,,2024-01-01,,\n"
    )
    return {"file": SimpleUploadedFile("map.csv", content.encode(), "text/csv")}


def _new_line(w, n, kw) -> dict:
    competency = _framework().competencies.get(idnumber="C1")
    return {
        "label": "Knee injection",
        "procedure_scheme": "local",
        "procedure_code": "KNEE-1",
        "activity_type": "",
        "competency": competency.pk,
        "level": "",
        "valid_from": "2024-01-01",
        "valid_to": "",
        "lapse_months": "",
    }


def _overlapping_line(w, n, kw) -> dict:
    """The sample line's work and competency again, over the same dates: the rules refuse it."""
    from competencies.models import ActivityRequirement

    line = ActivityRequirement.objects.get(label="Ultrasound-guided shoulder injection")
    return {
        **_new_line(w, n, kw),
        "procedure_scheme": "snomed",
        "procedure_code": line.procedure_code,
        "competency": line.competency_id,
    }


def _source(code: str = "matrix"):
    from competencies.models import ActivitySource

    return ActivitySource.objects.get_or_create(code=code, defaults={"name": f"System {code}"})[0]


def _source_kwargs(world, name: str) -> dict:
    action = name.partition(":")[2]
    if action in {"index", "index_results", "add"}:
        return {}
    return {"pk": _source().pk}


def _source_state(w, n, kw):
    from competencies.models import ActivitySource

    rows = ActivitySource.objects.all()
    sample = rows.filter(pk=kw["pk"]).values().first() if "pk" in kw else None
    return rows.count(), sample


def _extract(w, n, kw) -> dict:
    content = (
        "source_id,contact_date,staff_number,team_code,duration_minutes,attendance,"
        "procedure_code\nA1,2024-05-01,1001,MSKN,30,attended,241497006\n"
    )
    return {
        "source": _source().pk,
        "file": SimpleUploadedFile("activity.csv", content.encode(), "text/csv"),
    }


def _upload_sources(world, name: str) -> dict:
    _source()
    return {}


def _stored_files(w, n, kw):
    from competencies.activity.services import upload_dir

    return sorted(p.name for p in upload_dir().iterdir())


def _run_count(w, n, kw):
    from competencies.models import ActivityImportRun

    return ActivityImportRun.objects.count()


def _run(started_by) -> dict:
    from competencies.models import ActivityImportRun

    run = ActivityImportRun.objects.create(
        source=_source(), filename="activity.csv", started_by=started_by, status="done"
    )
    return {"pk": run.pk}


MAP = "competencies_activity_map"
SOURCES = "competencies_activity_source"

RULES: list = [
    # The map.
    Rule(
        MAP + r":(index|index_results|history|history_results|usage|inspect|download)",
        MAP_KEEPERS,
        kwargs=_map_kwargs,
        note="educators and service leads keep the map; reading pages are GET only",
    ),
    Rule(
        MAP + r":(add|edit)",
        MAP_KEEPERS,
        kwargs=_map_kwargs,
        post=MAP_REFUSED,
        state=_map_state,
        note="an empty form is refused",
    ),
    Rule(
        MAP + r":delete",
        ADMIN_ONLY,
        kwargs=_map_kwargs,
        post=ADMIN_WRITES,
        state=_map_state,
        note="only administrators delete lines (others end them)",
    ),
    Rule(
        MAP + r":upload",
        MAP_KEEPERS,
        kwargs=_map_kwargs,
        post=MAP_WRITES,
        post_data=_map_file,
        state=_map_state,
        note="a good file's lines are added and the list says how many",
    ),
    # The sources.
    Rule(
        SOURCES + r":(index|index_results|history|history_results|usage|inspect)",
        SOURCE_KEEPERS,
        kwargs=_source_kwargs,
    ),
    Rule(
        SOURCES + r":(add|edit)",
        SOURCE_KEEPERS,
        kwargs=_source_kwargs,
        post=SOURCE_REFUSED,
        state=_source_state,
        note="an empty form is refused",
    ),
    Rule(
        SOURCES + r":delete",
        ADMIN_ONLY,
        kwargs=_source_kwargs,
        post=ADMIN_WRITES,
        state=_source_state,
    ),
    # The upload pages.
    Rule(
        r"activity:upload",
        UPLOADERS,
        kwargs=_upload_sources,
        post=UPLOADERS_SENT_ON,
        post_data=_extract,
        state=_stored_files,
        note="the file is kept for the preview (nothing imported yet)",
    ),
    Rule(
        r"activity:preview",
        everyone("denied", anonymous="login", service_lead="redirect", administrator="redirect"),
        post=UPLOADERS_REFUSED,
        state=_run_count,
        note="with no upload waiting: back to the upload page (a POST says it is gone)",
    ),
    Rule(
        r"activity:run|activity:run_status",
        UPLOADERS,
        kwargs=lambda w, n: _run(w.user("service_lead")),
        note="the service lead's own run; administrators see every run; GET only",
    ),
]

EXTRA_CASES = [
    (
        "activity:run",
        lambda w: _run(w.user("administrator")),
        everyone("denied", anonymous="login", administrator="ok"),
    ),
    (
        "activity:run_status",
        lambda w: _run(w.user("administrator")),
        everyone("denied", anonymous="login", administrator="ok"),
    ),
]

EXTRA_POSTS = [
    PostCase(
        MAP + ":add",
        lambda w: {},
        MAP_WRITES,
        post_data=_new_line,
        state=_map_state,
        note="a good line is saved by those who keep the map",
    ),
    PostCase(
        MAP + ":add",
        lambda w: (_map_line(), {})[1],
        MAP_REFUSED,
        post_data=_overlapping_line,
        state=_map_state,
        note="the map's rules refuse an overlapping line, with the reason on the form",
    ),
]
