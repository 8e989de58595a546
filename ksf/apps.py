from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KsfConfig(AppConfig):
    name = "ksf"
    verbose_name = _("Organisation and KSF")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from ksf.models import StaffMember, Team
        from ksf.policies import staff_policy, team_policy

        register_permission_policy(StaffMember, staff_policy)
        register_permission_policy(Team, team_policy)
