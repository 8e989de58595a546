from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from cms.bootstrap import ensure_platform_data


class Command(BaseCommand):
    help = "Restore reference data (KSF, role groups, home page) if missing. Safe to repeat."

    def handle(self, *args, **options):
        ensure_platform_data()
        self.stdout.write(gettext("Platform reference data is in place."))
