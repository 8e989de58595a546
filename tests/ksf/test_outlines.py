from django.urls import reverse
from wagtail.models import ModelLogEntry

from ksf.models import KSFDimension, OutlineEntry
from ksf.selectors import missing_core_dimensions
from tests.conftest import login
from tests.factories import PostFactory


def _post_form(post, entries):
    data = {
        "title": post.title,
        "band": post.band,
        "profession": post.profession,
        "service": post.service_id,
        "summary": "",
        "outline-TOTAL_FORMS": str(len(entries)),
        "outline-INITIAL_FORMS": "0",
        "outline-MIN_NUM_FORMS": "0",
        "outline-MAX_NUM_FORMS": "1000",
    }
    for i, (dimension, foundation, second) in enumerate(entries):
        data.update(
            {
                f"outline-{i}-dimension": dimension.pk,
                f"outline-{i}-foundation_level": foundation,
                f"outline-{i}-second_level": second,
                f"outline-{i}-id": "",
                f"outline-{i}-ORDER": str(i + 1),
                f"outline-{i}-DELETE": "",
            }
        )
    return data


def test_outline_editor_refuses_an_outline_without_all_core_dimensions(world, client):
    post = PostFactory(service=world.team.service)
    login(client, world.user("administrator"))
    c1 = KSFDimension.objects.get(code="C1")
    response = client.post(reverse("ksf_post:edit", args=[post.pk]), _post_form(post, [(c1, 2, 3)]))
    assert response.status_code == 200
    assert "needs all 6 core dimensions" in response.content.decode()
    assert not OutlineEntry.objects.filter(post=post).exists()


def test_outline_editor_saves_a_complete_outline_and_logs_the_change(world, client):
    post = PostFactory(service=world.team.service)
    login(client, world.user("administrator"))
    core = list(KSFDimension.objects.filter(kind="core"))
    hwb6 = KSFDimension.objects.get(code="HWB6")
    entries = [(d, 2, 3) for d in core] + [(hwb6, 2, 4)]
    response = client.post(reverse("ksf_post:edit", args=[post.pk]), _post_form(post, entries))
    assert response.status_code == 302
    assert OutlineEntry.objects.filter(post=post).count() == 7
    assert missing_core_dimensions(post) == []
    entry = ModelLogEntry.objects.for_instance(post).get(action="ksf.change")
    before, after = entry.data["changes"]["KSF outline"]
    assert before == "—" and "HWB6 2/4" in after
    history = client.get(reverse("ksf_post:history", args=[post.pk])).content.decode()
    assert "HWB6 2/4" in history


def test_foundation_level_above_second_is_refused(world, client):
    post = PostFactory(service=world.team.service)
    login(client, world.user("administrator"))
    entries = [(d, 2, 2) for d in KSFDimension.objects.filter(kind="core")]
    entries[0] = (entries[0][0], 4, 2)
    response = client.post(reverse("ksf_post:edit", args=[post.pk]), _post_form(post, entries))
    assert response.status_code == 200
    assert "cannot be above the second gateway" in response.content.decode()


def test_copy_outline_from_another_post(world, client):
    target = PostFactory(service=world.team.service)
    login(client, world.user("administrator"))
    url = reverse("ksf_copy_outline", args=[target.pk])
    assert world.post.title in client.get(url).content.decode()
    response = client.post(url, {"source": world.post.pk})
    assert response.status_code == 302
    assert OutlineEntry.objects.filter(post=target).count() == 6
    log = ModelLogEntry.objects.for_instance(target).get(action="ksf.change")
    assert log.data["source"].startswith("copied from")


def test_outline_page_warns_when_core_dimensions_are_missing(world, client):
    OutlineEntry.objects.filter(post=world.post, dimension__code="C6").delete()
    login(client, world.user("clinician"))
    page = client.get(reverse("post_detail", args=[world.post.pk])).content.decode()
    assert "This outline is incomplete" in page
    assert "C6 Equality and diversity" in page


def test_ksf_reference_data_is_loaded_with_levels_and_indicators(db):
    assert KSFDimension.objects.count() == 30
    assert KSFDimension.objects.filter(kind="core").count() == 6
    c1 = KSFDimension.objects.get(code="C1")
    assert c1.levels.count() == 4
    assert c1.levels.get(level=4).title.startswith("Develop and maintain communication")
    assert all(level.indicators.count() >= 3 for level in c1.levels.all())


def test_administrator_adds_a_local_indicator(world, client):
    login(client, world.user("administrator"))
    level = KSFDimension.objects.get(code="HWB7").levels.get(level=3)
    response = client.post(
        reverse("ksf_indicator:add"),
        {
            "level": level.pk,
            "letter": "x",
            "text": "Performs ultrasound-guided injection",
            "is_local": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("ksf:dimension_list")).content.decode()
    assert "Performs ultrasound-guided injection" in page
