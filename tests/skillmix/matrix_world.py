"""A team for the skill-mix matrix, service view and workbook tests, on the flag tests' board:
one framework (Novice < Competent < Expert), a map line asking C1 at Competent, and a lead."""

from decimal import Decimal

from competencies.activity.flags.practice import rebuild
from ksf.models import Establishment
from tests.activity.flags_world import Board
from tests.factories import PostFactory, staff_with_login


class MatrixBoard(Board):
    """Six people in MSK North, one for each status of C1, and a lead with a login."""

    def __init__(self) -> None:
        super().__init__()
        self.lead = staff_with_login(first_name="Lowri", last_name="Lead", band="8a")
        self.team.lead = self.lead
        self.team.save()
        self.band6 = PostFactory(service=self.service, title="Physiotherapist", band="6")
        self.band5 = PostFactory(service=self.service, title="Physiotherapist band 5", band="5")

    def member(self, first, last, *, post=None, team=None, wte="1.00"):
        staff = self.person(first, last, team=team, wte=wte)
        assignment = staff.assignments.get()
        assignment.post = post or self.band6
        assignment.save()
        return staff

    def populate(self) -> dict:
        """Ffion current, Gwen below the level, Huw expired, Iwan expiring, Jac not
        practised, Kim holding nothing; C1 has demand (Ffion's contacts)."""
        people = {
            "ffion": self.member("Ffion", "Parry", wte="0.80"),
            "gwen": self.member("Gwen", "Hughes", wte="0.50", post=self.band5),
            "huw": self.member("Huw", "Jones"),
            "iwan": self.member("Iwan", "Morgan"),
            "jac": self.member("Jac", "Evans"),
            "kim": self.member("Kim", "Lloyd", post=self.band5),
        }
        self.sign_off(people["ffion"], expires=400)
        self.sign_off(people["gwen"], value=self.novice)
        self.sign_off(people["huw"], on=-800, expires=-10)
        self.sign_off(people["iwan"], expires=30)
        self.sign_off(people["jac"])
        self.sign_off(people["ffion"], competency=self.c2, value=self.expert)
        self.contacts(people["ffion"], range(-60, 0))
        self.contacts(people["iwan"], [-5])
        rebuild()
        return people

    def fund(self, post, wte: str, team=None) -> Establishment:
        return Establishment.objects.create(
            team=team or self.team, post=post, funded_wte=Decimal(wte)
        )
