"""Educators author, review and publish frameworks; versions carry requirements forward."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Workflow

from competencies.frameworks import services as frameworks_services
from competencies.frameworks.policies import framework_policy
from competencies.frameworks.services import grant_framework
from competencies.frameworks.shipped import load_shipped_frameworks
from competencies.interchange.tree import (
    CompetencyData,
    FrameworkData,
    ScaleValueData,
    save_framework,
)
from competencies.models import Competency, Framework, PostRequirement
from competencies.requirements import services as requirements_services
from ksf.roles import Role
from tests.factories import PostFactory, UserFactory


def small_framework(user=None, idnumber="FW") -> Framework:
    data = FrameworkData(
        idnumber=idnumber,
        title="Small framework",
        scale=[ScaleValueData("No", False, False), ScaleValueData("Yes", True, True)],
        taxonomy=["domain", "competency"],
        competencies=[
            CompetencyData("D1", "Domain one"),
            CompetencyData("C1", "First", parent_idnumber="D1"),
            CompetencyData("C2", "Second", parent_idnumber="D1"),
            CompetencyData("C3", "Third", parent_idnumber="D1"),
        ],
    )
    framework = save_framework(data, filename="test", user=user)
    if user:
        grant_framework(framework, user)
    return framework


def publish(framework: Framework) -> Framework:
    framework.get_latest_revision().publish(user=None, skip_permission_checks=True)
    framework.refresh_from_db()
    return framework


def order(framework):
    return [
        (c.idnumber, c.parent.idnumber if c.parent else "", c.depth)
        for c in Competency.objects.filter(framework=framework).order_by(
            "depth", "parent_id", "sort_order"
        )
    ]


def test_tree_moves_indent_outdent_and_reorder(db):
    fw = small_framework()
    c2 = Competency.objects.get(framework=fw, idnumber="C2")
    frameworks_services.move(c2, "indent", user=None)
    c2.refresh_from_db()
    assert (c2.parent.idnumber, c2.depth) == ("C1", 3)
    frameworks_services.move(c2, "outdent", user=None)
    c2.refresh_from_db()
    assert (c2.parent.idnumber, c2.depth) == ("D1", 2)
    siblings = list(
        Competency.objects.filter(parent__idnumber="D1", framework=fw).order_by("sort_order")
    )
    assert [s.idnumber for s in siblings] == ["C1", "C2", "C3"]
    frameworks_services.move(Competency.objects.get(framework=fw, idnumber="C3"), "up", user=None)
    siblings = list(
        Competency.objects.filter(parent__idnumber="D1", framework=fw).order_by("sort_order")
    )
    assert [s.idnumber for s in siblings] == ["C1", "C3", "C2"]
    with pytest.raises(ValidationError):
        frameworks_services.move(
            Competency.objects.get(framework=fw, idnumber="C1"), "indent", user=None
        )


def test_published_versions_never_change(db):
    fw = publish(small_framework())
    assert fw.status == "published"
    with pytest.raises(ValidationError, match="never change"):
        frameworks_services.add_competency(
            framework=fw, parent=None, idnumber="X", short_name="X", user=None
        )
    with pytest.raises(ValidationError):
        frameworks_services.move(
            Competency.objects.get(framework=fw, idnumber="C2"), "up", user=None
        )


def test_new_version_moves_requirements_by_identity_and_lists_the_rest(db):
    v1 = publish(small_framework())
    post = PostFactory()
    c1 = Competency.objects.get(framework=v1, idnumber="C1")
    c3 = Competency.objects.get(framework=v1, idnumber="C3")
    PostRequirement.objects.create(post=post, competency=c1, months_allowed=6)
    PostRequirement.objects.create(post=post, competency=c3, months_allowed=6)
    v2 = frameworks_services.start_new_version(v1, version="2.0", user=None)
    assert v2.family == v1.family and v2.status == "draft"
    # C3 is dropped in the new version; C1 keeps its identity.
    frameworks_services.delete_competency(
        Competency.objects.get(framework=v2, idnumber="C3"), user=None
    )
    publish(v2)  # publishing moves what can be matched
    report = requirements_services.move_requirements_to(v2)
    assert report.moved == 0
    assert [r.competency.idnumber for r in report.unmatched] == ["C3"]
    moved = PostRequirement.objects.get(post=post, competency__idnumber="C1")
    assert moved.competency.framework == v2
    assert moved.competency.identifier == c1.identifier
    # Old versions stay readable.
    assert Framework.objects.get(pk=v1.pk).live


def test_educator_edits_only_frameworks_they_own_or_were_given(db, client):
    owner = UserFactory(roles=[Role.EDUCATOR])
    other = UserFactory(roles=[Role.EDUCATOR])
    fw = small_framework(user=owner)
    assert framework_policy.user_has_permission_for_instance(owner, "change", fw)
    assert not framework_policy.user_has_permission_for_instance(other, "change", fw)
    client.force_login(other)
    assert client.get(reverse("competencies_tree", args=[fw.pk])).status_code in (302, 403)
    index = client.get(reverse("wagtailsnippets_competencies_framework:list")).content.decode()
    assert "Small framework" not in index
    from competencies.frameworks.services import hand_over

    hand_over(fw, to=other, by=owner)
    assert framework_policy.user_has_permission_for_instance(other, "change", fw)
    assert not framework_policy.user_has_permission_for_instance(owner, "change", fw)


def test_tree_editor_adds_and_refuses_duplicates(db, client):
    owner = UserFactory(roles=[Role.EDUCATOR])
    fw = small_framework(user=owner)
    client.force_login(owner)
    url = reverse("competencies_tree", args=[fw.pk])
    response = client.post(
        url, {"action": "add", "idnumber": "C9", "short_name": "Ninth", "parent": ""}
    )
    assert response.status_code == 302
    assert Competency.objects.filter(framework=fw, idnumber="C9", depth=1).exists()
    page = client.post(
        url, {"action": "add", "idnumber": "C9", "short_name": "Again", "parent": ""}
    )
    assert "already used" in page.content.decode()


def test_submit_and_approve_publishes_through_the_review_workflow(db):
    author = UserFactory(roles=[Role.EDUCATOR])
    reviewer = UserFactory(roles=[Role.EDUCATOR])
    fw = small_framework(user=author)
    workflow = Workflow.objects.get(name="Framework review")
    assert fw.get_workflow() == workflow
    state = workflow.start(fw, author)
    fw.refresh_from_db()
    assert fw.status == "in_review"
    with pytest.raises(ValidationError):
        frameworks_services.add_competency(
            framework=fw, parent=None, idnumber="Z", short_name="Z", user=author
        )
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    fw.refresh_from_db()
    assert fw.status == "published"


def test_shipped_frameworks_have_the_documented_shape(db):
    frameworks = {f.idnumber: f for f in load_shipped_frameworks()}
    rps = frameworks["RPS-PRESCRIBING"]
    assert rps.competencies.filter(depth=1).count() == 2
    assert rps.competencies.filter(depth=2).count() == 10
    msk = frameworks["MSK-CORE-CAP"]
    assert msk.competencies.filter(depth=1).count() == 4
    assert msk.competencies.filter(depth=2).count() == 14
    pocus = frameworks["MSK-POCUS"]
    region = pocus.competencies.get(idnumber="US-KN")
    assert [c.idnumber for c in region.children.order_by("sort_order")] == ["US-KN-D", "US-KN-I"]
    assert all(f.status == "published" for f in frameworks.values())
    assert len(load_shipped_frameworks()) == 3  # idempotent
    assert Framework.objects.count() == 3


def test_tree_editor_adds_a_child_under_a_parent(db, client):
    owner = UserFactory(roles=[Role.EDUCATOR])
    fw = small_framework(user=owner)
    parent = Competency.objects.filter(framework=fw, depth=1).first()
    client.force_login(owner)
    response = client.post(
        reverse("competencies_tree", args=[fw.pk]),
        {"action": "add", "idnumber": "C9.1", "short_name": "Child", "parent": parent.pk},
    )
    assert response.status_code == 302
    child = Competency.objects.get(framework=fw, idnumber="C9.1")
    assert (child.parent_id, child.depth) == (parent.pk, parent.depth + 1)


def test_a_framework_posts_require_cannot_be_deleted_and_the_admin_is_told_why(db, client):
    framework = publish(small_framework())
    post = PostFactory()
    competency = Competency.objects.get(framework=framework, idnumber="C1")
    PostRequirement.objects.create(post=post, competency=competency, months_allowed=6)
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    url = reverse("wagtailsnippets_competencies_framework:delete", args=[framework.pk])
    response = client.post(url, follow=True)
    assert "cannot be deleted: 1 post requires its competencies" in response.content.decode()
    assert Framework.objects.filter(pk=framework.pk).exists()
