"""Open Badges 3.0 credentials in the portal.

- Anyone (no login) checks a credential at its address, which is its id: who holds what,
  issued by whom and when, the competencies it aligns to, whether the signature holds and
  whether it was revoked. The page verifies the credential as stored, every time.
- The signed JSON is for the fellow and whoever may read the enrolment; others get 404.
- The issuer's public keys (Multikey) and issuer profiles are public JSON.
- Administrators revoke a credential with a reason; the service decides who may.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from cms.portal.forms import NHSFormMixin, add_validation_errors
from fellowships.credentials import documents, keys, services
from fellowships.credentials.verify import verify
from fellowships.models import Credential
from fellowships.policies import enrolment_policy
from ksf.models import Organisation

JSON_LD = "application/ld+json"


def _credential_or_404(public_id) -> Credential:
    return get_object_or_404(
        Credential.objects.select_related("enrolment__staff", "enrolment__programme", "revoked_by"),
        public_id=public_id,
    )


def _as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


def _alignment(entry: dict) -> dict:
    url = entry.get("targetUrl")
    return {
        "name": entry.get("targetName", ""),
        "framework": entry.get("targetFramework", ""),
        "description": entry.get("targetDescription", ""),
        # Only a web address becomes a link, whatever a changed document says.
        "url": url if isinstance(url, str) and url.startswith(("https://", "http://")) else "",
    }


@require_GET
def verification(request: HttpRequest, public_id) -> HttpResponse:
    credential = _credential_or_404(public_id)
    document = credential.document
    result = verify(document)
    body = _as_dict(document)
    subject = _as_dict(body.get("credentialSubject"))
    achievement = _as_dict(subject.get("achievement"))
    alignments = [_alignment(_as_dict(a)) for a in _as_list(achievement.get("alignment"))]
    user = request.user
    return render(
        request,
        "portal/credentials/verify.html",
        {
            "credential": credential,
            "result": result,
            "holder": credential.enrolment.staff.full_name,
            "achievement": achievement,
            "issuer": _as_dict(body.get("issuer")),
            "alignments": alignments,
            "may_download": enrolment_policy.may_read(user, credential.enrolment),
            "may_revoke": services.may_revoke(user) and not credential.is_revoked,
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, public_id) -> HttpResponse:
    credential = _credential_or_404(public_id)
    if not enrolment_policy.may_read(request.user, credential.enrolment):
        raise Http404("No such credential")
    content = json.dumps(credential.document, indent=2, ensure_ascii=False)
    response = HttpResponse(content.encode("utf-8"), content_type=JSON_LD)
    filename = f"credential-{credential.enrolment.programme.code}-{credential.public_id}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def public_key(request: HttpRequest, key_id: str) -> JsonResponse:
    try:
        key = keys.load(key_id)
    except (keys.KeyNotFound, ValueError) as exc:
        raise Http404("No such key") from exc
    response = JsonResponse(key.multikey(), content_type=JSON_LD)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def issuer(request: HttpRequest, code: str) -> JsonResponse:
    organisation = get_object_or_404(Organisation, code=code)
    profile = {"@context": documents.CONTEXT, **documents.issuer_profile(organisation)}
    response = JsonResponse(profile, content_type=JSON_LD)
    response["Access-Control-Allow-Origin"] = "*"
    return response


class RevokeForm(NHSFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is it revoked?"),
        help_text=_("Whoever checks the credential sees this reason."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,  # the service says what is missing, in its words
    )


@login_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, public_id) -> HttpResponse:
    credential = _credential_or_404(public_id)
    if not services.may_revoke(request.user):
        raise PermissionDenied
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke(credential, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, gettext("The credential is revoked."))
            return redirect("credentials:verify", public_id=credential.public_id)
    return render(
        request,
        "portal/credentials/revoke.html",
        {"credential": credential, "form": form, "holder": credential.enrolment.staff.full_name},
    )
