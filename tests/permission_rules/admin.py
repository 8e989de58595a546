"""Admin pages: our own (staff import, outline copy, frameworks, requirements) and the Wagtail
viewsets over our models (the ksf_* organisation models, frameworks as snippets, requirements).

The sample framework (``world.framework``) is a draft owned by the educator, and one of its
competencies is required by ``world.post``. Writes with an empty body are refused by the
viewsets' forms; our own admin pages get a real body so the allowed roles really write.
"""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permission_matrix import ADMIN_ONLY, PostCase, Rule, everyone

EDUCATOR_AND_ADMIN = everyone("denied", anonymous="login", educator="ok", administrator="ok")
# A write as an educator or administrator: done and sent on, everyone else turned away.
EDUCATOR_AND_ADMIN_WRITE = everyone(
    "denied", anonymous="login", educator="redirect", administrator="redirect"
)
EDUCATOR_AND_ADMIN_REFUSED = everyone(
    "denied", anonymous="login", educator="refused", administrator="refused"
)
ADMIN_WRITES = everyone("denied", anonymous="login", administrator="redirect")
# Service leads reach the admin (for the activity map and its sources) and read there what
# their view permissions allow: posts, and the framework choosers.
WITH_SERVICE_LEADS = everyone(
    "denied", anonymous="login", educator="ok", service_lead="ok", administrator="ok"
)
ADMIN_AND_SERVICE_LEADS = everyone(
    "denied", anonymous="login", service_lead="ok", administrator="ok"
)
ADMIN_REFUSED = everyone("denied", anonymous="login", administrator="refused")


def _paused_attempt(w):
    from axes.models import AccessAttempt
    from django.utils import timezone

    attempt, _ = AccessAttempt.objects.get_or_create(
        username=w.clinician.user.username,
        ip_address="192.0.2.1",
        defaults={
            "user_agent": "matrix",
            "failures_since_start": 5,
            "attempt_time": timezone.now(),
        },
    )
    return attempt


def _lockout_data(w, n, kw) -> dict:
    return {"attempt": _paused_attempt(w).pk}


def _with_a_pause(w, n) -> dict:
    """The sample pause, made once before every role's try (each try is rolled back)."""
    _paused_attempt(w)
    return {}


def _lockout_state(w, n, kw):
    from axes.models import AccessAttempt

    return sorted(AccessAttempt.objects.values_list("username", flat=True))


NOBODY = everyone("denied", anonymous="login")
MOODLE_EXAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "moodle-example.csv"


# --- Our admin pages for the organisation ---------------------------------------------------


def _staff_csv(w, n, kw) -> dict:
    from ksf.imports.staff import OPTIONAL, REQUIRED

    row = {
        "staff_number": "99990001",
        "first_name": "Nia",
        "last_name": "Newstarter",
        "email": "nia.newstarter@example.nhs.uk",
        "post_title": "Physiotherapist",
        "band": "5",
        "team": w.team.code,
        "wte": "1.0",
        "line_manager_staff_number": w.manager.staff_number,
        "start_date": "2024-09-01",
    }
    header = [*REQUIRED, *OPTIONAL]
    content = ",".join(header) + "\n" + ",".join(row.get(h, "") for h in header) + "\n"
    return {"file": SimpleUploadedFile("esr.csv", content.encode(), "text/csv")}


def _staff_count(w, n, kw):
    from ksf.models import PostAssignment, StaffMember

    return StaffMember.objects.count(), PostAssignment.objects.count()


def _import_run(started_by) -> dict:
    from ksf.models import StaffImportRun

    run = StaffImportRun.objects.create(
        filename="esr.csv",
        started_by=started_by,
        status=StaffImportRun.Status.DONE,
        rows_total=1,
        rows_checked=1,
        result={"created": 1},
    )
    return {"pk": run.pk}


def _admins_run(w, n) -> dict:
    """A finished run the administrator started."""
    return _import_run(w.user("administrator"))


def _another_importers_run(w) -> dict:
    """A run started by someone else who may import (not an administrator)."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    importer = UserFactory(username="importer")
    importer.user_permissions.add(Permission.objects.get(codename="add_staffmember"))
    return _import_run(importer)


def _outline_source(w, n) -> dict:
    """Another post with an outline, to copy into the sample post."""
    from tests.factories import PostFactory, full_outline

    full_outline(PostFactory(service=w.post.service, title="Senior physiotherapist", band="6"))
    return {"pk": w.post.pk}


def _outline_data(w, n, kw) -> dict:
    from ksf.models import Post

    source = Post.objects.exclude(pk=kw["pk"]).filter(outline__isnull=False).first()
    return {"source": source.pk}


def _outline_state(w, n, kw):
    from ksf.models import OutlineEntry

    return list(OutlineEntry.objects.filter(post_id=kw["pk"]).values_list("pk", flat=True))


# --- The Wagtail viewsets over the ksf models -------------------------------------------------

VIEWSET_MODELS = {
    "ksf_organisation": "Organisation",
    "ksf_site": "CareSite",
    "ksf_service": "Service",
    "ksf_team": "Team",
    "ksf_staff": "StaffMember",
    "ksf_post": "Post",
    "ksf_assignment": "PostAssignment",
    "ksf_dimension": "KSFDimension",
    "ksf_indicator": "KSFIndicator",
}


def _viewset_pk(world, name: str) -> dict:
    sample = {
        "ksf_organisation": lambda w: w.team.service.organisation,
        "ksf_site": lambda w: w.team.site,
        "ksf_service": lambda w: w.team.service,
        "ksf_team": lambda w: w.team,
        "ksf_staff": lambda w: w.clinician,
        "ksf_post": lambda w: w.post,
        "ksf_assignment": lambda w: w.clinician.assignments.first(),
        "ksf_dimension": lambda w: w.post.outline.first().dimension,
        "ksf_indicator": lambda w: (
            w.post.outline.first().dimension.levels.first().indicators.first()
        ),
    }
    namespace, _, action = name.partition(":")
    if action in {"index", "index_results", "add"}:
        return {}
    return {"pk": sample[namespace](world).pk}


def _model_state(model):
    def state(w, n, kw):
        rows = model.objects.all()
        sample = rows.filter(pk=kw["pk"]).values().first() if "pk" in kw else None
        return rows.count(), sample

    return state


def _viewset_state(w, name: str, kw):
    from django.apps import apps

    model = apps.get_model("ksf", VIEWSET_MODELS[name.partition(":")[0]])
    return _model_state(model)(w, name, kw)


def _requirement_state(w, n, kw):
    from competencies.models import PostRequirement

    return _model_state(PostRequirement)(w, n, kw)


VIEWSETS = r"ksf_(organisation|site|service|team|staff|post|assignment|dimension|indicator)"

RULES: list = [
    Rule(
        r"ksf_staff_import",
        ADMIN_ONLY,
        post=ADMIN_WRITES,
        post_data=_staff_csv,
        state=_staff_count,
        note="the upload runs as a background task (at once in tests) and leads to its page",
    ),
    Rule(
        r"ksf_staff_import_run|ksf_staff_import_run_status",
        ADMIN_ONLY,
        kwargs=_admins_run,
        note="a run's page and its progress: for who started it and administrators; GET only",
    ),
    Rule(r"ksf_staff_import_template", ADMIN_ONLY, post=ADMIN_ONLY, note="a download either way"),
    Rule(
        r"ksf_sign_in_lockouts",
        ADMIN_ONLY,
        kwargs=_with_a_pause,
        post=ADMIN_WRITES,
        post_data=_lockout_data,
        state=_lockout_state,
        note="lifting a sign-in pause is for administrators",
    ),
    Rule(
        r"ksf_copy_outline",
        ADMIN_ONLY,
        kwargs=_outline_source,
        post=ADMIN_WRITES,
        post_data=_outline_data,
        state=_outline_state,
    ),
    Rule(
        r"ksf_(organisation|site|service|team|staff|assignment|dimension|indicator):"
        r"(index|index_results|history|history_results|usage|inspect)"
        r"|ksf_post:(history|history_results|usage)",
        ADMIN_ONLY,
        kwargs=_viewset_pk,
    ),
    Rule(
        r"ksf_post:(index|index_results|inspect)",
        ADMIN_AND_SERVICE_LEADS,
        kwargs=_viewset_pk,
        note="service leads read posts (their view permission) now they reach the admin",
    ),
    Rule(
        VIEWSETS + r":(add|edit|copy)",
        ADMIN_ONLY,
        kwargs=_viewset_pk,
        post=ADMIN_REFUSED,
        state=_viewset_state,
        note="an empty form is refused",
    ),
    Rule(
        r"ksf_(staff|assignment|indicator):delete",
        ADMIN_ONLY,
        kwargs=_viewset_pk,
        post=ADMIN_WRITES,
        state=_viewset_state,
    ),
    Rule(
        r"ksf_(organisation|site|service|team|post|dimension):delete",
        ADMIN_ONLY,
        kwargs=_viewset_pk,
        post=NOBODY,
        state=_viewset_state,
        note="still in use (protected): Wagtail refuses the delete with 403",
    ),
]


# --- Frameworks -----------------------------------------------------------------------------


def _framework_kwargs(world, name: str) -> dict:
    action = name.partition(":")[2]
    framework = world.framework
    if name == "competencies_export":
        return {"pk": framework.pk, "fmt": "moodle"}
    if action in {"list", "list_results", "add"} or name == "competencies_import":
        return {}
    kwargs = {"pk": framework.pk}
    revision = framework.latest_revision
    if action in {"revisions_revert", "revisions_unschedule", "revisions_view"}:
        kwargs["revision_id"] = revision.pk
    if action == "revisions_compare":
        kwargs.update({"revision_id_a": "earliest", "revision_id_b": "latest"})
    if action in {"workflow_action", "collect_workflow_action_data"}:
        kwargs.update({"action_name": "approve", "task_state_id": 999999})
    if action == "workflow_history_detail":
        kwargs["workflow_state_id"] = 999999
    if action == "workflow_preview":
        kwargs["task_id"] = 999999
    if action in {"preview_on_add", "choose", "choose_results", "chosen_multiple", "create"}:
        return {}
    return kwargs


def _published_kwargs(world, name: str) -> dict:
    """A published framework (nobody's own), for unpublishing."""
    from tests.competencies.portfolio_fixtures import published_framework

    return {"pk": published_framework(idnumber="MATRIX").pk}


def _others_framework(w):
    """A draft framework owned by a second educator: not the sample educator's to change."""
    from ksf.roles import Role
    from tests.conftest import educator_framework
    from tests.factories import UserFactory

    other = UserFactory(username="edu2", roles=[Role.EDUCATOR])
    return educator_framework(other, idnumber="OTHER-FW")


def _framework_state(w, n, kw):
    from competencies.models import Competency, Framework

    frameworks = Framework.objects.all()
    sample = (
        frameworks.filter(pk=kw["pk"])
        .values("title", "version", "owner_id", "live", "locked", "latest_revision_id")
        .first()
        if "pk" in kw
        else None
    )
    competencies = list(
        Competency.objects.filter(framework_id=kw.get("pk")).values_list(
            "pk", "parent_id", "sort_order", "short_name"
        )
    )
    return frameworks.count(), sample, competencies


def _new_competency(w, n, kw) -> dict:
    return {
        "action": "add",
        # Top level: under a parent the form refuses it today ("The parent must be in the same
        # framework.": the unsaved node has no framework when the model's clean runs).
        "parent": "",
        "idnumber": "C9",
        "code": "",
        "short_name": "Ultrasound-guided injection",
        "description": "",
    }


def _moodle_file(w, n, kw) -> dict:
    return {
        "file": SimpleUploadedFile("moodle.csv", MOODLE_EXAMPLE.read_bytes(), "text/csv"),
        "format": "",
    }


def _hand_over_to_admin(w, n, kw) -> dict:
    return {"to": w.user("administrator").pk}


def _spare_framework(world, name: str) -> dict:
    """A draft framework nothing requires, so it can be deleted."""
    from tests.conftest import educator_framework

    return {"pk": educator_framework(world.user("educator"), idnumber="SPARE").pk}


def _published_competencies(world, name: str) -> dict:
    from tests.competencies.portfolio_fixtures import published_framework

    published_framework(idnumber="MATRIX")
    return {}


def _assign_data(w, n, kw) -> dict:
    from competencies.models import Competency

    competency = Competency.objects.get(framework__idnumber="MATRIX", idnumber="C2")
    return {
        "posts": [w.post.pk],
        "competencies": [competency.pk],
        "mandatory": "on",
        "months_allowed": "12",
    }


def _copy_data(w, n, kw) -> dict:
    target = w.manager.assignments.first().post
    return {"source": w.post.pk, "target": target.pk}


SNIPPETS = "wagtailsnippets_competencies_framework"

RULES += [
    Rule(
        r"competencies_import",
        EDUCATOR_AND_ADMIN,
        post=EDUCATOR_AND_ADMIN_WRITE,
        post_data=_moodle_file,
        state=_framework_state,
        note="the imported draft's tree page",
    ),
    Rule(
        r"competencies_tree",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        post=EDUCATOR_AND_ADMIN_WRITE,
        post_data=_new_competency,
        state=_framework_state,
        note="the educator owns the sample framework",
    ),
    Rule(
        r"competencies_new_version",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        post=EDUCATOR_AND_ADMIN_WRITE,
        post_data=lambda w, n, kw: {"version": "2.0"},
        state=_framework_state,
    ),
    Rule(
        r"competencies_hand_over",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        post=EDUCATOR_AND_ADMIN_WRITE,
        post_data=_hand_over_to_admin,
        state=_framework_state,
    ),
    Rule(
        r"competencies_export",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        post=EDUCATOR_AND_ADMIN,
        note="a download either way",
    ),
    Rule(
        SNIPPETS + r":(list|list_results|history|history_results|inspect|usage|"
        r"revisions_compare|revisions_view|workflow_history)",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
    ),
    Rule(
        SNIPPETS + r":(add|edit|revisions_revert)",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        post=EDUCATOR_AND_ADMIN_REFUSED,
        state=_framework_state,
        note="an empty form is refused",
    ),
    Rule(
        SNIPPETS + r":(preview_on_add|preview_on_edit)",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        post=EDUCATOR_AND_ADMIN,
        state=_framework_state,
        writes=False,
        note="previews keep the form in the session; nothing is saved",
    ),
    Rule(
        SNIPPETS + r":confirm_workflow_cancellation",
        WITH_SERVICE_LEADS,
        kwargs=_framework_kwargs,
        post=WITH_SERVICE_LEADS,
        state=_framework_state,
        writes=False,
        note="only a confirmation to show; nothing is saved",
    ),
    Rule(
        SNIPPETS + r":delete",
        everyone("denied", anonymous="login", administrator="redirect"),
        kwargs=_framework_kwargs,
        post=everyone("denied", anonymous="login", administrator="refused"),
        state=_framework_state,
        note="a post requires one of its competencies: protected; the administrator is sent "
        "back to the list with the reason",
    ),
    Rule(
        SNIPPETS + r":unpublish",
        ADMIN_ONLY,
        kwargs=_published_kwargs,
        post=ADMIN_WRITES,
        state=_framework_state,
        note="owners edit; deleting and unpublishing are for administrators",
    ),
    Rule(
        SNIPPETS + r":revisions_unschedule",
        ADMIN_ONLY,
        kwargs=_framework_kwargs,
        post=ADMIN_WRITES,
        state=_framework_state,
        writes=False,
        note="nothing is scheduled: the administrator is sent back, nothing changes",
    ),
    Rule(
        SNIPPETS + r":(lock|unlock)",
        everyone("denied", anonymous="login"),
        kwargs=_framework_kwargs,
        post=NOBODY,
        state=_framework_state,
        note="POST only; the framework policy grants nobody 'lock'",
    ),
    Rule(
        r"wagtailsnippetchoosers_competencies_framework:(choose|choose_results|chosen_multiple)",
        WITH_SERVICE_LEADS,
        kwargs=_framework_kwargs,
    ),
    Rule(
        r"wagtailsnippetchoosers_competencies_framework:chosen",
        EDUCATOR_AND_ADMIN,
        kwargs=_framework_kwargs,
        note="the sample framework is a draft: not the service lead's to read",
    ),
    Rule(
        r"wagtailsnippetchoosers_competencies_framework:create",
        NOBODY,
        kwargs=_framework_kwargs,
        post=NOBODY,
        state=_framework_state,
        note="frameworks are not created inside a chooser: refused to everyone",
    ),
    Rule(
        SNIPPETS + r":(workflow_action|collect_workflow_action_data|workflow_preview)",
        everyone("denied", anonymous="login"),
        kwargs=_framework_kwargs,
        post=NOBODY,
        state=_framework_state,
        note="no such task or workflow state: refused to everyone",
    ),
    Rule(
        SNIPPETS + r":workflow_history_detail",
        everyone("denied", anonymous="login"),
        kwargs=_framework_kwargs,
        note="no such workflow state: refused to everyone",
    ),
    # Post requirements.
    Rule(
        r"competencies_requirement:(index|index_results|history|history_results|usage|inspect)",
        ADMIN_ONLY,
        kwargs=lambda w, n: (
            {} if n.split(":")[1] in {"index", "index_results"} else {"pk": w.requirement.pk}
        ),
    ),
    Rule(
        r"competencies_requirement:(add|edit|copy)",
        ADMIN_ONLY,
        kwargs=lambda w, n: {} if n.endswith(":add") else {"pk": w.requirement.pk},
        post=ADMIN_REFUSED,
        state=_requirement_state,
        note="an empty form is refused",
    ),
    Rule(
        r"competencies_requirement:delete",
        ADMIN_ONLY,
        kwargs=lambda w, n: {"pk": w.requirement.pk},
        post=ADMIN_WRITES,
        state=_requirement_state,
    ),
    Rule(
        r"competencies_assign_requirements",
        ADMIN_ONLY,
        kwargs=_published_competencies,
        post=ADMIN_WRITES,
        post_data=_assign_data,
        state=_requirement_state,
    ),
    Rule(
        r"competencies_copy_requirements",
        ADMIN_ONLY,
        post=ADMIN_WRITES,
        post_data=_copy_data,
        state=_requirement_state,
    ),
]


def _others_views(action: str):
    """Kwargs for one of the second educator's draft's admin views."""

    def kwargs(w) -> dict:
        framework = _others_framework(w)
        values = {"pk": framework.pk}
        if action == "revisions_view":
            values["revision_id"] = framework.latest_revision.pk
        if action == "revisions_compare":
            values.update({"revision_id_a": "earliest", "revision_id_b": "latest"})
        return values

    return kwargs


# Another educator's draft is not the educator's to read, through any view of it: the
# framework policy's reading rule (drafts for their editors and, in review, their reviewers).
EXTRA_CASES: list = [
    (
        SNIPPETS + ":" + action,
        _others_views(action),
        ADMIN_ONLY,
    )
    for action in (
        "inspect",
        "history",
        "history_results",
        "usage",
        "revisions_view",
        "revisions_compare",
        "workflow_history",
    )
] + [
    ("wagtailsnippetchoosers_competencies_framework:chosen", _others_views("chosen"), ADMIN_ONLY),
    ("ksf_staff_import_run", _another_importers_run, ADMIN_ONLY),
    ("ksf_staff_import_run_status", _another_importers_run, ADMIN_ONLY),
    ("ksf_staff_import_run", lambda w: {"pk": 999999}, NOBODY),
    ("ksf_staff_import_run_status", lambda w: {"pk": 999999}, NOBODY),
    ("competencies_export", lambda w: {**_others_views("export")(w), "fmt": "moodle"}, ADMIN_ONLY),
]


def _others(w) -> dict:
    """The second educator's framework: only administrators may write there."""
    return {"pk": _others_framework(w).pk}


EXTRA_POSTS: list = [
    PostCase(
        "competencies_tree",
        _others,
        ADMIN_WRITES,
        post_data=_new_competency,
        state=_framework_state,
        note="the educator may not add to another educator's framework",
    ),
    PostCase(
        "competencies_hand_over",
        _others,
        ADMIN_WRITES,
        post_data=_hand_over_to_admin,
        state=_framework_state,
    ),
    PostCase(
        SNIPPETS + ":edit",
        _others,
        ADMIN_REFUSED,
        state=_framework_state,
        note="the educator is turned away before the form; the administrator's is empty",
    ),
    PostCase(
        "competencies_new_version",
        _others,
        ADMIN_WRITES,
        post_data=lambda w, n, kw: {"version": "2.0"},
        state=_framework_state,
        note="another educator's draft is not the educator's to view, so not to copy",
    ),
    PostCase(
        SNIPPETS + ":delete",
        lambda w: _spare_framework(w, "delete"),
        ADMIN_WRITES,
        state=_framework_state,
        note="a framework nothing requires: administrators delete it",
    ),
]
