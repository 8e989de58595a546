from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from exports.command_output import write_export
from exports.plan import build_plan
from exports.workbooks import plan_workbook
from ksf.models import StaffMember


class Command(BaseCommand):
    help = (
        "Write a person's development plan (requirements, PDP objectives, CPD log) to an "
        "Excel workbook."
    )

    def add_arguments(self, parser):
        parser.add_argument("staff_number", help="The person's staff number, e.g. 20000001")
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the .xlsx file (default: development-plan-<staff>-<date>.xlsx "
            "in the current folder)",
        )

    def handle(self, *args, staff_number: str, output: Path | None, **options):
        person = StaffMember.objects.filter(staff_number=staff_number).first()
        if person is None:
            raise CommandError(
                gettext("No staff member has staff number '%(staff_number)s'.")
                % {"staff_number": staff_number}
            )
        plan = build_plan(person)
        content = plan_workbook(plan)
        output = write_export(output, plan.filename, content)
        counts = plan.counts
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Wrote the development plan for %(name)s (%(staff_number)s) to %(path)s "
                    "(%(bytes)s bytes): %(requirements)s requirements (%(red)s red, "
                    "%(amber)s amber, %(green)s green), %(objectives)s PDP objectives, "
                    "%(activities)s CPD activities (%(hours)s hours)."
                )
                % {
                    "name": person.full_name,
                    "staff_number": person.staff_number,
                    "path": output,
                    "bytes": len(content),
                    "requirements": len(plan.rows),
                    "red": counts["red"],
                    "amber": counts["amber"],
                    "green": counts["green"],
                    "objectives": len(plan.objectives),
                    "activities": len(plan.cpd),
                    "hours": plan.cpd_total_text,
                }
            )
        )
