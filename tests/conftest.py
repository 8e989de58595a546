import datetime
import os
import shutil
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from ksf import dates
from ksf.grants import sync_structure_permissions
from ksf.models import Post, StaffMember, Team
from ksf.roles import Role
from tests.factories import (
    PASSWORD,
    AssignmentFactory,
    PostFactory,
    ServiceFactory,
    TeamFactory,
    UserFactory,
    full_outline,
    staff_with_login,
)


@dataclass
class World:
    """A small board with one person per role, and a second team nobody here manages."""

    users: dict[str, User | None]
    manager: StaffMember
    clinician: StaffMember
    stranger: StaffMember
    team: Team
    other_team: Team
    post: Post
    framework: object = None
    requirement: object = None

    def user(self, role: str) -> User | None:
        return self.users[role]


@pytest.fixture
def world(db) -> World:
    service = ServiceFactory(name="MSK physiotherapy")
    team = TeamFactory(service=service, name="MSK North")
    other_team = TeamFactory(service=ServiceFactory(name="Adult OT"), name="Acute OT")
    manager = staff_with_login(band="7", first_name="Mona", last_name="Manager")
    team.lead = manager
    team.save()
    clinician = staff_with_login(first_name="Cara", last_name="Clinician")
    stranger = staff_with_login(first_name="Sam", last_name="Stranger")
    post = PostFactory(service=service, title="Physiotherapist", band="5")
    full_outline(post)
    AssignmentFactory(staff=manager, team=team, post=PostFactory(service=service, band="7"))
    AssignmentFactory(staff=clinician, team=team, post=post, line_manager=manager)
    AssignmentFactory(staff=stranger, team=other_team, post=PostFactory(service=other_team.service))
    lead = staff_with_login(band="8b", first_name="Lee", last_name="Lead")
    service.lead = lead
    service.save()
    users = {
        "anonymous": None,
        "clinician": clinician.user,
        "manager": manager.user,
        "educator": UserFactory(username="edu", roles=[Role.EDUCATOR]),
        "supervisor": UserFactory(username="sup", roles=[Role.SUPERVISOR, Role.CLINICIAN]),
        "service_lead": lead.user,
        "administrator": UserFactory(username="adm", roles=[Role.ADMINISTRATOR]),
    }
    users["service_lead"].groups.add(*UserFactory(roles=[Role.SERVICE_LEAD]).groups.all())
    sync_structure_permissions()
    framework = educator_framework(users["educator"])
    from competencies.models import PostRequirement

    requirement = PostRequirement.objects.create(
        post=post, competency=framework.competencies.get(idnumber="C1")
    )
    return World(
        users=users,
        manager=manager,
        clinician=clinician,
        stranger=stranger,
        team=team,
        other_team=other_team,
        post=post,
        framework=framework,
        requirement=requirement,
    )


def educator_framework(owner: User, idnumber: str = "EDU-FW"):
    """A small draft framework owned by ``owner``: a domain with two competencies."""
    from competencies.frameworks.services import grant_framework
    from competencies.interchange.tree import CompetencyData, FrameworkData, save_framework

    data = FrameworkData(
        idnumber=idnumber,
        title="Educator framework",
        taxonomy=["domain", "competency"],
        competencies=[
            CompetencyData("D1", "Domain one"),
            CompetencyData("C1", "Injection therapy", parent_idnumber="D1"),
            CompetencyData("C2", "History taking", parent_idnumber="D1"),
        ],
    )
    framework = save_framework(data, filename="test", user=owner)
    grant_framework(framework, owner)
    return framework


ROLES = [
    "anonymous",
    "clinician",
    "manager",
    "educator",
    "supervisor",
    "service_lead",
    "administrator",
]


def login(client, user: User | None):
    if user is not None:
        assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def today() -> datetime.date:
    return dates.today()


def find_chromium() -> str | None:
    for candidate in (
        os.environ.get("CHROMIUM_PATH"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    """Without Chromium the browser journeys cannot run: leave them out and say so loudly.

    CI sets REQUIRE_BROWSER=1, which turns a missing browser into a failure instead.
    """
    if find_chromium():
        return
    if os.environ.get("REQUIRE_BROWSER"):
        raise pytest.UsageError(
            "REQUIRE_BROWSER is set but no Chromium was found (apt-get install chromium)."
        )
    journeys = [item for item in items if item.get_closest_marker("browser")]
    if journeys:
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        config.hook.pytest_deselected(items=journeys)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(
                f"NOTE: {len(journeys)} browser journeys left out: install Chromium "
                "(sudo apt-get install chromium) to run them.",
                yellow=True,
            )
