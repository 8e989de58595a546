"""Wagtail admin actions for organisation models: audit the diff and keep grants in step."""

from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction

from ksf import audit
from ksf.grants import sync_structure_permissions, sync_team_lead_grants, sync_team_permissions


def _resync(instance) -> None:
    from ksf.models import PostAssignment, Service, StaffMember, Team

    if isinstance(instance, PostAssignment):
        sync_structure_permissions(staff_ids=[instance.staff_id])
    elif isinstance(instance, StaffMember):
        ids = (
            {instance.pk}
            | set(instance.managed_assignments.values_list("staff_id", flat=True))
            | set(
                PostAssignment.objects.filter(team__lead=instance).values_list(
                    "staff_id", flat=True
                )
            )
        )
        sync_structure_permissions(staff_ids=ids)
    elif isinstance(instance, Team):
        sync_team_permissions([instance.pk])
    elif isinstance(instance, Service):
        sync_team_lead_grants()


class AuditedCreateAction(CreateAction):
    def _create(self, skip_permission_checks=False):
        instance = super()._create(skip_permission_checks=skip_permission_checks)
        _resync(instance)
        return instance


class AuditedEditAction(EditAction):
    def __init__(self, instance, user=None, **kwargs):
        kwargs["log_action"] = False
        super().__init__(instance, user=user, **kwargs)

    def _edit(self, skip_permission_checks=False):
        model = type(self.instance)
        stored = model._default_manager.filter(pk=self.instance.pk).first()
        before = audit.snapshot(stored) if stored else {}
        instance = super()._edit(skip_permission_checks=skip_permission_checks)
        instance.refresh_from_db()
        audit.log_change(instance, self.user, audit.diff(before, audit.snapshot(instance)))
        _resync(instance)
        return instance


class AuditedDeleteAction(DeleteAction):
    def _delete(self):
        from ksf.models import PostAssignment

        staff_id = self.instance.staff_id if isinstance(self.instance, PostAssignment) else None
        result = super()._delete()
        if staff_id:
            sync_structure_permissions(staff_ids=[staff_id])
        return result
