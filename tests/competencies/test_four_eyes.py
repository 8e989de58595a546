"""Nobody publishes a framework alone: the approver is neither the submitter nor the last editor."""

import pytest
from django.urls import reverse
from wagtail.models import Workflow

from competencies.models import Framework, FrameworkApprovalTask
from ksf.roles import Role
from tests.competencies.test_authoring import small_framework
from tests.factories import UserFactory

SNIPPETS = "wagtailsnippets_competencies_framework"


@pytest.fixture
def in_review(db):
    author = UserFactory(username="author", roles=[Role.EDUCATOR])
    framework = small_framework(user=author)
    state = Workflow.objects.get(name="Framework review").start(framework, author)
    return framework, author, state.current_task_state


def _approve_url(framework, task_state) -> str:
    return reverse(f"{SNIPPETS}:workflow_action", args=[framework.pk, "approve", task_state.pk])


def test_the_review_workflow_uses_the_four_eyes_task(db):
    task = Workflow.objects.get(name="Framework review").tasks.get().specific
    assert isinstance(task, FrameworkApprovalTask)
    assert set(task.groups.values_list("name", flat=True)) == {"Educators", "Administrators"}


def test_the_author_is_offered_no_approval_and_told_why(client, in_review):
    framework, author, _ = in_review
    client.force_login(author)
    page = client.get(reverse(f"{SNIPPETS}:edit", args=[framework.pk])).content.decode()
    assert "You submitted this framework for review, so someone else must approve it" in page
    assert 'data-workflow-action-name="approve"' not in page
    assert 'data-workflow-action-name="reject"' in page


def test_posting_the_approve_action_as_the_author_is_refused_with_the_reason(client, in_review):
    framework, author, task_state = in_review
    client.force_login(author)
    response = client.post(_approve_url(framework, task_state), follow=True)
    assert "someone else must approve it" in response.content.decode()
    framework.refresh_from_db()
    assert framework.status == Framework.Status.IN_REVIEW
    assert not framework.live


def test_approving_through_the_edit_form_as_the_author_publishes_nothing(client, in_review):
    framework, author, _ = in_review
    client.force_login(author)
    client.post(
        reverse(f"{SNIPPETS}:edit", args=[framework.pk]),
        {"action-workflow-action": "true", "workflow-action-name": "approve"},
    )
    framework.refresh_from_db()
    assert not framework.live


def test_whoever_made_the_last_change_cannot_approve_it(client, db):
    from competencies.frameworks import services as frameworks_services
    from competencies.frameworks.services import grant_framework

    author = UserFactory(username="author", roles=[Role.EDUCATOR])
    colleague = UserFactory(username="colleague", roles=[Role.EDUCATOR])
    framework = small_framework(user=author)
    grant_framework(framework, colleague)
    frameworks_services.add_competency(
        framework=framework, parent=None, idnumber="D2", short_name="Domain two", user=colleague
    )
    state = Workflow.objects.get(name="Framework review").start(framework, author)
    client.force_login(colleague)
    response = client.post(_approve_url(framework, state.current_task_state), follow=True)
    assert "You made the latest changes to this framework" in response.content.decode()
    framework.refresh_from_db()
    assert not framework.live


def test_a_second_educator_approves_and_the_framework_is_published(client, in_review):
    framework, _, task_state = in_review
    reviewer = UserFactory(username="reviewer", roles=[Role.EDUCATOR])
    client.force_login(reviewer)
    page = client.get(reverse(f"{SNIPPETS}:edit", args=[framework.pk])).content.decode()
    assert 'data-workflow-action-name="approve"' in page
    response = client.post(_approve_url(framework, task_state))
    assert response.status_code == 302
    framework.refresh_from_db()
    assert framework.status == Framework.Status.PUBLISHED


def test_the_task_itself_refuses_the_author(in_review):
    from django.core.exceptions import PermissionDenied

    framework, author, task_state = in_review
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state, author, "approve")
    framework.refresh_from_db()
    assert not framework.live


def test_a_reviewer_who_changes_the_draft_in_review_cannot_approve_it(client, in_review):
    framework, _, task_state = in_review
    reviewer = UserFactory(username="reviewer", roles=[Role.EDUCATOR])
    framework.save_revision(user=reviewer)  # saved unchanged: still free to approve
    assert task_state.task.specific.approval_refusal(framework, reviewer) is None
    framework.title = "Small framework (reviewed)"
    framework.save_revision(user=reviewer)
    client.force_login(reviewer)
    response = client.post(_approve_url(framework, task_state), follow=True)
    assert "You made the latest changes to this framework" in response.content.decode()
    framework.refresh_from_db()
    assert not framework.live
