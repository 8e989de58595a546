from django.urls import reverse

from competencies.frameworks.shipped import load_shipped_frameworks
from competencies.models import PostRequirement
from tests.conftest import login
from tests.factories import PostFactory


def test_assign_a_set_of_competencies_to_several_posts(world, client):
    frameworks = {f.idnumber: f for f in load_shipped_frameworks()}
    chosen = list(frameworks["MSK-CORE-CAP"].competencies.filter(idnumber__in=["MSK-3", "MSK-4"]))
    other_post = PostFactory(service=world.team.service)
    login(client, world.user("administrator"))
    response = client.post(
        reverse("competencies_assign_requirements"),
        {
            "posts": [world.post.pk, other_post.pk],
            "competencies": [c.pk for c in chosen],
            "mandatory": "on",
            "months_allowed": "18",
        },
    )
    assert response.status_code == 302
    assert (
        PostRequirement.objects.filter(post__in=[world.post, other_post], months_allowed=18).count()
        == 4
    )
    # Doing it again adds nothing.
    client.post(
        reverse("competencies_assign_requirements"),
        {"posts": [world.post.pk], "competencies": [chosen[0].pk], "months_allowed": "6"},
    )
    assert PostRequirement.objects.get(post=world.post, competency=chosen[0]).months_allowed == 18


def test_drafts_cannot_be_required(world, client):
    login(client, world.user("administrator"))
    draft_item = world.framework.competencies.get(idnumber="C2")
    page = client.post(
        reverse("competencies_assign_requirements"),
        {"posts": [world.post.pk], "competencies": [draft_item.pk], "months_allowed": "6"},
    ).content.decode()
    assert "Select a valid choice" in page
    assert not PostRequirement.objects.filter(competency=draft_item).exists()


def test_copy_requirements_from_another_post(world, client):
    target = PostFactory(service=world.team.service)
    login(client, world.user("administrator"))
    response = client.post(
        reverse("competencies_copy_requirements"), {"source": world.post.pk, "target": target.pk}
    )
    assert response.status_code == 302
    assert list(target.requirements.values_list("competency__idnumber", flat=True)) == ["C1"]


def test_post_page_lists_requirements_next_to_the_ksf_outline(world, client):
    load_shipped_frameworks()
    login(client, world.user("clinician"))
    page = client.get(reverse("post_detail", args=[world.post.pk])).content.decode()
    assert "KSF outline" in page
    assert "Required competencies" in page
    assert "Injection therapy" in page
    assert "Mandatory" in page


def test_published_framework_and_competency_pages(world, client):
    frameworks = {f.idnumber: f for f in load_shipped_frameworks()}
    msk = frameworks["MSK-CORE-CAP"]
    history = msk.competencies.get(idnumber="MSK-3")
    PostRequirement.objects.create(post=world.post, competency=history, months_allowed=9)
    index = client.get("/frameworks/").content.decode()
    assert "Musculoskeletal core capabilities framework" in index
    assert "Educator framework" not in index  # drafts are not shown
    page = client.get("/frameworks/MSK-CORE-CAP/").content.decode()
    assert "History taking" in page
    detail = client.get("/frameworks/MSK-CORE-CAP/MSK-3/").content.decode()
    assert "Which posts require this" in detail
    assert world.post.title in detail and "9 months" in detail
    assert client.get("/frameworks/EDU-FW/").status_code == 404
    found = client.get("/frameworks/?q=injection").content.decode()
    assert "Injection therapy" in found


def test_descriptions_are_sanitised_on_public_pages(world, client):
    frameworks = {f.idnumber: f for f in load_shipped_frameworks()}
    item = frameworks["MSK-CORE-CAP"].competencies.get(idnumber="MSK-1")
    item.description = '<p onclick="x()">Talk</p><script>alert(1)</script><img src=x onerror=y>'
    item.save()
    page = client.get("/frameworks/MSK-CORE-CAP/MSK-1/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "onclick" not in page and "onerror" not in page
    assert "<p>Talk</p>" in page


def test_import_and_export_commands(db, tmp_path, capsys):
    from pathlib import Path

    from django.core.management import call_command

    moodle = Path(__file__).resolve().parents[1] / "fixtures" / "moodle-example.csv"
    call_command("import_framework", str(moodle))
    assert "with 64 competencies" in capsys.readouterr().out
    out = tmp_path / "oecd.json"
    call_command("export_framework", "OECD-CORE", "--format", "case", "--output", str(out))
    import json

    package = json.loads(out.read_text())
    assert len(package["CFItems"]) == 64


def test_export_the_ksf_as_case(db, tmp_path):
    import json

    from django.core.management import call_command

    out = tmp_path / "ksf.json"
    call_command("export_framework", "NHS-KSF", "--format", "case", "--output", str(out))
    package = json.loads(out.read_text())
    codes = {item["humanCodingScheme"] for item in package["CFItems"]}
    assert {"C1", "HWB6", "HWB6.3"} <= codes
