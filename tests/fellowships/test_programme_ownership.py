"""Educators edit only the programmes they own; whoever creates one owns it."""

import pytest
from django.urls import reverse

from fellowships.models import Programme
from ksf.roles import Role
from tests.factories import UserFactory
from tests.fellowships.test_programmes import NS, form_data, programme

pytestmark = pytest.mark.django_db


def test_the_creator_owns_a_new_programme_and_another_educator_cannot_edit_it(client):
    lowri = UserFactory(roles=[Role.EDUCATOR])
    elin = UserFactory(roles=[Role.EDUCATOR])
    client.force_login(lowri)
    response = client.post(reverse(f"{NS}:add"), form_data())
    assert response.status_code == 302
    created = Programme.objects.get()
    assert created.owner == lowri
    assert client.get(reverse(f"{NS}:edit", args=[created.pk])).status_code == 200
    client.force_login(elin)
    assert client.get(reverse(f"{NS}:edit", args=[created.pk])).status_code in (302, 403)
    response = client.post(reverse(f"{NS}:edit", args=[created.pk]), form_data(title="Mine now"))
    assert response.status_code in (302, 403)
    created.refresh_from_db()
    assert created.title != "Mine now"
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(admin)
    assert client.get(reverse(f"{NS}:edit", args=[created.pk])).status_code == 200


def test_a_programme_nobody_owns_is_open_to_every_educator(client):
    unowned = programme("FREE")
    client.force_login(UserFactory(roles=[Role.EDUCATOR]))
    assert client.get(reverse(f"{NS}:edit", args=[unowned.pk])).status_code == 200
