"""Approval is the only way to publish a framework, so approvers need no publish permission."""


def publish_approved(workflow_state, user=None) -> None:
    workflow_state.content_object.get_latest_revision().publish(
        user=user, skip_permission_checks=True
    )
