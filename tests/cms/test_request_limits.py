"""Text too long for a form is stopped in the browser and refused plainly on the server."""

from django.urls import reverse

from competencies.models import CPDEntry
from tests.conftest import login


def _cpd(description: str) -> dict:
    return {
        "date": "2026-11-02",
        "title": "Shoulder update day",
        "activity_type": CPDEntry.ActivityType.values[0],
        "hours": "3",
        "description": description,
    }


def test_every_free_text_box_says_how_much_it_holds(client, world):
    login(client, world.clinician.user)
    page = client.get(reverse("cpd:add", args=[world.clinician.staff_number])).content.decode()
    assert 'name="description"' in page and 'maxlength="20000"' in page


def test_text_over_the_limit_is_refused_on_the_form_with_the_limit(client, world):
    login(client, world.clinician.user)
    url = reverse("cpd:add", args=[world.clinician.staff_number])
    response = client.post(url, _cpd("x" * 20_001))
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode().replace(",", "")
    assert not CPDEntry.objects.filter(title="Shoulder update day").exists()


def test_a_six_megabyte_text_box_gets_a_page_that_says_what_to_do(client, world):
    login(client, world.clinician.user)
    url = reverse("cpd:add", args=[world.clinician.staff_number])
    response = client.post(url, _cpd("x" * 6 * 1024 * 1024))
    assert response.status_code == 413
    body = response.content.decode()
    assert "What you sent is too large" in body
    assert "Each text box holds up to 20,000 characters" in body
    assert "your browser usually keeps what you typed" in body
    assert not CPDEntry.objects.filter(title="Shoulder update day").exists()
