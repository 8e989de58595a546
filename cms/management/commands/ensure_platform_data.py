from django.core.management.base import BaseCommand

from cms.bootstrap import ensure_platform_data


class Command(BaseCommand):
    help = "Restore reference data (KSF, role groups, home page) if missing. Safe to repeat."

    def handle(self, *args, **options):
        ensure_platform_data()
        self.stdout.write("Platform reference data is in place.")
