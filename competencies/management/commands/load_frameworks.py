from django.core.management.base import BaseCommand

from competencies.frameworks.shipped import load_shipped_frameworks


class Command(BaseCommand):
    help = (
        "Load and publish the shipped frameworks (RPS prescribing, MSK core capabilities, POCUS)."
    )

    def handle(self, *args, **options):
        for framework in load_shipped_frameworks():
            count = framework.competencies.count()
            self.stdout.write(
                f"{framework}: {count} items, {framework.get_status_display().lower()}"
            )
