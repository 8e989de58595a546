"""Credentials: public verification pages and keys, the JSON download, revoking.

Included in ``cms/urls.py`` at ``credentials/``; the addresses are written into signed
credentials (``fellowships.credentials.addresses``), so they must not move.
"""

from django.urls import path, register_converter

from cms.portal import credentials
from fellowships.credentials.addresses import KEY_ID_PATTERN

app_name = "credentials"


class KeyIdConverter:
    regex = KEY_ID_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(KeyIdConverter, "credential_key")

urlpatterns = [
    path("<uuid:public_id>/", credentials.verification, name="verify"),
    path("<uuid:public_id>/credential.json", credentials.download, name="download"),
    path("<uuid:public_id>/revoke/", credentials.revoke, name="revoke"),
    path("keys/<credential_key:key_id>/", credentials.public_key, name="key"),
    path("issuers/<str:code>/", credentials.issuer, name="issuer"),
]
