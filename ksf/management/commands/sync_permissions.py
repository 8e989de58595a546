from django.core.management.base import BaseCommand

from ksf.grants import sync_structure_permissions


class Command(BaseCommand):
    help = (
        "Recompute object permissions from the organisation's structure. Run daily so that "
        "access ends the day an assignment ends."
    )

    def handle(self, *args, **options):
        result = sync_structure_permissions()
        self.stdout.write(
            f"Permissions in step: {result.granted} granted, {result.revoked} revoked."
        )
