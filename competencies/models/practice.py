"""A daily roll-up of the work that needs a competency: what the skill-gap flags read.

One row per person, team, competency, day and required level, counting the attended contacts
that needed the competency (through the activity-to-competency map) and their minutes. It is
derived data: ``competencies.activity.flags.practice`` rebuilds it for the teams and days an
import touched, and whole every night, so the flags aggregate thousands of rows, not millions
of contacts. Nothing else writes it.
"""

from django.db import models
from django.utils.translation import gettext_lazy

from .keys import loose_key


class PracticeDay(models.Model):
    staff = loose_key("ksf.StaffMember", gettext_lazy("staff"))
    team = loose_key("ksf.Team", gettext_lazy("team"))
    competency = loose_key("competencies.Competency", gettext_lazy("competency"))
    day = models.DateField(verbose_name=gettext_lazy("day"))
    level_order = models.IntegerField(
        help_text=gettext_lazy("The sort order of the scale value the work needed."),
        verbose_name=gettext_lazy("level needed"),
    )
    contacts = models.PositiveIntegerField(verbose_name=gettext_lazy("contacts"))
    minutes = models.PositiveIntegerField(verbose_name=gettext_lazy("minutes"))

    class Meta:
        verbose_name = gettext_lazy("practice day")
        verbose_name_plural = gettext_lazy("practice days")
        indexes = [
            models.Index(fields=["team", "day"], name="practiceday_team_day"),
            models.Index(fields=["staff", "competency", "day"], name="practiceday_staff_comp"),
            models.Index(fields=["day"], name="practiceday_day"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id}/{self.team_id}/{self.competency_id} {self.day}"


class PracticeWeek(models.Model):
    """A team's work needing a competency in one week (Monday to Sunday): the roll-up's rows
    added up over people, days and levels.

    What the skill-mix pages read for a team's demand over the last 52 weeks: a service of 50
    teams has a few thousand of these rows against a quarter of a million daily ones. Kept by
    ``competencies.activity.flags.practice.rebuild`` with the daily rows it is derived from.
    """

    team = loose_key("ksf.Team", gettext_lazy("team"))
    competency = loose_key("competencies.Competency", gettext_lazy("competency"))
    week = models.DateField(verbose_name=gettext_lazy("week beginning"))
    contacts = models.PositiveIntegerField(verbose_name=gettext_lazy("contacts"))
    minutes = models.PositiveBigIntegerField(verbose_name=gettext_lazy("minutes"))

    class Meta:
        verbose_name = gettext_lazy("practice week")
        verbose_name_plural = gettext_lazy("practice weeks")
        indexes = [models.Index(fields=["team", "week"], name="practiceweek_team_week")]

    def __str__(self) -> str:
        return f"{self.team_id}/{self.competency_id} week of {self.week}"
