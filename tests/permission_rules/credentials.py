"""Fellowship credentials: the public verification page, keys and issuer, download, revoke."""

from tests.permission_matrix import Rule, everyone


def _credential(w):
    """Cara's completed fellowship and its signed credential (made once per world)."""
    cached = getattr(w, "_credential", None)
    if cached is not None:
        return cached
    from fellowships.credentials import keys, services
    from fellowships.models import Enrolment, Programme
    from ksf import dates

    programme = Programme.objects.create(
        code="CRED-TEST",
        title="Credential programme",
        kind=Programme.Kind.OTHER,
        target_months=6,
        declaration="I declare them competent.",
        live=True,
    )
    enrolment = Enrolment.objects.create(
        staff=w.clinician,
        programme=programme,
        start_date=dates.today(),
        target_date=dates.today(),
        status=Enrolment.Status.COMPLETED,
        completed_on=dates.today(),
    )
    credential = services.issue(enrolment, signer=keys.signing_key(), user=None)
    w._credential = credential
    return credential


def _public_id(w, name: str) -> dict:
    return {"public_id": _credential(w).public_id}


def _key(w, name: str) -> dict:
    return {"key_id": _credential(w).key_id}


def _issuer(w, name: str) -> dict:
    _credential(w)
    from ksf.models import Organisation

    return {"code": Organisation.objects.order_by("pk").first().code}


def _revoked(w, n, kw):
    from fellowships.models import Credential

    return list(Credential.objects.values_list("pk", "revoked_at"))


READERS = everyone(
    "denied",
    anonymous="login",
    clinician="ok",
    manager="ok",
    service_lead="ok",
    educator="ok",
    administrator="ok",
)

RULES: list = [
    Rule(
        r"credentials:verify|credentials:key|credentials:issuer",
        everyone("ok"),
        kwargs=lambda w, n: {
            "credentials:verify": _public_id,
            "credentials:key": _key,
            "credentials:issuer": _issuer,
        }[n](w, n),
        note="public by design: anyone checks a credential, its issuer and the signing key",
    ),
    Rule(
        r"credentials:download",
        READERS,
        kwargs=_public_id,
        note="the fellow and whoever may read the enrolment (manager, service lead, educators, "
        "administrators); others 404",
    ),
    Rule(
        r"credentials:revoke",
        everyone("denied", anonymous="login", administrator="ok"),
        kwargs=_public_id,
        post=everyone("denied", anonymous="login", administrator="redirect"),
        post_data=lambda w, n, kw: {"reason": "Issued in error."},
        state=_revoked,
        note="administrators revoke, with a reason",
    ),
]

EXTRA_CASES: list = []
