"""Portal pages for the annual development review. Thin: the services decide, these show.

Who may do what: the person and the reviewer take part; whoever may view the person's record
(line manager, team lead, administrators) reads. Anyone else gets 404, as does anyone asking
for a page that is not theirs to use (e.g. the reviewer on the person's self-assessment).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext

from cms.portal import review_forms as forms
from cms.portal.forms import add_validation_errors
from competencies.models import CPDEntry
from ksf import dates
from ksf.access import is_self, person_or_404
from ksf.models import DevelopmentReview, PDPObjective, Post, StaffMember
from ksf.policies import review_policy
from ksf.reviews import selectors, services
from ksf.selectors import current_assignments, staff_for_user


@dataclass(frozen=True)
class CPDLink:
    title: str
    date: object
    hours: str
    url: str | None


def _cpd_url(staff_number: str, pk: int) -> str | None:
    """The CPD entry's own page, where the CPD log provides one."""
    for kwargs in ({"staff_number": staff_number, "pk": pk}, {"pk": pk}):
        try:
            return reverse("cpd:detail", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


def cpd_by_dimension(review: DevelopmentReview) -> dict[int, list[CPDLink]]:
    """The person's CPD in the review period, by the KSF dimensions each entry names."""
    through = CPDEntry.dimensions.through
    links = (
        through.objects.filter(
            cpdentry__staff_id=review.staff_id,
            cpdentry__date__gte=review.period_start,
            cpdentry__date__lte=review.period_end,
            ksfdimension_id__in=[row.dimension_id for row in review.dimensions.all()],
        )
        .select_related("cpdentry")
        .order_by("-cpdentry__date", "-cpdentry_id")
    )
    found: dict[int, list[CPDLink]] = {}
    for link in links:
        entry = link.cpdentry
        found.setdefault(link.ksfdimension_id, []).append(
            CPDLink(
                entry.title,
                entry.date,
                f"{entry.hours.normalize():f}",
                _cpd_url(review.staff.staff_number, entry.pk),
            )
        )
    return found


def _review(request: HttpRequest, pk: int, need: str):
    review = selectors.review_for_page(pk)
    if review is None:
        raise Http404("No such review")
    access = review_policy.access(request.user, review)
    allowed = {
        "read": access.can_read,
        "person": access.is_person,
        "reviewer": access.is_reviewer,
        "party": access.is_party,
    }[need]
    if not allowed:
        raise Http404("No such review")
    return review, access


def _detail(review: DevelopmentReview):
    return redirect("reviews:detail", pk=review.pk)


def _locked(request: HttpRequest, review: DevelopmentReview):
    messages.error(request, services.locked_message(review))
    return _detail(review)


def _saved(request: HttpRequest, saved: services.Saved) -> None:
    if saved.cleared:
        messages.warning(request, saved.message)
    else:
        messages.success(request, saved.message)


def _attempt(
    request: HttpRequest,
    review: DevelopmentReview,
    form,
    save: Callable[[], services.Saved],
    then: HttpResponse,
) -> HttpResponse | None:
    """Run a save; on success say so and return ``then``, else put the refusal on the form.

    None means: show the form again (with the user's input and the reason it was refused).
    """
    try:
        saved = save()
    except services.ReviewLocked:
        return _locked(request, review)
    except services.ReviewChanged as error:
        _refused_as_changed(form, review, error)
    except ValidationError as error:
        add_validation_errors(form, error)
    else:
        _saved(request, saved)
        return then
    return None


def _refused_as_changed(form, review: DevelopmentReview, error: services.ReviewChanged) -> None:
    form.add_error(None, error.message)
    current = DevelopmentReview.objects.filter(pk=review.pk).values_list("version", flat=True)
    form.keep_input_with_version(current.first() or review.version)


def _may_start(user, person: StaffMember) -> bool:
    return review_policy.may_start(user, person)


# --- A person's reviews ----------------------------------------------------------------------


@login_required
def review_list(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number, need="view")
    reviews = list(selectors.reviews_for(person))
    due = selectors.reviews_due(StaffMember.objects.filter(pk=person.pk))[person.pk]
    return render(
        request,
        "portal/reviews/list.html",
        {
            "person": person,
            "reviews": reviews,
            "due": due,
            "is_self": is_self(request.user, person),
            "may_start": _may_start(request.user, person) and due.open_review_id is None,
        },
    )


@login_required
def review_start(request: HttpRequest, staff_number: str) -> HttpResponse:
    person = person_or_404(request.user, staff_number, need="manage")
    if staff_for_user(request.user) is None:
        raise Http404("Only a line manager with a staff record can be a reviewer")
    assignments = list(current_assignments(person))
    posts = Post.objects.filter(pk__in=[a.post_id for a in assignments])
    open_review = selectors.open_review(person)
    start, end = selectors.default_period()
    initial = {
        "post": assignments[0].post_id if assignments else None,
        "period_start": start,
        "period_end": end,
    }
    form = forms.StartReviewForm(request.POST or None, posts=posts, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.start_review(
                person=person,
                manager=request.user,
                post=form.cleaned_data["post"],
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
                meeting_date=form.cleaned_data["meeting_date"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Review started. %(name)s has been asked to prepare their part.")
                % {"name": person.full_name},
            )
            return _detail(review)
    return render(
        request,
        "portal/reviews/start.html",
        {
            "person": person,
            "form": form,
            "assignments": assignments,
            "open_review": open_review,
        },
    )


# --- One review ------------------------------------------------------------------------------


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = _review(request, pk, "read")
    rows = list(review.dimensions.all())
    cpd = cpd_by_dimension(review)
    return render(
        request,
        "portal/reviews/detail.html",
        {
            "review": review,
            "access": access,
            "rows": [(row, cpd.get(row.dimension_id, [])) for row in rows],
            "objectives": list(review.objectives.all()),
            "addenda": list(review.addenda.all()),
            "missing": selectors.missing_for_signing(review),
            "signed_on": selectors.signing_date(review),
            "gateway_due": selectors.gateway_due(review.staff, review.post),
        },
    )


def _assessment(request: HttpRequest, pk: int, *, as_person: bool) -> HttpResponse:
    review, access = _review(request, pk, "person" if as_person else "reviewer")
    if review.is_signed:
        return _locked(request, review)
    form = forms.AssessmentForm(request.POST or None, review=review, as_person=as_person)
    if request.method == "POST" and form.is_valid():
        save = services.save_self_assessment if as_person else services.save_reviewer_assessment
        done = _attempt(
            request,
            review,
            form,
            lambda: save(
                review,
                request.user,
                version=form.cleaned_data["version"],
                summary=form.cleaned_data["summary"],
                dimensions=form.dimensions_data(),
            ),
            _detail(review),
        )
        if done is not None:
            return done
    cpd = cpd_by_dimension(review)
    return render(
        request,
        "portal/reviews/assessment.html",
        {
            "review": review,
            "access": access,
            "form": form,
            "as_person": as_person,
            "sections": [
                (row, level, text, cpd.get(row.dimension_id, []))
                for row, level, text in form.dimension_fields()
            ],
        },
    )


@login_required
def review_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    return _assessment(request, pk, as_person=True)


@login_required
def review_assess(request: HttpRequest, pk: int) -> HttpResponse:
    return _assessment(request, pk, as_person=False)


@login_required
def review_gateway(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = _review(request, pk, "reviewer")
    if review.is_signed:
        return _locked(request, review)
    due = selectors.gateway_due(review.staff, review.post)
    initial = {
        "version": review.version,
        "gateway": review.gateway,
        "gateway_outcome": review.gateway_outcome,
        "gateway_reasons": review.gateway_reasons,
        "gateway_unmet": review.gateway_unmet,
        "gateway_action_plan": review.gateway_action_plan,
        "gateway_review_date": review.gateway_review_date,
    }
    form = forms.GatewayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _attempt(
            request,
            review,
            form,
            lambda: services.record_gateway(
                review,
                request.user,
                version=data["version"],
                gateway=data["gateway"],
                outcome=data["gateway_outcome"],
                reasons=data["gateway_reasons"],
                unmet=data["gateway_unmet"],
                action_plan=data["gateway_action_plan"],
                review_date=data["gateway_review_date"],
            ),
            _detail(review),
        )
        if done is not None:
            return done
    return render(
        request,
        "portal/reviews/gateway.html",
        {
            "review": review,
            "access": access,
            "form": form,
            "due_label": DevelopmentReview.Gateway(due).label,
            "gaps": selectors.gaps(review),
        },
    )


def _objective(review: DevelopmentReview, objective_id: int) -> PDPObjective:
    for objective in review.objectives.all():
        if objective.pk == objective_id:
            return objective
    raise Http404("No such objective")


def _objective_page(
    request: HttpRequest, review, access, objective: PDPObjective | None
) -> HttpResponse:
    initial = {"version": review.version}
    if objective is not None:
        initial.update(
            {
                "objective": objective.objective,
                "gap": objective.gap,
                "dimension": objective.dimension_id,
                "actions": objective.actions,
                "support": objective.support,
                "target_date": objective.target_date,
                "status": objective.status,
            }
        )
    form = forms.ObjectiveForm(request.POST or None, review=review, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        done = _attempt(
            request,
            review,
            form,
            lambda: services.save_objective(
                review, request.user, version=version, data=data, objective=objective
            )[1],
            redirect(reverse("reviews:detail", kwargs={"pk": review.pk}) + "#pdp"),
        )
        if done is not None:
            return done
    return render(
        request,
        "portal/reviews/objective_form.html",
        {
            "review": review,
            "access": access,
            "form": form,
            "objective": objective,
            "gaps": selectors.gaps(review),
        },
    )


@login_required
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = _review(request, pk, "party")
    if review.is_signed:
        return _locked(request, review)
    return _objective_page(request, review, access, None)


@login_required
def objective_edit(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    review, access = _review(request, pk, "party")
    objective = _objective(review, objective_id)
    if not review.is_signed:
        return _objective_page(request, review, access, objective)
    # Signed: only progress (the status) may move, and that is recorded as a note.
    form = forms.StatusForm(
        request.POST or None, initial={"version": review.version, "status": objective.status}
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.update_objective_status(
                review,
                request.user,
                version=form.cleaned_data["version"],
                objective=objective,
                status=form.cleaned_data["status"],
            )
        except services.ReviewChanged as error:
            _refused_as_changed(form, review, error)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request,
                gettext("Status updated and added to the review as a note.")
                if saved.changed
                else gettext("The status was already that, so nothing changed."),
            )
            return redirect(reverse("reviews:detail", kwargs={"pk": review.pk}) + "#pdp")
    return render(
        request,
        "portal/reviews/objective_status.html",
        {"review": review, "access": access, "form": form, "objective": objective},
    )


@login_required
def objective_delete(request: HttpRequest, pk: int, objective_id: int) -> HttpResponse:
    review, access = _review(request, pk, "party")
    objective = _objective(review, objective_id)
    if review.is_signed:
        return _locked(request, review)
    form = forms.ConfirmForm(request.POST or None, initial={"version": review.version})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.delete_objective(
                review, request.user, version=form.cleaned_data["version"], objective=objective
            )
        except services.ReviewLocked:
            return _locked(request, review)
        except services.ReviewChanged as error:
            _refused_as_changed(form, review, error)
        else:
            if saved.cleared:
                messages.warning(request, saved.message)
            messages.success(
                request,
                gettext("Objective '%(objective)s' removed.") % {"objective": objective.objective},
            )
            return redirect(reverse("reviews:detail", kwargs={"pk": review.pk}) + "#pdp")
    return render(
        request,
        "portal/reviews/objective_delete.html",
        {"review": review, "access": access, "form": form, "objective": objective},
    )


@login_required
def review_sign(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = _review(request, pk, "party")
    if review.is_signed:
        return _locked(request, review)
    form = forms.ConfirmForm(request.POST or None, initial={"version": review.version})
    if request.method == "POST" and form.is_valid():
        try:
            signed = services.sign(review, request.user, version=form.cleaned_data["version"])
        except services.ReviewLocked:
            return _locked(request, review)
        except services.ReviewChanged as error:
            messages.error(request, error.message)
            return _detail(review)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if signed.is_signed:
                messages.success(
                    request, gettext("You have signed. The review is complete and locked.")
                )
            else:
                other = review.reviewer if access.is_person else review.staff
                messages.success(
                    request,
                    gettext("You have signed. %(name)s has been asked to sign.")
                    % {"name": other.full_name},
                )
            return _detail(review)
    mine = review.staff_signed_at if access.is_person else review.reviewer_signed_at
    return render(
        request,
        "portal/reviews/sign.html",
        {
            "review": review,
            "access": access,
            "form": form,
            "missing": selectors.missing_for_signing(review),
            "already_signed": mine,
            "objectives": list(review.objectives.all()),
            "rows": list(review.dimensions.all()),
        },
    )


@login_required
def review_notes(request: HttpRequest, pk: int) -> HttpResponse:
    review, access = _review(request, pk, "party")
    if not review.is_signed:
        messages.info(
            request,
            gettext(
                "Notes are added once both of you have signed. Until then, change the review "
                "itself."
            ),
        )
        return _detail(review)
    form = forms.NoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_addendum(review, request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_validation_errors(form, error)
        except PermissionDenied as error:
            raise Http404("No such review") from error
        else:
            messages.success(request, gettext("Note added."))
            return redirect(reverse("reviews:detail", kwargs={"pk": review.pk}) + "#notes")
    return render(
        request,
        "portal/reviews/note_form.html",
        {"review": review, "access": access, "form": form, "today": dates.today()},
    )
