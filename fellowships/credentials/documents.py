"""The unsigned OpenBadgeCredential of a completed enrolment.

The fellow is named by a salted SHA-256 hash of their email (an ``IdentityObject``), never by
the email itself: whoever holds the credential shows who they are by proving that email. The
achievement is the programme version (the same for every fellow who completes it); each
competency the programme signs off is an ``Alignment`` to the CFItem the platform's CASE API
serves, so another system can match it to the same framework.
"""

import datetime
import hashlib
import secrets
import uuid
from typing import Any

from django.utils.translation import gettext

from fellowships.credentials import addresses
from fellowships.credentials.loader import OB_CONTEXT, VC_CONTEXT
from fellowships.models import Credential, Enrolment, Milestone
from ksf import dates
from ksf.models import Organisation, PostAssignment

CONTEXT = [VC_CONTEXT, OB_CONTEXT]
TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
ACHIEVEMENT_TYPE = "CertificateOfCompletion"
# Programme versions name their achievement by a derived URN, stable across credentials.
ACHIEVEMENT_NAMESPACE = uuid.UUID("6b0f9c8e-2f4e-5a43-9d0e-7c1a3f2b8e51")


def timestamp(moment: datetime.datetime) -> str:
    """XML Schema dateTime in UTC, whole seconds: ``2026-12-01T15:52:00Z``."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex(SHA-256(email + salt)), email lower-cased."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def issuer_organisation(enrolment: Enrolment) -> Organisation:
    """The organisation of the fellow's current team's service, else the first one."""
    assignment = (
        PostAssignment.objects.current(dates.today())
        .filter(staff_id=enrolment.staff_id)
        .select_related("team__service__organisation")
        .order_by("-start_date", "-pk")
        .first()
    )
    if assignment is not None:
        return assignment.team.service.organisation
    organisation = Organisation.objects.order_by("pk").first()
    if organisation is None:
        raise Organisation.DoesNotExist(gettext("There is no organisation to issue it."))
    return organisation


def issuer_profile(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": addresses.issuer_url(organisation.code),
        "type": ["Profile"],
        "name": organisation.name,
    }


def competency_milestones(enrolment: Enrolment) -> list[Milestone]:
    return list(
        enrolment.programme.milestones.filter(
            kind=Milestone.Kind.COMPETENCY, competency__isnull=False
        )
        .select_related("competency__framework", "level")
        .order_by("sort_order", "pk")
    )


def alignment(milestone: Milestone) -> dict[str, Any]:
    competency = milestone.competency
    # Only competency_milestones() are aligned: each has a competency (competency__isnull=False).
    assert competency is not None
    entry = {
        "type": ["Alignment"],
        "targetType": "CFItem",
        "targetCode": str(competency.identifier),
        "targetName": competency.short_name,
        "targetFramework": competency.framework.title,
        "targetUrl": addresses.cfitem_url(competency.identifier),
    }
    if milestone.level_id:
        assert milestone.level is not None  # level_id is set, so the level exists
        entry["targetDescription"] = gettext("Signed off at %(level)s") % {
            "level": milestone.level.name
        }
    return entry


def criteria_narrative(enrolment: Enrolment) -> str:
    """What a fellow had to achieve: the milestones, by stage, as markdown."""
    lines: list[str] = []
    stage = None
    for milestone in enrolment.programme.milestones.order_by("sort_order", "pk"):
        if milestone.stage != stage:
            stage = milestone.stage
            lines.append(f"\n**{stage}**\n" if lines else f"**{stage}**\n")
        lines.append(f"- {milestone.title}")
    if not lines:
        return gettext("Completion of the programme, signed off by the programme's supervisor.")
    return "\n".join(lines).strip()


def achievement(enrolment: Enrolment) -> dict[str, Any]:
    programme = enrolment.programme
    achievement_id = uuid.uuid5(ACHIEVEMENT_NAMESPACE, f"{programme.code}:{programme.version}")
    description = programme.summary.strip() or gettext(
        "Completion of the %(title)s fellowship programme."
    ) % {"title": programme.title}
    entry: dict[str, Any] = {
        "id": f"urn:uuid:{achievement_id}",
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": programme.title,
        "description": description,
        "criteria": {"narrative": criteria_narrative(enrolment)},
        "humanCode": programme.code,
        "version": programme.version,
    }
    alignments = [alignment(m) for m in competency_milestones(enrolment)]
    if alignments:
        entry["alignment"] = alignments
    return entry


def completed_at(enrolment: Enrolment) -> str:
    # Only completed enrolments are issued credentials: services.issue checks completed_on.
    assert enrolment.completed_on is not None
    return f"{enrolment.completed_on.isoformat()}T00:00:00Z"


def build(
    credential: Credential, *, issued_at: datetime.datetime, salt: str | None = None
) -> dict[str, Any]:
    """The credential without its proof. ``credential`` need not be saved yet."""
    enrolment = credential.enrolment
    salt = salt or secrets.token_hex(16)
    programme = enrolment.programme
    return {
        "@context": list(CONTEXT),
        "id": addresses.credential_url(credential.public_id),
        "type": list(TYPE),
        "name": programme.title,
        "issuer": issuer_profile(issuer_organisation(enrolment)),
        "validFrom": completed_at(enrolment),
        "awardedDate": timestamp(issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "hashed": True,
                    "identityHash": identity_hash(enrolment.staff.email, salt),
                    "identityType": "emailAddress",
                    "salt": salt,
                }
            ],
            "achievement": achievement(enrolment),
        },
    }
