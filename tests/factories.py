"""Factories for the organisation. Reference data (KSF, groups) comes from migrations."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User

from ksf import dates
from ksf.models import (
    CareSite,
    KSFDimension,
    Organisation,
    OutlineEntry,
    Post,
    PostAssignment,
    Profession,
    Service,
    StaffMember,
    Team,
)
from ksf.roles import ROLE_GROUPS, Role

PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=ROLE_GROUPS[role]))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    name = "Test Health Board"
    code = "TEST"


class CareSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareSite

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    code = factory.Sequence(lambda n: f"S{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    code = factory.Sequence(lambda n: f"SV{n}")
    profession = Profession.PHYSIOTHERAPIST


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    service = factory.SubFactory(ServiceFactory)
    site = factory.SubFactory(CareSiteFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    code = factory.Sequence(lambda n: f"T{n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    staff_number = factory.Sequence(lambda n: f"{20000000 + n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    email = factory.LazyAttribute(lambda s: f"{s.first_name}.{s.last_name}@example.nhs.uk".lower())
    profession = Profession.PHYSIOTHERAPIST
    band = "5"


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    title = factory.Sequence(lambda n: f"Physiotherapist {n}")
    profession = Profession.PHYSIOTHERAPIST
    band = "5"
    service = factory.SubFactory(ServiceFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostAssignment

    staff = factory.SubFactory(StaffMemberFactory)
    team = factory.SubFactory(TeamFactory)
    post = factory.LazyAttribute(lambda a: PostFactory(service=a.team.service))
    wte = Decimal("1.00")
    start_date = factory.LazyFunction(lambda: dates.today() - datetime.timedelta(days=365))


def staff_with_login(*, roles: list[Role] | None = None, **kwargs) -> StaffMember:
    user = UserFactory(roles=[Role.CLINICIAN, *(roles or [])])
    return StaffMemberFactory(user=user, **kwargs)


def full_outline(post: Post, level: int = 2) -> None:
    for d in KSFDimension.objects.filter(kind="core"):
        OutlineEntry.objects.create(
            post=post, dimension=d, foundation_level=level, second_level=level
        )
