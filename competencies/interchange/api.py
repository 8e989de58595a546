"""Read-only CASE v1.1 REST endpoints for published frameworks and the NHS KSF.

Published standards are public, so no login is needed; drafts are never shown. The KSF is
reference data and always published; it answers for its own identifiers even if a copy of it
was imported and published as a framework. Errors use the CASE ``imsx_StatusInfo`` shape so
CASE clients can read them.
"""

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import F, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt

from competencies.interchange.case import export_case_document, export_case_package
from competencies.interchange.ksf_case import (
    export_ksf_case_document,
    export_ksf_case_package,
    ksf_document_identifier,
)
from competencies.models import Competency, Framework

View = Callable[..., JsonResponse]


def _status(status: int, description: str, minor: str) -> JsonResponse:
    body = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_CodeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "TargetEndSystem", "imsx_codeMinorFieldValue": minor}
            ]
        },
    }
    return JsonResponse(body, status=status)


def _public_get(view: View) -> View:
    """GET/HEAD only, no CSRF (nothing changes), readable from other origins' browsers."""

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = _status(
                405,
                gettext("%(method)s is not allowed here.") % {"method": request.method},
                "forbidden",
            )
            response["Allow"] = "GET, HEAD"
        else:
            response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _bad_uuid(value: str) -> JsonResponse:
    return _status(
        400, gettext("'%(value)s' is not a UUID.") % {"value": value[:100]}, "invalid_uuid"
    )


def _not_found(kind: str, identifier: uuid.UUID) -> JsonResponse:
    return _status(
        404,
        gettext("No published %(kind)s has the identifier %(identifier)s.")
        % {"kind": kind, "identifier": identifier},
        "unknownobject",
    )


def _published() -> QuerySet[Framework]:
    """Every live version, retired ones included (they stay citable), newest first."""
    return Framework.objects.filter(live=True).order_by(
        F("last_published_at").desc(nulls_last=True), "-pk"
    )


def _find(entries: list[dict[str, Any]], key: uuid.UUID) -> dict[str, Any] | None:
    return next((e for e in entries if e["identifier"] == str(key)), None)


@_public_get
def cf_documents(request: HttpRequest) -> JsonResponse:
    """Every published, current framework version, and the KSF, as a CFDocument."""
    base_url = _base_url(request)
    frameworks = (
        Framework.objects.published()
        .exclude(identifier=ksf_document_identifier())
        .order_by("title", "-pk")
    )
    documents = [export_case_document(f, base_url=base_url) for f in frameworks]
    ksf = export_ksf_case_document(base_url=base_url)
    # In title order among the frameworks (whose order the database's collation decides).
    at = next(
        (n for n, d in enumerate(documents) if d["title"].casefold() > ksf["title"].casefold()),
        len(documents),
    )
    documents.insert(at, ksf)
    return JsonResponse({"CFDocuments": documents})


@_public_get
def cf_package(request: HttpRequest, identifier: str) -> JsonResponse:
    """One published framework version with all its items and associations."""
    key = _uuid(identifier)
    if key is None:
        return _bad_uuid(identifier)
    if key == ksf_document_identifier():
        return JsonResponse(export_ksf_case_package(base_url=_base_url(request)))
    framework = _published().filter(identifier=key).first()
    if framework is None:
        return _not_found("CFPackage", key)
    return JsonResponse(export_case_package(framework, base_url=_base_url(request)))


@_public_get
def cf_item(request: HttpRequest, identifier: str) -> JsonResponse:
    """One item: the KSF's, else (identifiers survive new versions) the newest published one."""
    key = _uuid(identifier)
    if key is None:
        return _bad_uuid(identifier)
    base_url = _base_url(request)
    found = _find(export_ksf_case_package(base_url=base_url)["CFItems"], key)
    if found is not None:
        return JsonResponse(found)
    item = (
        Competency.objects.filter(identifier=key, framework__live=True)
        .select_related("framework")
        .order_by(F("framework__last_published_at").desc(nulls_last=True), "-framework__pk")
        .first()
    )
    if item is None:
        return _not_found("CFItem", key)
    package = export_case_package(item.framework, base_url=base_url)
    return JsonResponse(_find(package["CFItems"], key))


@_public_get
def cf_association(request: HttpRequest, identifier: str) -> JsonResponse:
    """One association; their identifiers are derived, so search the published packages."""
    key = _uuid(identifier)
    if key is None:
        return _bad_uuid(identifier)
    base_url = _base_url(request)
    found = _find(export_ksf_case_package(base_url=base_url)["CFAssociations"], key)
    if found is not None:
        return JsonResponse(found)
    for framework in _published():
        package = export_case_package(framework, base_url=base_url)
        found = _find(package["CFAssociations"], key)
        if found is not None:
            return JsonResponse(found)
    return _not_found("CFAssociation", key)
