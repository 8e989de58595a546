"""Fellowship programmes: the Wagtail snippet over Programme and its own pages (start a new
version, retire).

Educators author programmes (model-wide add, change, delete, view and publish; see
fellowships/migrations/0002 and 0003); administrators do the same. Service leads hold
``view_programme`` but not admin access, so the admin sends them away like everyone else.
The sample programme is a draft made afresh for each URL; unpublishing and retiring get a
published one. The public pages (/fellowships/, /fellowships/<code>/) are routes of a Wagtail
page, not URL patterns: see ``SAMPLES`` (checked in tests/fellowships/test_programmes.py).
"""

from tests.permission_matrix import Rule, everyone

AUTHORS = everyone("denied", anonymous="login", educator="ok", administrator="ok")
AUTHORS_WRITE = everyone("denied", anonymous="login", educator="redirect", administrator="redirect")
AUTHORS_REFUSED = everyone("denied", anonymous="login", educator="refused", administrator="refused")
NOBODY = everyone("denied", anonymous="login")
# Service leads hold view_programme and reach the admin (for the activity map): they read.
READERS = everyone(
    "denied", anonymous="login", educator="ok", service_lead="ok", administrator="ok"
)
SNIPPETS = "wagtailsnippets_fellowships_programme"
CHOOSER = "wagtailsnippetchoosers_fellowships_programme"

# The public pages: everyone reads a published programme; a draft is not found.
SAMPLES = [
    ("/fellowships/", everyone("ok")),
    ("/fellowships/<published code>/", everyone("ok")),
    ("/fellowships/<draft code>/", everyone("denied")),
]


def _programme(live: bool = False, code: str = "MATRIX-PROG"):
    from fellowships.models import Milestone, Programme

    programme = Programme.objects.create(
        code=code,
        title="Matrix programme",
        kind=Programme.Kind.OTHER,
        target_months=12,
        declaration="Signed off.",
        live=False,
    )
    Milestone.objects.create(
        programme=programme, stage="Stage 1", title="Hours", kind="logbook", target_hours=10
    )
    revision = programme.save_revision()
    if live:
        revision.publish(user=None, skip_permission_checks=True)
        programme.refresh_from_db()
    return programme


def _kwargs(world, name: str) -> dict:
    action = name.partition(":")[2]
    if action in {"list", "list_results", "add", "choose", "choose_results", "create"}:
        return {}
    if action == "chosen_multiple":
        return {}
    live = action in {"unpublish", "retire"}
    programme = _programme(live=live)
    kwargs = {"pk": programme.pk}
    if action in {"revisions_revert", "revisions_unschedule"}:
        kwargs["revision_id"] = programme.latest_revision.pk
    if action == "revisions_compare":
        kwargs.update({"revision_id_a": "earliest", "revision_id_b": "latest"})
    return kwargs


def _state(w, n, kw):
    from fellowships.models import Milestone, Programme

    sample = (
        Programme.objects.filter(pk=kw["pk"])
        .values("title", "version", "live", "retired", "latest_revision_id")
        .first()
        if "pk" in kw
        else None
    )
    return Programme.objects.count(), Milestone.objects.count(), sample


RULES = [
    Rule(SNIPPETS + r":(list|list_results|inspect)", READERS, kwargs=_kwargs),
    Rule(
        SNIPPETS + r":(history|history_results|usage|revisions_compare)",
        AUTHORS,
        kwargs=_kwargs,
    ),
    Rule(
        SNIPPETS + r":(add|edit|revisions_revert)",
        AUTHORS,
        kwargs=_kwargs,
        post=AUTHORS_REFUSED,
        state=_state,
        note="an empty form is refused",
    ),
    Rule(
        SNIPPETS + r":delete",
        AUTHORS,
        kwargs=_kwargs,
        post=AUTHORS_WRITE,
        state=_state,
        note="a draft nobody is enrolled on: its authors delete it",
    ),
    Rule(
        SNIPPETS + r":unpublish",
        AUTHORS,
        kwargs=_kwargs,
        post=AUTHORS_WRITE,
        state=_state,
        note="publishing (and so unpublishing) is for educators and administrators",
    ),
    Rule(
        SNIPPETS + r":revisions_unschedule",
        AUTHORS,
        kwargs=_kwargs,
        post=AUTHORS_WRITE,
        state=_state,
        writes=False,
        note="nothing is scheduled: sent back, nothing changes",
    ),
    Rule(
        SNIPPETS + r":new_version",
        AUTHORS,
        kwargs=_kwargs,
        post=AUTHORS_WRITE,
        post_data=lambda w, n, kw: {"version": "2.0"},
        state=_state,
        note="a draft copy with the milestones; the edit page of the copy",
    ),
    Rule(
        SNIPPETS + r":retire",
        AUTHORS,
        kwargs=_kwargs,
        post=AUTHORS_WRITE,
        state=_state,
        note="a published programme; the list with the message",
    ),
    Rule(CHOOSER + r":(choose|choose_results|chosen|chosen_multiple)", READERS, kwargs=_kwargs),
    Rule(
        CHOOSER + r":create",
        NOBODY,
        kwargs=_kwargs,
        post=NOBODY,
        state=_state,
        note="programmes are not created inside a chooser: refused to everyone",
    ),
]

EXTRA_CASES: list = []
EXTRA_POSTS: list = []
