from django.apps import AppConfig


class FellowshipsConfig(AppConfig):
    name = "fellowships"
    verbose_name = "Fellowships"
    default_auto_field = "django.db.models.BigAutoField"
