"""The framework review task: group approval with four eyes."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupApprovalTask, ModelLogEntry

# Revision content that records state, not what the framework says.
STATE_FIELDS = {
    "pk",
    "id",
    "latest_revision",
    "live",
    "live_revision",
    "has_unpublished_changes",
    "first_published_at",
    "last_published_at",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
}


def _fields(content: dict) -> dict:
    return {key: value for key, value in content.items() if key not in STATE_FIELDS}


class FrameworkApprovalTask(GroupApprovalTask):
    """Approval by Educators or Administrators, never by the person who submitted the draft
    or last changed it: a framework decides what clinicians are assessed against, so it is
    published only when a second person has read it.
    """

    REVISIONS_READ = 50  # enough to find the last real change; bounded for old frameworks

    def approval_refusal(self, obj, user) -> str | None:
        """Why ``user`` may not approve ``obj`` now, or None. Shown as it is in the admin."""
        state = obj.current_workflow_state
        if state is not None and state.requested_by_id == user.pk:
            return gettext(
                "You submitted this framework for review, so someone else must approve it. "
                "Ask another educator or an administrator."
            )
        if self.last_editor_id(obj) == user.pk:
            return gettext(
                "You made the latest changes to this framework, so someone else must approve "
                "it. Ask another educator or an administrator."
            )
        return None

    @classmethod
    def last_editor_id(cls, obj) -> int | None:
        """Who last changed the framework's fields or its competencies.

        A revision counts when its content differs from the one before: approving from the
        editor saves the form again, unchanged, and that is not a change.
        """
        changes = []
        revisions = list(
            obj.revisions.order_by("-created_at", "-pk").values("user_id", "created_at", "content")[
                : cls.REVISIONS_READ
            ]
        )
        for newer, older in zip(revisions, [*revisions[1:], None], strict=True):
            if older is None or _fields(newer["content"]) != _fields(older["content"]):
                changes.append((newer["created_at"], newer["user_id"]))
                break
        competency_ids = [str(pk) for pk in obj.competencies.values_list("pk", flat=True)]
        entry = (
            ModelLogEntry.objects.filter(
                content_changed=True,
                content_type=ContentType.objects.get_for_model(obj.competencies.model),
                object_id__in=competency_ids,
            )
            .order_by("-timestamp", "-pk")
            .values_list("timestamp", "user_id")
            .first()
        )
        if entry:
            changes.append(entry)
        return max(changes, key=lambda change: change[0])[1] if changes else None

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        if actions and self.approval_refusal(obj, user):
            return [action for action in actions if action[0] != "approve"]
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve":
            refusal = self.approval_refusal(task_state.workflow_state.content_object, user)
            if refusal:
                raise PermissionDenied(refusal)
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve, except the person who submitted the "
            "framework or last changed it"
        )

    class Meta:
        verbose_name = _("framework approval task")
        verbose_name_plural = _("framework approval tasks")
