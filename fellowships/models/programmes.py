"""Fellowship programmes: versions, entry criteria and milestones, authored by educators.

A programme is a Wagtail snippet with drafts and revisions, like a framework. A published
version never changes: an educator starts a new version, and every enrolment keeps the
version it started on.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import DraftStateMixin, Orderable, RevisionMixin
from wagtail.search import index

from ksf.models.choices import Band


class SupervisorRole(models.TextChoices):
    """Who supervises a fellow, by what the programme calls them."""

    MENTOR = "mentor", pgettext_lazy("supervisor role", "Mentor")
    DPP = "dpp", pgettext_lazy("supervisor role", "Designated prescribing practitioner")
    ROADMAP = "roadmap", pgettext_lazy("supervisor role", "Roadmap supervisor")
    PRACTICE_EDUCATOR = "practice_educator", pgettext_lazy("supervisor role", "Practice educator")


class ProgrammeQuerySet(models.QuerySet):
    def published(self) -> "ProgrammeQuerySet":
        """Published and not retired: the versions staff read and apply for."""
        return self.filter(live=True, retired=False)


class Programme(DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel):
    """One version of a fellowship programme."""

    class Kind(models.TextChoices):
        SONOGRAPHY = "sonography", pgettext_lazy("programme kind", "MSK point-of-care ultrasound")
        PRESCRIBING = (
            "prescribing",
            pgettext_lazy("programme kind", "Non-medical independent prescribing"),
        )
        FCP = "fcp", pgettext_lazy("programme kind", "First contact practitioner roadmap")
        SPORTS = "sports", pgettext_lazy("programme kind", "Sports and exercise pathway")
        OTHER = "other", pgettext_lazy("programme kind", "Other")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("programme status", "Draft")
        PUBLISHED = "published", pgettext_lazy("programme status", "Published")
        RETIRED = "retired", pgettext_lazy("programme status", "Retired")

    code = models.SlugField(
        gettext_lazy("code"),
        max_length=50,
        help_text=gettext_lazy("Short code shared by every version, e.g. MSK-POCUS."),
    )
    version = models.CharField(gettext_lazy("version"), max_length=20, default="1.0")
    title = models.CharField(gettext_lazy("title"), max_length=255)
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(
        gettext_lazy("summary"),
        blank=True,
        help_text=gettext_lazy("What the programme leads to, in a few sentences, for staff."),
    )
    partner = models.CharField(
        gettext_lazy("university or education partner"), max_length=255, blank=True
    )
    target_months = models.PositiveSmallIntegerField(
        gettext_lazy("target duration (months)"),
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    # Entry criteria
    min_band = models.CharField(
        gettext_lazy("lowest band"), max_length=3, choices=Band.choices, blank=True
    )
    professions = models.JSONField(
        gettext_lazy("professions"),
        default=list,
        blank=True,
        help_text=gettext_lazy("Professions that may apply; empty: any."),
    )
    min_years_qualified = models.PositiveSmallIntegerField(
        gettext_lazy("years qualified at least"), default=0
    )
    prerequisite = models.ForeignKey(
        "competencies.Competency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("required competency"),
        help_text=gettext_lazy("A competency the applicant must already hold (verified)."),
    )
    entry_notes = models.TextField(gettext_lazy("other entry criteria"), blank=True)
    # Money
    cost = models.DecimalField(
        gettext_lazy("cost (£)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    funding_note = models.TextField(gettext_lazy("funding"), blank=True)
    # Supervision and sign-off
    supervisor_capacity = models.PositiveSmallIntegerField(
        gettext_lazy("fellows per full-time supervisor"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    final_signoff_role = models.CharField(
        gettext_lazy("final sign-off by"),
        max_length=20,
        choices=SupervisorRole.choices,
        default=SupervisorRole.MENTOR,
    )
    declaration = models.TextField(
        gettext_lazy("final declaration"),
        help_text=gettext_lazy("What the supervisor declares when signing the fellow off."),
    )
    retired = models.BooleanField(gettext_lazy("retired"), default=False)
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
        verbose_name=gettext_lazy("previous version"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("owner"),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="programme")

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("code"),
        index.FilterField("kind"),
    ]

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("fellowship programme")
        verbose_name_plural = gettext_lazy("fellowship programmes")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="programme_version_once")
        ]

    def __str__(self) -> str:
        return gettext("%(title)s v%(version)s") % {"title": self.title, "version": self.version}

    @property
    def revisions(self):
        return self._revisions

    @property
    def status(self) -> str:
        if self.retired:
            return self.Status.RETIRED
        return self.Status.PUBLISHED if self.live else self.Status.DRAFT

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_editable(self) -> bool:
        """Only a draft changes; a published version is what its enrolments started on."""
        return not self.live and not self.retired


class Milestone(Orderable):
    """One thing a fellow must achieve, within a named stage of the programme."""

    class Kind(models.TextChoices):
        MODULE = "module", pgettext_lazy("milestone kind", "Academic module")
        LOGBOOK = "logbook", pgettext_lazy("milestone kind", "Logbook target")
        ASSESSMENT = "assessment", pgettext_lazy("milestone kind", "Workplace-based assessments")
        COMPETENCY = "competency", pgettext_lazy("milestone kind", "Competency sign-off")
        FINAL = "final", pgettext_lazy("milestone kind", "Final sign-off")

    class Supervision(models.TextChoices):
        ANY = "", pgettext_lazy("logbook supervision", "Supervised or independent")
        SUPERVISED = "supervised", pgettext_lazy("logbook supervision", "Supervised")
        INDEPENDENT = "independent", pgettext_lazy("logbook supervision", "Independent")

    class AssessmentType(models.TextChoices):
        DOPS = "dops", "DOPS"
        CBD = "cbd", "CBD"
        MINI_CEX = "mini_cex", "mini-CEX"
        COT = "cot", "COT"
        CEP = "cep", "CEP"
        MSF = "msf", "MSF"

    programme = ParentalKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=gettext_lazy("programme"),
    )
    stage = models.CharField(
        gettext_lazy("stage"),
        max_length=100,
        help_text=gettext_lazy("e.g. 'Module 2: supervised scanning'. Milestones group by it."),
    )
    title = models.CharField(gettext_lazy("title"), max_length=255)
    kind = models.CharField(gettext_lazy("kind"), max_length=20, choices=Kind.choices)
    # Academic module
    credits = models.PositiveSmallIntegerField(gettext_lazy("credits"), null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        gettext_lazy("pass mark (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=gettext_lazy("Empty: pass or fail."),
    )
    # Logbook target
    category = models.CharField(
        gettext_lazy("category"),
        max_length=100,
        blank=True,
        help_text=gettext_lazy("e.g. a body region; empty: entries of any category count."),
    )
    categories = models.JSONField(
        gettext_lazy("categories"),
        default=list,
        blank=True,
        help_text=gettext_lazy(
            'The categories a fellow logs, e.g. ["Shoulder", "Knee"]; with a minimum per '
            "category, each of them needs it."
        ),
    )
    supervision = models.CharField(
        gettext_lazy("supervision"), max_length=20, choices=Supervision.choices, blank=True
    )
    target_entries = models.PositiveIntegerField(
        gettext_lazy("entries needed"), null=True, blank=True
    )
    min_per_category = models.PositiveIntegerField(
        gettext_lazy("at least per category"), null=True, blank=True
    )
    appraised_percent = models.PositiveSmallIntegerField(
        gettext_lazy("share quality-appraised (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
    )
    target_hours = models.DecimalField(
        gettext_lazy("hours needed"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    # Workplace-based assessments
    assessment_type = models.CharField(
        gettext_lazy("assessment type"), max_length=20, choices=AssessmentType.choices, blank=True
    )
    min_count = models.PositiveSmallIntegerField(
        gettext_lazy("satisfactory assessments needed"), null=True, blank=True
    )
    # Competency sign-off
    competency = models.ForeignKey(
        "competencies.Competency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("competency"),
    )
    level = models.ForeignKey(
        "competencies.ScaleValue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("at level"),
    )
    # Final sign-off (the role and declaration are the programme's)

    class Meta(Orderable.Meta):
        verbose_name = gettext_lazy("milestone")
        verbose_name_plural = gettext_lazy("milestones")

    def __str__(self) -> str:
        return self.title
