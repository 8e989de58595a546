"""Writes of programmes: new versions, publishing and retiring; atomic and audited."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from fellowships.models import Milestone, Programme
from ksf import audit

# The fields a new version copies (everything an educator authors).
PROGRAMME_FIELDS = [
    "code",
    "title",
    "kind",
    "summary",
    "partner",
    "target_months",
    "min_band",
    "professions",
    "min_years_qualified",
    "prerequisite_id",
    "entry_notes",
    "cost",
    "funding_note",
    "supervisor_capacity",
    "final_signoff_role",
    "declaration",
]
MILESTONE_FIELDS = [
    "sort_order",
    "stage",
    "title",
    "kind",
    "credits",
    "pass_mark",
    "category",
    "categories",
    "supervision",
    "target_entries",
    "min_per_category",
    "appraised_percent",
    "target_hours",
    "assessment_type",
    "min_count",
    "competency_id",
    "level_id",
]


@transaction.atomic
def start_new_version(programme: Programme, version: str, user: User | None = None) -> Programme:
    """A draft copy of ``programme`` (fields and milestones) as ``version``.

    Enrolments stay on the version they started; the copy points back with
    ``previous_version`` and is edited and published on its own.
    """
    version = (version or "").strip()
    if not version:
        raise ValidationError({"version": gettext("Give the new version a number.")})
    if Programme.objects.filter(code=programme.code, version=version).exists():
        raise ValidationError(
            {"version": gettext("Version %(version)s already exists.") % {"version": version}}
        )
    new = Programme(
        **{name: getattr(programme, name) for name in PROGRAMME_FIELDS},
        version=version,
        previous_version=programme,
        owner=user or programme.owner,
        live=False,
        has_unpublished_changes=True,
    )
    new.professions = list(programme.professions or [])
    new.save()
    for milestone in Milestone.objects.filter(programme=programme).order_by("sort_order", "pk"):
        values = {name: getattr(milestone, name) for name in MILESTONE_FIELDS}
        values["categories"] = list(values["categories"] or [])
        Milestone.objects.create(programme=new, **values)
    new.save_revision(user=user)  # publishing restores fields (and milestones) from it
    audit.log_create(new, user, previous_version=str(programme))
    return new


@transaction.atomic
def publish(programme: Programme, user: User | None = None) -> Programme:
    """Publish the latest revision (one is saved first if there is none)."""
    revision = programme.latest_revision or programme.save_revision(user=user)
    revision.publish(user=user, skip_permission_checks=True)
    programme.refresh_from_db()
    return programme


@transaction.atomic
def retire(programme: Programme, user: User | None = None) -> Programme:
    """A published version is withdrawn from the site and from applications; it still exists
    for the enrolments that started on it."""
    if not programme.live:
        raise ValidationError(gettext("Only a published programme can be retired."))
    if programme.retired:
        raise ValidationError(gettext("This programme is already retired."))
    programme.retired = True
    programme.save(update_fields=["retired"])
    audit.log_change(programme, user, {gettext("retired"): [gettext("No"), gettext("Yes")]})
    return programme
