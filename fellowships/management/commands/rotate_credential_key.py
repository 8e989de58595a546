from django.core.management.base import BaseCommand
from django.utils.translation import gettext

from fellowships.credentials import keys


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]
        return gettext(
            "Make a new issuer key for credentials. It signs from now on; the older keys stay "
            "in the key directory so the credentials they signed still verify."
        )

    def handle(self, *args, **options):
        key = keys.rotate()
        self.stdout.write(
            self.style.SUCCESS(
                gettext("New signing key %(key_id)s in %(directory)s (%(count)s keys held).")
                % {"key_id": key.key_id, "directory": keys.key_dir(), "count": len(keys.key_ids())}
            )
        )
