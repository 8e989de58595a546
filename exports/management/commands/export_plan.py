from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
            raise CommandError(f"No staff member has staff number '{staff_number}'.")
        plan = build_plan(person)
        output = output or Path(plan.filename)
        if output.is_dir():
            example = output / plan.filename
            raise CommandError(f"{output} is a folder: give a file name, e.g. {example}")
        content = plan_workbook(plan)
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Could not write {output}: {exc.strerror or exc}.") from exc
        counts = plan.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote the development plan for {person.full_name} ({person.staff_number}) to "
                f"{output} ({len(content)} bytes): {len(plan.rows)} requirements "
                f"({counts['red']} red, {counts['amber']} amber, {counts['green']} green), "
                f"{len(plan.objectives)} PDP objectives, {len(plan.cpd)} CPD activities "
                f"({plan.cpd_total_text} hours)."
            )
        )
