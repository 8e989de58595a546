"""Writes to a person's portfolio: CPD entries, evidence, self-assessment and sign-off.

Each write is atomic and audited, enforces its rules and owns the message a refusal shows.
Sign-off rules: people assess only themselves; only the named assessor decides; nobody
signs their own; a declined claim needs a reason; a verified claim records level, assessor,
date, evidence and an expiry from the framework's validity period.
HCPC profile drafts are the person's own work: only they save or delete them, and a draft
need not be complete (that is checked when the profile is built), only sound.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext

from competencies.frameworks.selectors import assessable_competencies
from competencies.models import (
    Attainment,
    Competency,
    CPDEntry,
    Evidence,
    HCPCProfileDraft,
    ScaleValue,
)
from competencies.portfolio import rules, selectors
from competencies.portfolio.policies import attainment_policy, hcpc_profile_policy
from ksf import audit, dates
from ksf.models import KSFDimension, StaffMember
from ksf.services import close_topic, notify


def sign_off_topic(attainment_id: int) -> str:
    """The topic of the notification asking an assessor to decide this claim."""
    return f"sign-off:{attainment_id}"


def renewal_topic(staff_id: int, identifier: object) -> str:
    """The topic of the reminders to renew a sign-off; a new verification settles them."""
    return f"renew:{staff_id}:{identifier}"


@dataclass
class CPDInput:
    """What a person records about one activity, as the services take it."""

    date: datetime.date | None
    title: str
    activity_type: str
    hours: Decimal | None
    description: str
    learning: str = ""
    practice_change: str = ""
    service_user_benefit: str = ""
    competencies: Sequence[Competency] = ()
    dimensions: Sequence[KSFDimension] = ()
    evidence: Sequence[Evidence] = ()
    # Optionally a new piece of evidence, stored and attached in the same step.
    new_file: UploadedFile | None = None
    new_link: str = ""
    new_evidence_title: str = ""

    FIELDS = (
        "date",
        "title",
        "activity_type",
        "hours",
        "description",
        "learning",
        "practice_change",
        "service_user_benefit",
    )


def _validate(person: StaffMember, data: CPDInput, entry: CPDEntry | None) -> None:
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    for name, check in (("date", rules.check_date), ("hours", rules.check_hours)):
        try:
            check(getattr(data, name))
        except ValidationError as e:
            errors[name].append(e)
    if not (data.title or "").strip():
        errors["title"].append(ValidationError(gettext("Enter a title for the activity.")))
    if not (data.description or "").strip():
        errors["description"].append(ValidationError(gettext("Say briefly what you did.")))
    if data.activity_type not in CPDEntry.ActivityType.values:
        errors["activity_type"].append(ValidationError(gettext("Choose the type of activity.")))
    allowed = set(selectors.competency_choices_queryset(entry).values_list("pk", flat=True))
    if any(c.pk not in allowed for c in data.competencies):
        errors["competencies"].append(
            ValidationError(gettext("Choose competencies from published frameworks only."))
        )
    if any(e.owner_id != person.pk for e in data.evidence):
        errors["evidence"].append(ValidationError(gettext("Attach only your own evidence.")))
    if data.new_file and data.new_link:
        errors["new_link"].append(
            ValidationError(
                gettext("Give either a new file or a new link, not both: add one at a time.")
            )
        )
    try:
        if data.new_file:
            rules.check_upload(data.new_file)
    except ValidationError as e:
        errors["new_file"].append(e)
    try:
        if data.new_link and not data.new_file:
            rules.check_link(data.new_link)
    except ValidationError as e:
        errors["new_link"].append(e)
    if errors:
        raise ValidationError(dict(errors))


def _apply(entry: CPDEntry, person: StaffMember, data: CPDInput, user: User | None) -> None:
    for name in CPDInput.FIELDS:
        value = getattr(data, name)
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.full_clean(exclude=["staff"])
    entry.save()
    entry.competencies.set(data.competencies)
    entry.dimensions.set(data.dimensions)
    attached = list(data.evidence)
    if data.new_file or data.new_link:
        attached.append(
            add_evidence(
                owner=person,
                user=user,
                title=data.new_evidence_title,
                upload=data.new_file,
                url=data.new_link,
            )
        )
    entry.evidence.set(attached)


def _snapshot(entry: CPDEntry) -> dict[str, str]:
    """The entry's fields plus what it links to, for the audit trail."""
    values = audit.snapshot(entry)
    values[gettext("competencies")] = (
        ", ".join(sorted(str(c) for c in entry.competencies.all())) or "—"
    )
    values[gettext("KSF dimensions")] = ", ".join(d.code for d in entry.dimensions.all()) or "—"
    values[gettext("evidence")] = ", ".join(sorted(e.title for e in entry.evidence.all())) or "—"
    return values


@transaction.atomic
def create_entry(person: StaffMember, data: CPDInput, *, user: User | None) -> CPDEntry:
    """Record an activity in ``person``'s log. Nothing is saved if any part is refused."""
    _validate(person, data, None)
    entry = CPDEntry(staff=person)
    _apply(entry, person, data, user)
    audit.log_create(entry, user)
    return entry


@transaction.atomic
def update_entry(entry: CPDEntry, data: CPDInput, *, user: User | None) -> CPDEntry:
    """Change an entry; the audit trail keeps what it said before."""
    entry = CPDEntry.objects.select_for_update().get(pk=entry.pk)
    _validate(entry.staff, data, entry)
    before = _snapshot(entry)
    _apply(entry, entry.staff, data, user)
    audit.log_change(entry, user, audit.diff(before, _snapshot(entry)))
    return entry


@transaction.atomic
def delete_entry(entry: CPDEntry, *, user: User | None) -> None:
    """Delete an entry. Its evidence stays in the person's evidence store."""
    audit.log_delete(entry, user)
    entry.delete()


@transaction.atomic
def add_evidence(
    *,
    owner: StaffMember,
    user: User | None,
    title: str = "",
    upload: UploadedFile | None = None,
    url: str = "",
) -> Evidence:
    """Store a file or a link for ``owner``. Exactly one of ``upload`` and ``url``."""
    if bool(upload) == bool(url):
        raise ValidationError(gettext("Choose a file or give a link (one of the two)."), code="one")
    title = (title or "").strip()
    evidence = Evidence(owner=owner, uploaded_by=user if user and user.pk else None)
    if upload:
        kind = rules.check_upload(upload)
        # check_upload has refused a nameless file (it has no type) and checked the size
        assert upload.name is not None and upload.size is not None
        original = PurePath(upload.name).name
        evidence.original_name = original[:255]
        evidence.content_type = kind.content_type
        evidence.size = upload.size
        evidence.title = (title or original)[:200]
        evidence.file.save(original, upload, save=False)
    else:
        evidence.url = rules.check_link(url)
        evidence.title = (title or evidence.url)[:200]
    try:
        evidence.full_clean(exclude=["file", "uploaded_by"])
        evidence.save()
    except Exception:
        if evidence.file.name:  # the file was written first: do not leave it behind
            evidence.file.storage.delete(evidence.file.name)
        raise
    audit.log_create(evidence, user)
    return evidence


@transaction.atomic
def delete_evidence(evidence: Evidence, user: User | None) -> None:
    """Delete a piece of evidence (and its file) unless a verified sign-off rests on it."""
    reason = selectors.why_not_deletable(evidence)
    if reason:
        raise ValidationError(reason, code="verified")
    name = evidence.file.name if evidence.file else ""
    audit.log_delete(evidence, user)
    evidence.delete()
    if name:
        storage = Evidence.file.field.storage
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def claim(
    *,
    person: StaffMember,
    user: User,
    competency: Competency,
    value: ScaleValue,
    comment: str = "",
    evidence: list[Evidence] | None = None,
    assessor: StaffMember | None = None,
) -> Attainment:
    """Record a self-assessment and, with an assessor, ask them to sign it off."""
    if not attainment_policy.may_claim_for(user, person):
        raise PermissionDenied(gettext("You can only assess yourself."))
    if not assessable_competencies().filter(pk=competency.pk).exists():
        raise ValidationError(gettext("This competency is not in a published framework."))
    if value.framework_id != competency.framework_id:
        raise ValidationError({"value": gettext("Choose a level from this competency's scale.")})
    for item in evidence or []:
        if item.owner_id != person.pk:
            raise ValidationError({"evidence": gettext("You can only attach your own evidence.")})
    _check_assessor(person, assessor)
    # A new claim replaces any earlier open one for the same competency.
    open_claims = Attainment.objects.filter(
        staff=person,
        competency__identifier=competency.identifier,
        status__in=Attainment.OPEN,
    )
    for pk in open_claims.filter(status=Attainment.Status.REQUESTED).values_list("pk", flat=True):
        close_topic(sign_off_topic(pk))
    open_claims.update(status=Attainment.Status.WITHDRAWN)
    try:
        with transaction.atomic():
            attainment = Attainment.objects.create(
                staff=person,
                competency=competency,
                value=value,
                self_comment=comment,
                status=Attainment.Status.SELF_ASSESSED,
            )
    except IntegrityError as error:  # the same claim sent twice at once (two tabs)
        raise ValidationError(
            gettext(
                "You sent another claim for this competency at the same moment. "
                "Check your claims below before sending it again."
            )
        ) from error
    attainment.evidence.set(evidence or [])
    audit.log_create(attainment, user)
    if assessor is not None:
        attainment = request_sign_off(attainment, user=user, assessor=assessor)
    return attainment


def _check_assessor(person: StaffMember, assessor: StaffMember | None) -> None:
    if assessor is None:
        return
    if assessor.pk == person.pk:
        raise ValidationError({"assessor": gettext("You cannot sign off your own competencies.")})
    if assessor.user is None or not assessor.user.is_active:
        raise ValidationError(
            {
                "assessor": gettext("%(name)s cannot sign in, so cannot sign this off.")
                % {"name": assessor.full_name}
            }
        )


@transaction.atomic
def request_sign_off(attainment: Attainment, *, user: User, assessor: StaffMember) -> Attainment:
    attainment = Attainment.objects.select_for_update().get(pk=attainment.pk)
    if not attainment_policy.may_request_sign_off(user, attainment):
        raise PermissionDenied(gettext("Only the person can ask for sign-off of their own claim."))
    if attainment.status != Attainment.Status.SELF_ASSESSED:
        raise ValidationError(gettext("This claim has already been sent or decided."))
    _check_assessor(attainment.staff, assessor)
    attainment.status = Attainment.Status.REQUESTED
    attainment.assessor = assessor
    attainment.requested_at = timezone.now()
    attainment.save(update_fields=["status", "assessor", "requested_at"])
    audit.log_change(
        attainment,
        user,
        {
            gettext("status"): [
                str(Attainment.Status.SELF_ASSESSED.label),
                str(Attainment.Status.REQUESTED.label),
            ]
        },
    )
    notify(
        assessor.user,
        gettext("%(name)s asks you to sign off %(competency)s")
        % {"name": attainment.staff.full_name, "competency": attainment.competency.short_name},
        gettext(
            "%(name)s has assessed themselves at '%(value)s' in %(competency)s and named you "
            "as assessor."
        )
        % {
            "name": attainment.staff.full_name,
            "value": attainment.value.name,
            "competency": attainment.competency,
        },
        url=attainment.get_absolute_url(),
        topic=sign_off_topic(attainment.pk),
    )
    return attainment


@transaction.atomic
def decide(
    attainment: Attainment,
    *,
    user: User,
    verify: bool,
    comment: str = "",
    today: datetime.date | None = None,
) -> Attainment:
    """The named assessor verifies or declines. Anyone else is refused."""
    today = today or dates.today()
    attainment = (
        Attainment.objects.select_for_update(of=("self",))
        .select_related("assessor", "staff", "competency__framework", "value")
        .get(pk=attainment.pk)
    )
    if attainment.staff.user_id == user.pk:
        raise PermissionDenied(gettext("You cannot sign off your own competencies."))
    if not attainment_policy.may_decide(user, attainment):
        raise PermissionDenied(gettext("Only the assessor this was sent to can decide it."))
    if attainment.status != Attainment.Status.REQUESTED:
        raise ValidationError(
            gettext("This request is no longer waiting for a decision (it is %(status)s).")
            % {"status": attainment.get_status_display().lower()}
        )
    comment = comment.strip()
    if not verify and not comment:
        raise ValidationError(
            {"comment": gettext("Say why you are declining, so they know what to do.")}
        )
    before = attainment.get_status_display()
    attainment.decided_at = timezone.now()
    attainment.decision_comment = comment
    if verify:
        attainment.status = Attainment.Status.VERIFIED
        attainment.verified_on = today
        months = attainment.competency.framework.validity_months
        attainment.expires_on = today + relativedelta(months=months) if months else None
    else:
        attainment.status = Attainment.Status.DECLINED
    attainment.save()
    audit.log_change(
        attainment, user, {gettext("status"): [before, attainment.get_status_display()]}
    )
    close_topic(sign_off_topic(attainment.pk))
    if verify:
        close_topic(renewal_topic(attainment.staff_id, attainment.competency.identifier))
    assessor = attainment.assessor
    assert assessor is not None  # may_decide() refuses a claim without an assessor
    if verify:
        subject = gettext("%(assessor)s verified %(competency)s")
    else:
        subject = gettext("%(assessor)s declined %(competency)s")
    notify(
        attainment.staff.user,
        subject % {"assessor": assessor.full_name, "competency": attainment.competency.short_name},
        comment or gettext("Signed off at '%(value)s'.") % {"value": attainment.value.name},
        url=attainment.get_claimant_url(),
    )
    return attainment


@transaction.atomic
def withdraw(attainment: Attainment, *, user: User) -> Attainment:
    # The claim as stored now, locked (as decide() locks it): an assessor deciding it at the
    # same moment goes first or second, and a withdrawal never overwrites their decision.
    attainment = (
        Attainment.objects.select_for_update(of=("self",))
        .select_related("staff")
        .get(pk=attainment.pk)
    )
    if not attainment_policy.may_withdraw(user, attainment):
        raise PermissionDenied(gettext("Only the person can withdraw their claim."))
    if attainment.status not in Attainment.OPEN:
        raise ValidationError(gettext("Only a claim that is not yet decided can be withdrawn."))
    before = attainment.get_status_display()
    attainment.status = Attainment.Status.WITHDRAWN
    attainment.save(update_fields=["status"])
    audit.log_change(
        attainment, user, {gettext("status"): [before, str(Attainment.Status.WITHDRAWN.label)]}
    )
    close_topic(sign_off_topic(attainment.pk))
    return attainment


@dataclass
class HCPCDraftInput:
    """What the HCPC profile form collects, as a draft keeps it."""

    title: str
    summary: str
    activities: Sequence[CPDEntry] = ()


DRAFT_TITLE_MAX_CHARS = HCPCProfileDraft._meta.get_field("title").max_length or 200


def _check_draft(person: StaffMember, data: HCPCDraftInput) -> None:
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    limit = settings.PORTAL_TEXT_MAX_CHARS
    if len(data.title or "") > DRAFT_TITLE_MAX_CHARS:
        errors["title"].append(
            ValidationError(
                gettext("Give the draft a name of %(max)s characters or fewer.")
                % {"max": DRAFT_TITLE_MAX_CHARS}
            )
        )
    if len(data.summary or "") > limit:
        errors["summary"].append(
            ValidationError(
                gettext("Your summary is too long to save: shorten it to %(max)s characters.")
                % {"max": limit}
            )
        )
    allowed = set(selectors.profile_entries(person).values_list("pk", flat=True))
    if any(a.pk not in allowed for a in data.activities):
        errors["activities"].append(
            ValidationError(
                gettext("Choose activities from your own CPD log of the last two years.")
            )
        )
    if errors:
        raise ValidationError(dict(errors))


def _draft_snapshot(draft: HCPCProfileDraft) -> dict[str, str]:
    """The draft for the audit trail: its name, how long the summary is, what is chosen.

    The summary itself stays out of the trail, as it stays out of addresses and logs.
    """
    words = len((draft.summary or "").split())
    return {
        gettext("title"): draft.title,
        gettext("summary of practice"): ngettext("%(count)s word", "%(count)s words", words)
        % {"count": words},
        gettext("activities to write up"): (
            ", ".join(sorted(str(a) for a in draft.activities.all())) or "—"
        ),
    }


@transaction.atomic
def save_hcpc_draft(
    person: StaffMember,
    data: HCPCDraftInput,
    *,
    user: User,
    draft: HCPCProfileDraft | None = None,
) -> HCPCProfileDraft:
    """Keep ``person``'s HCPC profile as it stands: a new draft, or ``draft`` updated.

    A draft may be incomplete (no summary, fewer activities than a profile needs) but not
    unsound: text within bounds and activities from the person's own recent CPD only.
    """
    if not hcpc_profile_policy.may_prepare(user, person):
        raise PermissionDenied(gettext("Only the person can save drafts of their HCPC profile."))
    if draft is not None:
        draft = HCPCProfileDraft.objects.select_for_update().get(pk=draft.pk)
        if draft.owner_id != person.pk:
            raise PermissionDenied(gettext("This draft belongs to someone else."))
    _check_draft(person, data)
    title = (data.title or "").strip()
    created = draft is None
    before: dict[str, str] = {}
    if draft is None:
        draft = HCPCProfileDraft(owner=person)
        if not title:
            # Translators: the name a saved HCPC profile gets, e.g. 'HCPC profile, 3 March 2026'.
            title = gettext("HCPC profile, %(date)s") % {
                "date": date_format(dates.today(), "j F Y")
            }
    else:
        before = _draft_snapshot(draft)
        title = title or draft.title
    draft.title = title
    draft.summary = (data.summary or "").strip()
    draft.full_clean(exclude=["owner"])
    draft.save()
    draft.activities.set(data.activities)
    if created:
        audit.log_create(draft, user)
    else:
        audit.log_change(draft, user, audit.diff(before, _draft_snapshot(draft)))
    return draft


@transaction.atomic
def delete_hcpc_draft(draft: HCPCProfileDraft, *, user: User) -> None:
    """Delete a saved draft. The CPD log it drew on is untouched."""
    if not hcpc_profile_policy.may_change(user, draft):
        raise PermissionDenied(gettext("Only the person can delete drafts of their HCPC profile."))
    audit.log_delete(draft, user)
    draft.delete()
