from django.urls import reverse

from tests.conftest import login


def test_educator_previews_a_draft_framework_as_staff_will_see_it(world, client):
    login(client, world.user("educator"))
    framework = world.framework
    url = reverse("wagtailsnippets_competencies_framework:preview_on_edit", args=[framework.pk])
    form = {
        "title": "Educator framework (previewed)",
        "idnumber": framework.idnumber,
        "version": framework.version,
        "publisher": "",
        "licence": "",
        "source_url": "",
        "description": "<p>Guidance</p><script>bad()</script>",
        "taxonomy": '["domain", "competency"]',
        "validity_months": "",
        "scale_values-TOTAL_FORMS": "2",
        "scale_values-INITIAL_FORMS": "0",
        "scale_values-MIN_NUM_FORMS": "1",
        "scale_values-MAX_NUM_FORMS": "1000",
        "scale_values-0-name": "No",
        "scale_values-0-ORDER": "1",
        "scale_values-1-name": "Yes",
        "scale_values-1-proficient": "on",
        "scale_values-1-is_default": "on",
        "scale_values-1-ORDER": "2",
    }
    assert client.post(url, form).json()["is_valid"] is True
    page = client.get(url).content.decode()
    assert "Educator framework (previewed)" in page
    assert "Injection therapy" in page
    assert "<script>bad()</script>" not in page
    assert "Preview" in page
