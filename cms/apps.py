from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Site and portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cms.middleware import mark_activity

        user_logged_in.connect(
            lambda sender, request, user, **kwargs: mark_activity(request.session),
            dispatch_uid="cms_session_activity",
            weak=False,
        )
