"""Open Badges 3.0 credentials: issue, sign, verify, revoke, the pages and the commands."""

import copy
import datetime
import hashlib
import json
import os
import socket
import stat

import base58
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import include, path, reverse
from pyld import jsonld

import cms.urls
from fellowships.credentials import addresses, keys, proofs, services
from fellowships.credentials.loader import ContextRefused, document_loader
from fellowships.credentials.verify import schema_problems, verify
from fellowships.models import Credential, Enrolment, Milestone, Programme
from ksf.roles import Role
from tests.competencies.portfolio_fixtures import published_framework
from tests.factories import AssignmentFactory, UserFactory, staff_with_login

# This module is also the URL configuration of its tests: the project's, with the
# credentials pages at ``credentials/`` (where cms/urls.py includes them).
_included = any(getattr(p, "namespace", None) == "credentials" for p in cms.urls.urlpatterns)
urlpatterns = (
    []
    if _included
    else [path("credentials/", include("cms.portal.credential_urls", namespace="credentials"))]
) + list(cms.urls.urlpatterns)
handler400 = cms.urls.handler400

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

BASE = "https://skills.example.nhs.uk"
EMAIL = "fiona.fellow@example.nhs.uk"
COMPLETED = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def key_dir(settings, tmp_path):
    settings.FELLOWSHIP_CREDENTIAL_KEY_DIR = tmp_path / "keys"
    settings.WAGTAILADMIN_BASE_URL = BASE
    return tmp_path / "keys"


@pytest.fixture
def enrolment():
    framework = published_framework()
    competency = framework.competencies.get(idnumber="C1")
    programme = Programme.objects.create(
        code="MSK-POCUS",
        title="MSK point-of-care ultrasound",
        kind=Programme.Kind.SONOGRAPHY,
        summary="Diagnostic MSK ultrasound of the shoulder and knee.",
        target_months=12,
        declaration="I declare the fellow competent.",
        live=True,
    )
    Milestone.objects.create(
        programme=programme,
        stage="Module 1",
        title="OSCE passed",
        kind=Milestone.Kind.MODULE,
        sort_order=0,
    )
    Milestone.objects.create(
        programme=programme,
        stage="Module 2",
        title="Knee injection signed off",
        kind=Milestone.Kind.COMPETENCY,
        competency=competency,
        level=framework.scale_values.get(name="Competent"),
        sort_order=1,
    )
    fellow = staff_with_login(first_name="Fiona", last_name="Fellow", email=EMAIL)
    AssignmentFactory(staff=fellow)
    return Enrolment.objects.create(
        staff=fellow,
        programme=programme,
        start_date=COMPLETED - datetime.timedelta(days=365),
        target_date=COMPLETED,
        status=Enrolment.Status.COMPLETED,
        completed_on=COMPLETED,
    )


@pytest.fixture
def admin():
    return UserFactory(username="credential-admin", roles=[Role.ADMINISTRATOR])


@pytest.fixture
def credential(enrolment):
    return services.issue(enrolment, signer=keys.signing_key(), user=None)


def test_issued_credential_follows_the_schema_and_verifies(credential, enrolment):
    document = credential.document
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"{BASE}/credentials/{credential.public_id}/"
    assert document["validFrom"] == "2026-06-30T00:00:00Z"
    assert document["issuer"]["type"] == ["Profile"]
    assert document["issuer"]["name"] == "Test Health Board"
    assert schema_problems(document) == []
    (proof,) = document["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == (
        f"{BASE}/credentials/keys/{credential.key_id}/#{credential.key_id}"
    )
    result = verify(document)
    assert result.valid, result.reasons
    assert result.signature_valid and result.schema_valid and not result.revoked
    assert result.credential == credential


def test_alignment_names_the_cfitem_the_case_api_serves(credential, enrolment, client):
    competency = enrolment.programme.milestones.get(kind="competency").competency
    achievement = credential.document["credentialSubject"]["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert "Knee injection signed off" in achievement["criteria"]["narrative"]
    (alignment,) = achievement["alignment"]
    assert alignment["type"] == ["Alignment"]
    assert alignment["targetType"] == "CFItem"
    assert alignment["targetCode"] == str(competency.identifier)
    assert alignment["targetName"] == "Knee injection"
    assert alignment["targetFramework"] == "Injection therapy"
    url = alignment["targetUrl"]
    assert url == f"{BASE}/ims/case/v1p1/CFItems/{competency.identifier}"
    served = client.get(url.removeprefix(BASE))
    assert served.status_code == 200
    assert served.json()["identifier"] == str(competency.identifier)


def test_recipient_is_a_salted_hash_of_the_email(credential):
    text = json.dumps(credential.document)
    assert EMAIL not in text.lower()
    assert "fiona.fellow" not in text.lower()
    (identity,) = credential.document["credentialSubject"]["identifier"]
    assert identity["type"] == "IdentityObject"
    assert identity["hashed"] is True
    assert identity["identityType"] == "emailAddress"
    expected = hashlib.sha256((EMAIL + identity["salt"]).encode()).hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"


def test_proof_value_verifies_with_cryptography_directly(credential, client):
    """An independent check: our own canonicalisation and the key as the platform serves it."""
    document = credential.document
    (proof,) = document["proof"]
    served = client.get(proof["verificationMethod"].split("#")[0].removeprefix(BASE))
    assert served.status_code == 200
    key_document = served.json()
    assert key_document["type"] == "Multikey"
    assert key_document["id"] == proof["verificationMethod"]
    decoded = base58.b58decode(key_document["publicKeyMultibase"][1:])
    assert key_document["publicKeyMultibase"][0] == "z" and decoded[:2] == b"\xed\x01"
    public_key = Ed25519PublicKey.from_public_bytes(decoded[2:])

    def hashed(doc):
        nquads = jsonld.normalize(
            doc,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
            },
        )
        return hashlib.sha256(nquads.encode()).digest()

    options = {k: v for k, v in proof.items() if k != "proofValue"}
    options["@context"] = document["@context"]
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    signature = base58.b58decode(proof["proofValue"][1:])
    public_key.verify(signature, hashed(options) + hashed(unsigned))
    with pytest.raises(InvalidSignature):
        public_key.verify(signature, hashed(unsigned) + hashed(options))  # order matters


def _tampered(document, change):
    copy_ = copy.deepcopy(document)
    change(copy_)
    return copy_


TAMPERING = {
    "name": lambda d: d.update(name="Something else"),
    "issuer": lambda d: d["issuer"].update(name="Another Board"),
    "validFrom": lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
    "alignment": lambda d: d["credentialSubject"]["achievement"]["alignment"][0].update(
        targetCode="00000000-0000-0000-0000-000000000000"
    ),
    "identity": lambda d: d["credentialSubject"]["identifier"][0].update(salt="other"),
    "undefined field": lambda d: d.update(grade="distinction"),
    "proof created": lambda d: d["proof"][0].update(created="2020-01-01T00:00:00Z"),
    "proof value": lambda d: d["proof"][0].update(proofValue="z" + "1" * 80),
    "no proof": lambda d: d.pop("proof"),
}


@pytest.mark.parametrize("what", sorted(TAMPERING))
def test_a_tampered_copy_fails(credential, what):
    result = verify(_tampered(credential.document, TAMPERING[what]))
    assert not result.valid
    assert result.reasons


def test_a_changed_field_breaks_the_signature_itself(credential, monkeypatch):
    """Not only the comparison with the stored copy: the proof no longer holds."""
    result = verify(_tampered(credential.document, TAMPERING["name"]))
    assert not result.signature_valid
    assert any("signature does not hold" in r for r in result.reasons)


def test_unknown_key_and_garbage_are_invalid_not_errors(credential):
    other = _tampered(
        credential.document,
        lambda d: d["proof"][0].update(verificationMethod="https://evil.example/keys/1#1"),
    )
    assert not verify(other).valid
    path_key = _tampered(
        credential.document,
        lambda d: d["proof"][0].update(
            verificationMethod=f"{BASE}/credentials/keys/../../etc/passwd/#../../etc/passwd"
        ),
    )
    assert not verify(path_key).valid
    for garbage in (None, [], "text", {"@context": "https://evil.example/ctx"}):
        assert not verify(garbage).valid


def test_revoked_fails_with_the_reason(credential, admin):
    services.revoke(credential, user=admin, reason="Issued to the wrong person.")
    credential.refresh_from_db()
    assert credential.is_revoked and credential.revoked_by == admin
    result = verify(credential.document)
    assert not result.valid and result.revoked
    assert result.signature_valid  # still genuine, but withdrawn
    assert any("Issued to the wrong person." in r for r in result.reasons)


def test_only_administrators_revoke_and_with_a_reason(credential, enrolment, admin):
    with pytest.raises(PermissionDenied):
        services.revoke(credential, user=enrolment.staff.user, reason="Mine")
    with pytest.raises(ValidationError) as error:
        services.revoke(credential, user=admin, reason="  ")
    assert "reason" in error.value.message_dict
    services.revoke(credential, user=admin, reason="Wrong person")
    with pytest.raises(ValidationError):
        services.revoke(credential, user=admin, reason="Again")


def test_issue_refuses_an_open_enrolment_and_a_second_credential(enrolment):
    signer = keys.signing_key()
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.ACTIVE)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError, match="not completed"):
        services.issue(enrolment, signer=signer, user=None)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=Enrolment.Status.COMPLETED)
    services.issue(enrolment, signer=signer, user=None)
    with pytest.raises(ValidationError, match="already has a credential"):
        services.issue(enrolment, signer=signer, user=None)
    assert Credential.objects.count() == 1


def test_issue_and_revoke_are_audited(credential, admin):
    from wagtail.models import ModelLogEntry

    services.revoke(credential, user=admin, reason="Wrong person")
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(credential.pk)).values_list("action", flat=True)
    )
    assert "wagtail.create" in actions and "ksf.change" in actions


def test_addresses_agree_with_the_portal_urls(credential):
    assert (
        f"{BASE}{reverse('credentials:verify', args=[credential.public_id])}"
        == (credential.document["id"])
    )
    key_path = reverse("credentials:key", args=[credential.key_id])
    assert addresses.key_url(credential.key_id) == f"{BASE}{key_path}"


def test_verification_page_is_public_and_says_valid(client, credential):
    response = client.get(reverse("credentials:verify", args=[credential.public_id]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Fiona Fellow" in text
    assert "MSK point-of-care ultrasound" in text
    assert "Test Health Board" in text
    assert "Knee injection" in text
    assert "The signature holds" in text
    assert "Not revoked" in text
    assert "Valid" in text
    assert "Download the credential" not in text  # anonymous


def test_verification_page_says_revoked(client, credential, admin):
    services.revoke(credential, user=admin, reason="Issued in error")
    text = client.get(reverse("credentials:verify", args=[credential.public_id])).content.decode()
    assert "Revoked" in text and "Issued in error" in text
    assert "This credential is genuine" not in text


def test_verification_page_shows_a_broken_signature_not_an_error(client, credential, key_dir):
    changed = _tampered(credential.document, TAMPERING["name"])
    Credential.objects.filter(pk=credential.pk).update(document=changed)
    response = client.get(reverse("credentials:verify", args=[credential.public_id]))
    assert response.status_code == 200
    assert "The signature does not hold" in response.content.decode()
    Credential.objects.filter(pk=credential.pk).update(document=credential.document)
    (key_dir / f"{credential.key_id}.pem").unlink()  # a key that is gone
    response = client.get(reverse("credentials:verify", args=[credential.public_id]))
    assert response.status_code == 200
    assert "The signature does not hold" in response.content.decode()


def test_bad_addresses_are_404(client, credential):
    assert client.get("/credentials/not-a-uuid/").status_code == 404
    assert client.get("/credentials/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/credentials/keys/20990101T000000000000Z/").status_code == 404
    assert client.get("/credentials/keys/..%2F..%2Fetc/").status_code == 404


def test_download_is_for_the_fellow_and_readers_only(client, credential, enrolment, admin):
    url = reverse("credentials:download", args=[credential.public_id])
    client.force_login(enrolment.staff.user)
    response = client.get(url)
    assert response.status_code == 200
    assert json.loads(response.content) == credential.document
    assert "attachment" in response["Content-Disposition"]
    client.force_login(staff_with_login(first_name="Other", last_name="Person").user)
    assert client.get(url).status_code == 404
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_revoke_form_is_for_administrators(client, credential, enrolment, admin):
    url = reverse("credentials:revoke", args=[credential.public_id])
    client.force_login(enrolment.staff.user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "No"}).status_code == 403
    client.force_login(admin)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Say why it is revoked" in response.content.decode()
    response = client.post(url, {"reason": "Issued in error"})
    assert response.status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_reason == "Issued in error"


def test_export_and_verify_commands(credential, enrolment, tmp_path, capsys, admin):
    output = tmp_path / "credential.json"
    call_command("export_credential", enrolment.staff.staff_number, "MSK-POCUS", output=output)
    assert json.loads(output.read_text()) == credential.document
    call_command("verify_credential", str(output))
    out = capsys.readouterr().out
    assert "valid" in out and "Fiona Fellow" in out and "MSK point-of-care ultrasound" in out

    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(_tampered(credential.document, TAMPERING["name"])))
    with pytest.raises(CommandError, match="signature does not hold"):
        call_command("verify_credential", str(tampered))
    not_json = tmp_path / "broken.json"
    not_json.write_text("{")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("verify_credential", str(not_json))
    with pytest.raises(CommandError, match="No credential"):
        call_command("export_credential", "00000000", "MSK-POCUS", output=tmp_path / "x.json")

    services.revoke(credential, user=admin, reason="Wrong person")
    with pytest.raises(CommandError, match="revoked"):
        call_command("verify_credential", str(output))


def test_verify_command_exit_status(credential, enrolment, tmp_path, monkeypatch):
    # manage.py closes every database connection when a command ends; the test's own
    # connection (in its transaction, on PostgreSQL) must outlive two runs.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    output = tmp_path / "credential.json"
    call_command("export_credential", enrolment.staff.staff_number, "MSK-POCUS", output=output)
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exited:
        tampered = tmp_path / "tampered.json"
        tampered.write_text(json.dumps(_tampered(credential.document, TAMPERING["validFrom"])))
        ManagementUtility(["manage.py", "verify_credential", str(tampered)]).execute()
    assert exited.value.code != 0
    ManagementUtility(["manage.py", "verify_credential", str(output)]).execute()  # no exit: 0


def test_the_loader_refuses_the_network(credential, monkeypatch):
    with pytest.raises(ContextRefused):
        document_loader("https://www.w3.org/2018/credentials/v1")
    with pytest.raises(ContextRefused):
        document_loader("https://example.com/context.json", {})

    def no_network(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    doc = {"@context": "https://example.com/evil.json", "name": "x"}
    with pytest.raises(Exception) as raised:  # pyld wraps the refusal
        proofs.canonical(doc)
    causes, error = [], raised.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(e, ContextRefused) for e in causes)
    assert verify(credential.document).valid  # and verification needs no network


def test_keys_persist_with_owner_only_files(key_dir):
    first = keys.signing_key()
    again = keys.signing_key()
    assert first.key_id == again.key_id
    assert first.public_key_multibase == again.public_key_multibase
    pem = key_dir / f"{first.key_id}.pem"
    assert stat.S_IMODE(os.stat(pem).st_mode) == 0o600
    assert keys.key_ids() == [first.key_id]


def test_rotation_keeps_old_credentials_verifiable(enrolment, key_dir, capsys):
    old = services.issue(enrolment, signer=keys.signing_key(), user=None)
    call_command("rotate_credential_key")
    assert "New signing key" in capsys.readouterr().out
    new_key = keys.signing_key()
    assert new_key.key_id != old.key_id
    assert keys.key_ids() == sorted([old.key_id, new_key.key_id])
    assert verify(old.document).valid

    second = Enrolment.objects.create(
        staff=enrolment.staff,
        programme=enrolment.programme,
        start_date=enrolment.start_date,
        target_date=enrolment.target_date,
        status=Enrolment.Status.COMPLETED,
        completed_on=COMPLETED,
    )
    fresh = services.issue(second, signer=keys.signing_key(), user=None)
    assert fresh.key_id == new_key.key_id
    assert fresh.document["proof"][0]["verificationMethod"].endswith(f"#{new_key.key_id}")
    assert verify(fresh.document).valid and verify(old.document).valid
