"""Who may edit and who may read which framework.

Editing: owners and people given the framework, plus model-wide editors (administrators).

Reading in the admin: a published or retired version is for everyone who works on frameworks
there (it is public on the frameworks site anyway). A draft is for the people who may edit it
and, while it waits for approval, for the people who may approve it; other educators do not
read each other's unfinished work. Every admin view of a framework (list, inspect, history,
usage, revisions, previews, workflow history, chooser) applies this one rule.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from wagtail.models import TaskState

from competencies.models import Framework
from ksf.policies import ObjectPermissionPolicy

framework_policy = ObjectPermissionPolicy("competencies.Framework")


def _in_review_for(user: User | AnonymousUser) -> list[int]:
    """Frameworks now waiting on a task this user may act on."""
    framework_type = ContentType.objects.get_for_model(Framework)
    states = TaskState.objects.reviewable_by(user).filter(
        workflow_state__content_type=framework_type
    )
    return [int(pk) for pk in states.values_list("workflow_state__object_id", flat=True)]


def readable_frameworks(user: User | AnonymousUser) -> QuerySet[Framework]:
    if not framework_policy.user_has_any_permission(user, ["add", "change", "view"]):
        return Framework.objects.none()
    editable = framework_policy.instances_user_has_any_permission_for(user, ["change", "view"])
    return Framework.objects.filter(
        Q(live=True)
        | Q(retired=True)
        | Q(pk__in=editable.values("pk"))
        | Q(pk__in=_in_review_for(user))
    )


def may_read(user: User | AnonymousUser, framework: Framework) -> bool:
    return readable_frameworks(user).filter(pk=framework.pk).exists()
