import datetime

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings
from django.utils.translation import gettext, ngettext

from competencies.activity.demo import add_demo_activity
from competencies.activity.flags.recompute import recompute_all
from competencies.demo import add_demo_portfolio, add_demo_requirements
from fellowships.demo import add_demo_fellowships
from ksf.demo import DEMO_PASSWORD, build_demo, demo_exists

DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


class Command(BaseCommand):
    help = (
        "Build the deterministic demo health board, load the shipped frameworks, make the demo "
        "posts require them, give it a year of fellowships and of caseload activity (with its "
        "skill-gap flags), and print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed: int, **options):
        if demo_exists():
            self.stdout.write(gettext("The demo health board is already loaded."))
            self.print_logins()
            return
        # The demo's history raises notifications (sign-off requests, supervisors assigned);
        # they stay in the portal and are not emailed to the fictional staff.
        with override_settings(EMAIL_BACKEND=DUMMY_EMAIL), transaction.atomic():
            summary = build_demo(seed=seed)
            requirements = add_demo_requirements()
            portfolio = add_demo_portfolio()
            fellowships = add_demo_fellowships(seed=seed)
            activity = add_demo_activity(seed=seed, fellows=sonography_fellows())
            flags = recompute_all()
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Demo health board: %(sites)s sites, %(services)s services, "
                    "%(teams)s teams, %(posts)s posts, %(staff)s staff; "
                    "%(requirements)s competency requirements from %(frameworks)s shipped "
                    "frameworks; %(cpd)s CPD entries, %(signoffs)s sign-offs and "
                    "%(reviews)s development reviews."
                )
                % {
                    "sites": summary.sites,
                    "services": summary.services,
                    "teams": summary.teams,
                    "posts": summary.posts,
                    "staff": summary.staff,
                    "requirements": requirements,
                    "frameworks": 3,
                    "cpd": portfolio["cpd"],
                    "signoffs": portfolio["signoffs"],
                    "reviews": portfolio["reviews"],
                }
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "Fellowships: %(enrolments)s enrolments, %(applications)s applications, "
                    "%(logbook)s logbook entries, %(assessments)s assessments, "
                    "%(credentials)s credential.",
                    "Fellowships: %(enrolments)s enrolments, %(applications)s applications, "
                    "%(logbook)s logbook entries, %(assessments)s assessments, "
                    "%(credentials)s credentials.",
                    fellowships["credentials"],
                )
                % fellowships
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Caseload activity: %(contacts)s contacts over the last year, "
                    "%(rules)s activity competency rules, %(flags)s skill-gap flags."
                )
                % {
                    "contacts": activity["contacts"],
                    "rules": activity["rules"],
                    "flags": sum(flags.values()),
                }
            )
        )
        self.print_logins()

    def print_logins(self) -> None:
        from ksf.demo import DEMO_LOGINS

        self.stdout.write(
            gettext("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for role, username, _first, _last in DEMO_LOGINS:
            self.stdout.write(f"  {role.label:<18} {username}")


def sonography_fellows() -> dict[int, datetime.date]:
    """Active sonography fellows and their start dates: they scan under supervision."""
    from fellowships.models import Enrolment

    return dict(
        Enrolment.objects.filter(
            status=Enrolment.Status.ACTIVE, programme__code="MSK-POCUS"
        ).values_list("staff_id", "start_date")
    )
