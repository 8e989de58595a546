"""``manage.py export_skill_matrix TEAM_CODE --output FILE``: a team's skill matrix workbook.

It lives in ``exports`` (beside ``export_plan``) because it builds a workbook: the layers let
``exports`` use ``fellowships`` but not the other way round.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from exports.command_output import write_export
from exports.skillmix import matrix_filename, matrix_workbook
from fellowships.skillmix.matrix import Status, team_matrix
from ksf import dates
from ksf.models import Team


class Command(BaseCommand):
    help = (
        "Write a team's skill matrix (people by competency: level, expiry, practice) and its "
        "coverage against demand to an Excel workbook."
    )

    def add_arguments(self, parser):
        parser.add_argument("team_code", help="The team's code, e.g. MSK-N")
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the .xlsx file (default: skill-matrix-<team>.xlsx in the "
            "current folder)",
        )

    def handle(self, *args, team_code: str, output: Path | None, **options):
        team = Team.objects.filter(code__iexact=team_code.strip()).first()
        if team is None:
            raise CommandError(gettext("No team has the code '%(code)s'.") % {"code": team_code})
        matrix = team_matrix(team.pk, dates.today())
        output = write_export(output, matrix_filename(team), matrix_workbook(team, matrix))
        cells = [c for row in matrix.rows for c in row.cells]
        held = sum(1 for c in cells if c.status is not Status.NOT_HELD)
        below = sum(1 for line in matrix.coverage if line.below)
        self.stdout.write(
            self.style.SUCCESS(
                gettext(
                    "Wrote the skill matrix of %(team)s (%(code)s) to %(path)s (%(bytes)s "
                    "bytes): %(people)s people, %(competencies)s competencies, %(held)s "
                    "sign-offs held, %(below)s competencies below the coverage threshold."
                )
                % {
                    "team": team.name,
                    "code": team.code,
                    "path": output,
                    "bytes": output.stat().st_size,
                    "people": len(matrix.rows),
                    "competencies": len(matrix.columns),
                    "held": held,
                    "below": below,
                }
            )
        )
