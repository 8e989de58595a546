from django.core.management.base import BaseCommand
from django.utils.translation import gettext, ngettext

from competencies.frameworks.shipped import load_shipped_frameworks


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        # A property, not gettext_lazy: argparse needs a real str for the description.
        return gettext(
            "Load and publish the shipped frameworks "
            "(RPS prescribing, MSK core capabilities, POCUS)."
        )

    def handle(self, *args, **options):
        for framework in load_shipped_frameworks():
            count = framework.competencies.count()
            # The English says "items" whatever the count; other languages may inflect.
            text = ngettext(
                "%(framework)s: %(count)d items, %(status)s",
                "%(framework)s: %(count)d items, %(status)s",
                count,
            )
            self.stdout.write(
                text
                % {
                    "framework": framework,
                    "count": count,
                    "status": framework.get_status_display().lower(),
                }
            )
