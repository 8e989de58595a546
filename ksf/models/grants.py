"""Direct-foreign-key object permission tables (faster than guardian's generic ones)."""

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .organisation import Team
from .people import StaffMember


class StaffMemberUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(StaffMember, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class StaffMemberGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(StaffMember, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class TeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class TeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
