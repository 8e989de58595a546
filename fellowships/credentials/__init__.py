"""Open Badges 3.0 credentials for completed fellowships: build, sign, verify, revoke.

- ``keys``: the issuer's Ed25519 keys, kept as files outside the database.
- ``addresses``: the platform URLs a credential names (its page, keys, issuer, CFItems).
- ``loader``: the JSON-LD document loader (the shipped contexts only, never the network).
- ``documents``: the unsigned OpenBadgeCredential of an enrolment.
- ``proofs``: the ``eddsa-rdfc-2022`` Data Integrity proof.
- ``verify``: schema, proof and revocation checks, with reasons in plain English.
- ``services``: issue and revoke, atomic and audited.
"""
