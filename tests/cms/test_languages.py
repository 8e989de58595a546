"""The portal follows the browser's language; English stays the default."""

from django.urls import reverse

from tests.conftest import login


def test_the_page_declares_the_language_it_is_in(client, world):
    login(client, world.clinician.user)
    english = client.get(reverse("ksf:post_list"))
    assert '<html lang="en-gb">' in english.content.decode()
    welsh = client.get(reverse("ksf:post_list"), headers={"accept-language": "cy"})
    assert welsh.status_code == 200
    assert '<html lang="cy">' in welsh.content.decode()


def test_an_unsupported_language_falls_back_to_english(client, world):
    login(client, world.clinician.user)
    page = client.get(reverse("ksf:post_list"), headers={"accept-language": "fr"})
    assert '<html lang="en-gb">' in page.content.decode()
