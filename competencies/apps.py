from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competencies")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from competencies.frameworks.policies import framework_policy
        from competencies.models import Framework

        register_permission_policy(Framework, framework_policy)

        from competencies.frameworks import receivers

        receivers.connect()
