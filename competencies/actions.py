"""Admin actions for frameworks: whoever creates one owns it and may edit it."""

from wagtail.actions.create import CreateAction

from competencies.frameworks.services import grant_framework


class FrameworkCreateAction(CreateAction):
    def _create(self, skip_permission_checks=False):
        if self.user is not None and not self.instance.owner_id:
            self.instance.owner = self.user
        instance = super()._create(skip_permission_checks=skip_permission_checks)
        if instance.owner_id:
            grant_framework(instance, instance.owner)
        return instance
