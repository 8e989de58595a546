"""The organisation's structure: a health board, its sites, services and teams."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from .choices import Profession


class Organisation(index.Indexed, models.Model):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    code = models.CharField(
        max_length=20, unique=True, help_text=_("e.g. the ODS code"), verbose_name=_("code")
    )

    search_fields = [
        index.SearchField("name"),
        index.SearchField("code"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CareSite(index.Indexed, models.Model):
    """A hospital, clinic or community base where teams work."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sites", verbose_name=_("organisation")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    code = models.CharField(max_length=20, unique=True, verbose_name=_("code"))
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Where the site is, for finding the nearest clinician, e.g. 51.85940."),
        verbose_name=_("latitude"),
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("e.g. -4.31150"),
        verbose_name=_("longitude"),
    )

    search_fields = [
        index.SearchField("name"),
        index.SearchField("code"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("care site")
        verbose_name_plural = _("care sites")

    def __str__(self) -> str:
        return self.name


class Service(index.Indexed, models.Model):
    """A professional service line such as MSK physiotherapy or paediatric OT."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organisation"),
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    code = models.CharField(max_length=20, unique=True, verbose_name=_("code"))
    profession = models.CharField(
        max_length=40, choices=Profession.choices, verbose_name=_("profession")
    )
    lead = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services_led",
        help_text=_("Service lead: sees workforce figures across this service's teams."),
        verbose_name=_("lead"),
    )

    search_fields = [
        index.SearchField("name"),
        index.SearchField("code"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(index.Indexed, models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="teams", verbose_name=_("service")
    )
    site = models.ForeignKey(
        CareSite, on_delete=models.PROTECT, related_name="teams", verbose_name=_("site")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    code = models.CharField(max_length=20, unique=True, verbose_name=_("code"))
    lead = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="teams_led",
        help_text=_("Team lead: can see and act for everyone currently assigned to this team."),
        verbose_name=_("lead"),
    )

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("code"),
    ]

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        permissions = [("view_workforce_team", _("Can view a team's people and skill figures"))]

    def __str__(self) -> str:
        return self.name
