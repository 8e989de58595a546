from collections import Counter

from django.core.management import call_command

from ksf.demo import DEMO_LOGINS, DEMO_PASSWORD
from ksf.models import CareSite, Post, PostAssignment, Service, StaffMember, Team
from ksf.roles import Role, roles_for
from ksf.selectors import posts_with_incomplete_outlines


def test_seed_demo_builds_the_health_board_and_logins(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert CareSite.objects.count() == 3
    assert Service.objects.count() == 4
    assert Team.objects.count() >= 12
    assert 190 <= StaffMember.objects.count() <= 220
    assert Post.objects.count() >= 20
    assert posts_with_incomplete_outlines().count() == 0
    bands = Counter(StaffMember.objects.values_list("band", flat=True))
    assert set(bands) >= {"3", "4", "5", "6", "7", "8a", "8b"}
    # Everyone but the head of therapies has a line manager.
    current = PostAssignment.objects.current()
    assert current.filter(line_manager__isnull=True).count() == 1
    for role, username, _, _ in DEMO_LOGINS:
        assert username in out
        from django.contrib.auth.models import User

        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert role in roles_for(user), (username, roles_for(user))
    assert Role.MANAGER in roles_for(User.objects.get(username="manager"))


def test_seed_demo_twice_changes_nothing(db):
    call_command("seed_demo")
    people = StaffMember.objects.count()
    call_command("seed_demo")
    assert StaffMember.objects.count() == people


def test_demo_people_match_the_documented_logins(db):
    call_command("seed_demo")
    clinician = StaffMember.objects.get(user__username="clinician")
    assert clinician.full_name == "Ffion Parry"
    (assignment,) = PostAssignment.objects.current().filter(staff=clinician)
    assert assignment.team.code == "MSK-N"
    assert assignment.line_manager.user.username == "manager"
    assert StaffMember.objects.get(user__username="servicelead").services_led.get().code == "MSK"
