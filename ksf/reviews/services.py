"""Writes to development reviews. Each is atomic, audited, and refuses with a message to show.

Rules every write follows:

* A review signed by both people is locked: only notes (addenda) and PDP objective status
  updates are accepted, and a status update is itself recorded as a note.
* Any change to the content of an open review clears signatures already given, so nobody's
  signature stands under something that moved after they signed.
* Every edit names the ``version`` it started from. The version is claimed with one
  conditional UPDATE; if someone else saved first, nothing is written and ``ReviewChanged``
  says who, so the page can show the user's input again for them to check.
* A save that changes nothing writes nothing (and so clears no signature).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Field, Model, prefetch_related_objects
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, gettext_lazy
from wagtail.models import ModelLogEntry

from ksf import audit, dates
from ksf.access import can_manage
from ksf.models import (
    DevelopmentReview,
    PDPObjective,
    Post,
    PostAssignment,
    ReviewAddendum,
    ReviewDimension,
    StaffMember,
)
from ksf.models.framework import level_label
from ksf.policies import review_policy
from ksf.reviews.selectors import (
    default_period,
    gateway_missing,
    missing_for_signing,
    open_review,
    required_levels,
    signing_date,
)
from ksf.services import close_topic, notify

SIGNATURE_SOURCE = "signature"  # matched by _last_editor, so stored as is and labelled when shown
audit.SOURCE_LABELS[SIGNATURE_SOURCE] = gettext_lazy("signature")
NOTE_MAX_CHARS = 5000

RawLevel = int | str | None  # a level as a form sends it: 1-4, "1"-"4", or blank


def signature_topic(review: DevelopmentReview) -> str:
    """The topic of the notifications asking someone to sign this review."""
    return f"review-signature:{review.pk}"


class ReviewError(Exception):
    """A refusal with a message written for the person using the page."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReviewLocked(ReviewError):
    """The review has been signed by both people and cannot be changed."""


class ReviewChanged(ReviewError):
    """Someone saved the review after this user opened it; nothing was written."""


@dataclass(frozen=True)
class Saved:
    """What a write did: whether anything changed and whose signatures it cleared."""

    changed: bool
    cleared: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        if not self.changed:
            return gettext("Nothing had changed, so nothing was saved.")
        if self.cleared:
            names = self.cleared[0]
            for name in self.cleared[1:]:
                names = gettext("%(first)s and %(second)s") % {"first": names, "second": name}
            return gettext(
                "Saved. Because the review changed, the signature of %(names)s was cleared: "
                "both of you sign again once you agree the review."
            ) % {"names": names}
        return gettext("Saved.")


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def _fresh(review: DevelopmentReview) -> DevelopmentReview:
    """The review as stored now, row-locked for this transaction where the database can."""
    return (
        DevelopmentReview.objects.select_for_update(of=("self",))
        .select_related("staff", "staff__user", "reviewer", "reviewer__user", "post")
        .get(pk=review.pk)
    )


def locked_message(review: DevelopmentReview) -> str:
    """What to tell someone who tries to change a signed review."""
    signed_on = signing_date(review)
    if signed_on is None:
        raise ValueError(f"Review {review.pk} is not signed, so it is not locked.")
    return gettext(
        "This review was signed on %(date)s and cannot be changed. Add a note instead."
    ) % {"date": _day(signed_on)}


def _refuse_if_locked(review: DevelopmentReview) -> None:
    if review.is_signed:
        raise ReviewLocked(locked_message(review))


def _require(review: DevelopmentReview, user: User, *, person: bool, reviewer: bool) -> None:
    """Defence in depth: the views already 404 anyone else."""
    access = review_policy.access(user, review)
    if (person and access.is_person) or (reviewer and access.is_reviewer):
        return
    if person and reviewer:
        raise PermissionDenied(gettext("Only the person reviewed and their reviewer can do this."))
    if person:
        raise PermissionDenied(
            gettext("Only %(name)s can do this.") % {"name": review.staff.full_name}
        )
    raise PermissionDenied(
        gettext("Only the reviewer, %(name)s, can do this.") % {"name": review.reviewer.full_name}
    )


def _last_editor(review: DevelopmentReview) -> User | None:
    entries = ModelLogEntry.objects.for_instance(review).select_related("user")
    for entry in entries.order_by("-timestamp", "-pk")[:20]:
        if (entry.data or {}).get("source") != SIGNATURE_SOURCE:
            return entry.user
    return None


def _changed_message(review: DevelopmentReview, user: User, tail: str | None = None) -> str:
    """Who saved first, then ``tail`` (by default: your changes are kept but not saved)."""
    if tail is None:
        tail = gettext(
            "Your changes are below but have not been saved: check the review and save again."
        )
    editor = _last_editor(review)
    if editor is not None and editor.pk == user.pk:
        who = gettext(
            "You saved changes to this review in another window after you opened this page."
        )
    elif editor is not None:
        who = gettext("%(name)s saved changes to this review after you opened it.") % {
            "name": _display_name(editor)
        }
    else:
        who = gettext("Someone else saved changes to this review after you opened it.")
    return f"{who} {tail}"


def _display_name(user: User) -> str:
    staff = StaffMember.objects.filter(user=user).first()
    return staff.full_name if staff else (user.get_full_name() or user.username)


def _claim(review: DevelopmentReview, user: User, version: int) -> None:
    """Take the next version, or refuse if someone saved since ``version`` was read."""
    claimed = DevelopmentReview.objects.filter(pk=review.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not claimed:
        raise ReviewChanged(_changed_message(review, user))
    review.version = version + 1


def _clear_signatures(
    review: DevelopmentReview, user: User, changes: dict[str, list[str]]
) -> tuple[str, ...]:
    """Content moved: signatures given so far no longer stand. Tell those who signed."""
    cleared = []
    if review.staff_signed_at:
        changes[gettext("signed by the person")] = [
            _day(dates.local_date(review.staff_signed_at)),
            "—",
        ]
        cleared.append(review.staff)
    if review.reviewer_signed_at:
        changes[gettext("signed by the reviewer")] = [
            _day(dates.local_date(review.reviewer_signed_at)),
            "—",
        ]
        cleared.append(review.reviewer)
    if not cleared:
        return ()
    DevelopmentReview.objects.filter(pk=review.pk).update(
        staff_signed_at=None, reviewer_signed_at=None
    )
    review.staff_signed_at = review.reviewer_signed_at = None
    actor = _display_name(user)
    for person in cleared:
        if person.user_id != user.pk:
            notify(
                person.user,
                gettext("Your signature on a development review was cleared"),
                gettext(
                    "%(actor)s changed the review of %(person)s after you signed it. "
                    "Check the review and sign again when you agree."
                )
                % {"actor": actor, "person": review.staff.full_name},
                review.get_absolute_url(),
                topic=signature_topic(review),
            )
    return tuple(p.full_name for p in cleared)


def _shown(value: object) -> str:
    if value is None or value == "":
        return "—"
    return str(value)


def _level(value: int | None) -> str:
    return level_label(value) if value else "—"


def _dimension_change(code: str, field: str) -> str:
    """The audit entry for one field of a review dimension: "C1 your assessment"."""
    # Translators: a KSF dimension code, then a field name such as "your assessment".
    return gettext("%(code)s %(field)s") % {"code": code, "field": field}


def _objective_change(objective: str, field: str) -> str:
    """The audit entry for one field of a PDP objective: "Objective 'X': target date"."""
    return gettext("Objective '%(objective)s': %(field)s") % {
        "objective": objective,
        "field": field,
    }


def _verbose_name(instance: Model, field_name: str) -> str:
    # get_field() may also return a reverse relation, which has no verbose name; these are
    # all the model's own columns.
    return str(cast(Field, instance._meta.get_field(field_name)).verbose_name)


def _check_level(value: RawLevel, row: ReviewDimension) -> int | None:
    if value in (None, ""):
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        level = 0
    if not 1 <= level <= 4:
        raise ValidationError(
            gettext("Choose a level from 1 to 4 for %(code)s %(title)s.")
            % {"code": row.dimension.code, "title": row.dimension.title}
        )
    return level


# --- Starting a review -----------------------------------------------------------------


def _refuse_second_open_review(person: StaffMember) -> None:
    """One review in progress per person (also a database constraint)."""
    existing = open_review(person)
    if existing is not None:
        raise ValidationError(
            gettext(
                "%(name)s already has a review in progress (started %(date)s): continue that one."
            )
            % {"name": person.full_name, "date": _day(dates.local_date(existing.created_at))}
        )


@transaction.atomic
def start_review(
    *,
    person: StaffMember,
    manager: User,
    post: Post,
    period_start: datetime.date | None = None,
    period_end: datetime.date | None = None,
    meeting_date: datetime.date | None = None,
) -> DevelopmentReview:
    """The line manager opens a review against the post's outline and becomes its reviewer.

    The level each dimension needs is the foundation level until a signed review of this
    person in this post passed the foundation gateway, then the second-gateway level.
    """
    if not can_manage(manager, person):
        raise PermissionDenied(
            gettext("Only the person's line manager or team lead can start a review.")
        )
    reviewer = StaffMember.objects.filter(user=manager).first()
    if reviewer is None:
        raise ValidationError(
            gettext(
                "Your login is not linked to a staff record, so you cannot be named as reviewer."
            )
        )
    errors: dict[str, str] = {}
    current = PostAssignment.objects.current().filter(staff=person, post=post).exists()
    if not current:
        errors["post"] = gettext("Choose one of %(name)s's current posts.") % {
            "name": person.full_name
        }
    default_start, default_end = default_period()
    period_start = period_start or default_start
    period_end = period_end or default_end
    if period_end < period_start:
        errors["period_end"] = gettext("The end of the review period is before its start.")
    levels = required_levels(person, post) if current else []
    if current and not levels:
        errors["post"] = gettext(
            "%(post)s has no KSF outline yet, so there is nothing to review against. "
            "Ask an administrator to add one."
        ) % {"post": post.title}
    if errors:
        raise ValidationError(errors)
    _refuse_second_open_review(person)
    try:
        with transaction.atomic():
            review = DevelopmentReview.objects.create(
                staff=person,
                reviewer=reviewer,
                post=post,
                period_start=period_start,
                period_end=period_end,
                meeting_date=meeting_date,
            )
    except IntegrityError:  # another manager started one at the same moment
        _refuse_second_open_review(person)
        raise
    ReviewDimension.objects.bulk_create(
        ReviewDimension(review=review, dimension_id=entry.dimension_id, required_level=level)
        for entry, level in levels
    )
    audit.log_create(review, manager)
    if meeting_date:
        body = gettext(
            "%(reviewer)s started your development review for %(post)s. "
            "The meeting is on %(date)s. "
            "Add your summary of the year and your own assessment before you meet."
        )
    else:
        body = gettext(
            "%(reviewer)s started your development review for %(post)s. "
            "Add your summary of the year and your own assessment before you meet."
        )
    notify(
        person.user,
        gettext("Your development review has started"),
        body
        % {
            "reviewer": reviewer.full_name,
            "post": post.title,
            "date": _day(meeting_date) if meeting_date else "",
        },
        review.get_absolute_url(),
        topic=signature_topic(review),
    )
    return review


# --- Each party's assessment -------------------------------------------------------------


def _save_assessment(
    review: DevelopmentReview,
    user: User,
    *,
    version: int,
    summary: str,
    dimensions: Mapping[int, tuple[RawLevel, str]],
    as_person: bool,
) -> Saved:
    fresh = _fresh(review)
    _refuse_if_locked(fresh)
    _require(fresh, user, person=as_person, reviewer=not as_person)
    level_field, text_field, summary_field = (
        ("self_level", "self_evidence", "self_summary")
        if as_person
        else ("reviewer_level", "reviewer_comment", "reviewer_summary")
    )
    rows = {row.pk: row for row in fresh.dimensions.select_related("dimension")}
    unknown = set(dimensions) - set(rows)
    if unknown:
        raise ValidationError(gettext("Some of the dimensions sent are not part of this review."))
    changes: dict[str, list[str]] = {}
    changed_rows = []
    for pk, (raw_level, raw_text) in dimensions.items():
        row = rows[pk]
        level, text = _check_level(raw_level, row), (raw_text or "").strip()
        before_level, before_text = getattr(row, level_field), getattr(row, text_field)
        if level == before_level and text == before_text:
            continue
        label = row.dimension.code
        if level != before_level:
            changes[_dimension_change(label, _verbose_name(row, level_field))] = [
                _level(before_level),
                _level(level),
            ]
        if text != before_text:
            changes[_dimension_change(label, _verbose_name(row, text_field))] = [
                _shown(before_text),
                _shown(text),
            ]
        setattr(row, level_field, level)
        setattr(row, text_field, text)
        changed_rows.append(row)
    summary = (summary or "").strip()
    if summary != getattr(fresh, summary_field):
        verbose = _verbose_name(fresh, summary_field)
        changes[verbose] = [_shown(getattr(fresh, summary_field)), _shown(summary)]
    if not changes:
        return Saved(changed=False)
    _claim(fresh, user, version)
    if changed_rows:
        ReviewDimension.objects.bulk_update(changed_rows, [level_field, text_field])
    DevelopmentReview.objects.filter(pk=fresh.pk).update(**{summary_field: summary})
    cleared = _clear_signatures(fresh, user, changes)
    audit.log_change(
        fresh,
        user,
        changes,
        source=gettext("self-assessment") if as_person else gettext("reviewer's assessment"),
    )
    return Saved(changed=True, cleared=cleared)


@transaction.atomic
def save_self_assessment(
    review: DevelopmentReview,
    user: User,
    *,
    version: int,
    summary: str,
    dimensions: Mapping[int, tuple[RawLevel, str]],
) -> Saved:
    """The person's summary of the year, and per review dimension id: (level 1-4, evidence)."""
    return _save_assessment(
        review, user, version=version, summary=summary, dimensions=dimensions, as_person=True
    )


@transaction.atomic
def save_reviewer_assessment(
    review: DevelopmentReview,
    user: User,
    *,
    version: int,
    summary: str,
    dimensions: Mapping[int, tuple[RawLevel, str]],
) -> Saved:
    """The reviewer's summary, and per review dimension id: (level 1-4, comment)."""
    return _save_assessment(
        review, user, version=version, summary=summary, dimensions=dimensions, as_person=False
    )


# --- Gateway decision -------------------------------------------------------------------


@transaction.atomic
def record_gateway(
    review: DevelopmentReview,
    user: User,
    *,
    version: int,
    gateway: str,
    outcome: str = "",
    reasons: str = "",
    unmet: str = "",
    action_plan: str = "",
    review_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Saved:
    """The reviewer's gateway decision. A pass needs reasons; a deferral needs reasons, the
    outline elements not yet met, an action plan and a date to look at it again."""
    fresh = _fresh(review)
    _refuse_if_locked(fresh)
    _require(fresh, user, person=False, reviewer=True)
    today = today or dates.today()
    Gateway, Outcome = DevelopmentReview.Gateway, DevelopmentReview.Outcome
    reasons, unmet, action_plan = (
        (reasons or "").strip(),
        (unmet or "").strip(),
        (action_plan or "").strip(),
    )
    errors: dict[str, str] = {}
    if gateway not in Gateway.values:
        errors["gateway"] = gettext(
            "Choose the foundation gateway, the second gateway or no gateway."
        )
    if outcome not in Outcome.values:
        errors["gateway_outcome"] = gettext("Choose pass or defer.")
    elif gateway in Gateway.values and outcome:
        missing = gateway_missing(
            gateway=gateway,
            outcome=outcome,
            reasons=reasons,
            unmet=unmet,
            action_plan=action_plan,
            review_date=review_date,
        )
        errors.update({field: message for field, (_, message) in missing.items()})
    if gateway and outcome == Outcome.DEFER and review_date is not None and review_date < today:
        errors["gateway_review_date"] = gettext(
            "The date to review again is in the past: choose today or a later date."
        )
    if errors:
        raise ValidationError(errors)
    if not gateway:  # no gateway this year: nothing of a decision is kept
        outcome, reasons, unmet, action_plan, review_date = "", "", "", "", None
    elif outcome == Outcome.PASS:  # what a deferral needs no longer applies
        unmet, action_plan, review_date = "", "", None
    values = {
        "gateway": gateway,
        "gateway_outcome": outcome,
        "gateway_reasons": reasons,
        "gateway_unmet": unmet,
        "gateway_action_plan": action_plan,
        "gateway_review_date": review_date,
    }
    changes = audit.apply(fresh, values)
    if not changes:
        return Saved(changed=False)
    _claim(fresh, user, version)
    DevelopmentReview.objects.filter(pk=fresh.pk).update(**values)
    cleared = _clear_signatures(fresh, user, changes)
    audit.log_change(fresh, user, changes, source=gettext("gateway decision"))
    return Saved(changed=True, cleared=cleared)


# --- PDP objectives ------------------------------------------------------------------------

OBJECTIVE_FIELDS = ("objective", "gap", "dimension", "actions", "support", "target_date", "status")


@transaction.atomic
def add_objective_to_open_review(
    person: StaffMember, user: User, *, data: Mapping[str, Any]
) -> DevelopmentReview:
    """Add a PDP objective to the person's review in preparation (as a planning page's one
    click does); refused, with what to do, when none is open."""
    review = open_review(person)
    if review is None:
        raise ValidationError(
            gettext("%(name)s has no development review open: start one, then add the objective.")
            % {"name": person.full_name}
        )
    save_objective(review, user, version=review.version, data=data)
    return review


def save_objective(
    review: DevelopmentReview,
    user: User,
    *,
    version: int,
    data: Mapping[str, Any],
    objective: PDPObjective | None = None,
    today: datetime.date | None = None,
) -> tuple[PDPObjective | None, Saved]:
    """Add (``objective`` None) or change a PDP objective; either party, while open.

    ``data`` holds objective, gap, dimension (a KSFDimension or None), actions, support,
    target_date and status. A new objective's target date cannot be in the past, nor can
    a changed one.
    """
    fresh = _fresh(review)
    _refuse_if_locked(fresh)
    _require(fresh, user, person=True, reviewer=True)
    if objective is not None and objective.review_id != fresh.pk:
        raise ValidationError(gettext("That objective belongs to a different review."))
    today = today or dates.today()
    current = (
        PDPObjective.objects.select_related("dimension").get(pk=objective.pk)
        if objective is not None
        else None
    )
    values: dict[str, Any] = {name: data.get(name) for name in OBJECTIVE_FIELDS}
    for name in ("objective", "gap", "actions", "support"):
        values[name] = (values[name] or "").strip()
    values["status"] = values["status"] or PDPObjective.Status.NOT_STARTED
    errors: dict[str, str] = {}
    required = {
        "objective": gettext("Write the objective."),
        "gap": gettext("Say which gap the objective closes."),
        "actions": gettext("Say what will be done to meet it."),
    }
    for name, message in required.items():
        if not values[name]:
            errors[name] = message
    for name in ("objective", "gap"):
        if len(values[name]) > 300:
            errors[name] = gettext("Keep this under 300 characters (it has %(count)s).") % {
                "count": len(values[name])
            }
    target = values["target_date"]
    if target is None:
        errors["target_date"] = gettext("Give a target date.")
    elif target < today and (current is None or target != current.target_date):
        errors["target_date"] = gettext(
            "The target date is in the past: choose today or a later date."
        )
    if values["status"] not in PDPObjective.Status.values:
        errors["status"] = gettext("Choose a status from the list.")
    dimension = values["dimension"]
    if dimension is not None and not fresh.dimensions.filter(dimension=dimension).exists():
        errors["dimension"] = gettext("Choose one of the dimensions in this review.")
    if errors:
        raise ValidationError(errors)

    target_obj = current or PDPObjective(review=fresh)
    internal = {_verbose_name(target_obj, "review"), _verbose_name(target_obj, "sort_order")}
    changes = {
        _objective_change(values["objective"], field): pair
        for field, pair in audit.apply(target_obj, values).items()
        if field not in internal
    }
    if not changes:
        return current, Saved(changed=False)
    _claim(fresh, user, version)
    if current is None:
        last = fresh.objectives.order_by("-sort_order").values_list("sort_order", flat=True)
        target_obj.sort_order = (last.first() or 0) + 1
    target_obj.save()
    if current is None:
        audit.log_create(target_obj, user, review=fresh.pk)
    cleared = _clear_signatures(fresh, user, changes)
    audit.log_change(
        fresh,
        user,
        changes,
        source=gettext("objective added") if current is None else gettext("objective changed"),
    )
    return target_obj, Saved(changed=True, cleared=cleared)


@transaction.atomic
def delete_objective(
    review: DevelopmentReview, user: User, *, version: int, objective: PDPObjective
) -> Saved:
    """Remove a PDP objective from an open review; either party."""
    fresh = _fresh(review)
    _refuse_if_locked(fresh)
    _require(fresh, user, person=True, reviewer=True)
    if objective.review_id != fresh.pk:
        raise ValidationError(gettext("That objective belongs to a different review."))
    _claim(fresh, user, version)
    changes = {
        gettext("Objective '%(objective)s'") % {"objective": objective.objective}: [
            objective.objective,
            gettext("removed"),
        ]
    }
    audit.log_delete(objective, user)
    objective.delete()
    cleared = _clear_signatures(fresh, user, changes)
    audit.log_change(fresh, user, changes, source=gettext("objective removed"))
    return Saved(changed=True, cleared=cleared)


@transaction.atomic
def update_objective_status(
    review: DevelopmentReview,
    user: User,
    *,
    version: int,
    objective: PDPObjective,
    status: str,
) -> Saved:
    """Progress through the year: allowed even after signing, where it is added as a note."""
    fresh = _fresh(review)
    _require(fresh, user, person=True, reviewer=True)
    if objective.review_id != fresh.pk:
        raise ValidationError(gettext("That objective belongs to a different review."))
    if status not in PDPObjective.Status.values:
        raise ValidationError({"status": gettext("Choose a status from the list.")})
    current = PDPObjective.objects.get(pk=objective.pk)
    if not fresh.is_signed:
        data = {name: getattr(current, name) for name in OBJECTIVE_FIELDS}
        data["status"] = status
        return save_objective(fresh, user, version=version, data=data, objective=current)[1]
    if current.status == status:
        return Saved(changed=False)
    _claim(fresh, user, version)
    old = current.get_status_display()
    current.status = status
    current.save(update_fields=["status"])
    new = current.get_status_display()
    text = gettext("Status of '%(objective)s' changed from %(old)s to %(new)s.") % {
        "objective": current.objective,
        "old": old,
        "new": new,
    }
    note = ReviewAddendum.objects.create(review=fresh, author=user, text=text)
    audit.log_create(note, user, review=fresh.pk)
    audit.log_change(
        fresh,
        user,
        {_objective_change(current.objective, _verbose_name(current, "status")): [old, new]},
        source=gettext("status after signing"),
    )
    return Saved(changed=True)


# --- Signing and notes -------------------------------------------------------------------


@transaction.atomic
def sign(
    review: DevelopmentReview, user: User, *, version: int, now: datetime.datetime | None = None
) -> DevelopmentReview:
    """The person or the reviewer signs what they have seen (``version``).

    Refused until every dimension has a reviewer's level, at least one objective is agreed
    and any chosen gateway decision is complete. Signing does not move the version, so the
    other party's open form stays valid; their next change would clear this signature.
    """
    fresh = _fresh(review)
    _refuse_if_locked(fresh)
    _require(fresh, user, person=True, reviewer=True)
    as_person = fresh.staff.user_id == user.pk
    field = "staff_signed_at" if as_person else "reviewer_signed_at"
    already = getattr(fresh, field)
    if already:
        other = fresh.reviewer if as_person else fresh.staff
        raise ValidationError(
            gettext("You signed this review on %(date)s. It is waiting for %(name)s to sign.")
            % {"date": _day(dates.local_date(already)), "name": other.full_name}
        )
    prefetch_related_objects([fresh], "dimensions__dimension", "objectives")
    missing = missing_for_signing(fresh)
    if missing:
        raise ValidationError(missing)
    now = now or timezone.now()
    signed = DevelopmentReview.objects.filter(
        pk=fresh.pk, version=version, **{f"{field}__isnull": True}
    ).update(**{field: now})
    if not signed:
        raise ReviewChanged(
            _changed_message(
                fresh, user, gettext("You have not signed: check the review again first.")
            )
        )
    setattr(fresh, field, now)
    signed_by = gettext("signed by the person") if as_person else gettext("signed by the reviewer")
    audit.log_change(
        fresh,
        user,
        {signed_by: ["—", _day(dates.local_date(now))]},
        source=SIGNATURE_SOURCE,
    )
    signer = fresh.staff if as_person else fresh.reviewer
    other = fresh.reviewer if as_person else fresh.staff
    if fresh.is_signed:
        subject = gettext("A development review is signed")
        body = gettext(
            "%(signer)s signed the development review of %(person)s. "
            "Both of you have now signed, so the review is complete and locked."
        )
    else:
        subject = gettext("A development review is waiting for your signature")
        body = gettext(
            "%(signer)s signed the development review of %(person)s. "
            "Check it and sign when you agree."
        )
    body %= {"signer": signer.full_name, "person": fresh.staff.full_name}
    close_topic(signature_topic(fresh), user)
    notify(
        other.user,
        subject,
        body,
        fresh.get_absolute_url(),
        topic="" if fresh.is_signed else signature_topic(fresh),
    )
    return fresh


@transaction.atomic
def add_addendum(review: DevelopmentReview, user: User, *, text: str) -> ReviewAddendum:
    """A note on a signed review, by either party; the signed content itself never changes."""
    fresh = _fresh(review)
    _require(fresh, user, person=True, reviewer=True)
    if not fresh.is_signed:
        raise ValidationError(
            gettext(
                "Notes are added once both of you have signed. "
                "Until then, change the review itself."
            )
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": gettext("Write the note.")})
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError(
            {
                "text": gettext("Keep the note under %(limit)s characters (it has %(count)s).")
                % {
                    "limit": number_format(NOTE_MAX_CHARS, force_grouping=True),
                    "count": number_format(len(text), force_grouping=True),
                }
            }
        )
    note = ReviewAddendum.objects.create(review=fresh, author=user, text=text)
    audit.log_create(note, user, review=fresh.pk)
    author = fresh.staff if fresh.staff.user_id == user.pk else fresh.reviewer
    other = fresh.reviewer if author == fresh.staff else fresh.staff
    notify(
        other.user,
        gettext("A note was added to a signed development review"),
        gettext("%(author)s added a note to the development review of %(person)s.")
        % {"author": author.full_name, "person": fresh.staff.full_name},
        fresh.get_absolute_url(),
    )
    return note
