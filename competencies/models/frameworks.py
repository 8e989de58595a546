"""Competency frameworks: versions, their tree of competencies, scales and rules."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index


class FrameworkQuerySet(models.QuerySet):
    def published(self) -> "FrameworkQuerySet":
        """Published and not retired: the versions staff see, claim and are required to hold."""
        return self.filter(live=True, retired=False)


class CompetencyQuerySet(models.QuerySet):
    def published(self) -> "CompetencyQuerySet":
        """Competencies of published, current frameworks: the only ones anyone can claim."""
        return self.filter(framework__live=True, framework__retired=False)


class Framework(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    """One version of a framework. Published versions never change; edit a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("framework status", "Draft")
        IN_REVIEW = "in_review", pgettext_lazy("framework status", "In review")
        PUBLISHED = "published", pgettext_lazy("framework status", "Published")
        RETIRED = "retired", pgettext_lazy("framework status", "Retired")

    identifier = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text=_("CASE CFDocument identifier."),
        verbose_name=gettext_lazy("identifier"),
    )
    family = models.UUIDField(
        default=uuid.uuid4,
        editable=False,
        db_index=True,
        help_text=_("Shared by every version."),
        verbose_name=gettext_lazy("family"),
    )
    idnumber = models.CharField(
        _("ID number"), max_length=100, help_text=_("Short unique code, e.g. RPS-PRESCRIBING.")
    )
    title = models.CharField(max_length=255, verbose_name=gettext_lazy("title"))
    publisher = models.CharField(max_length=255, blank=True, verbose_name=gettext_lazy("publisher"))
    version = models.CharField(max_length=50, default="1.0", verbose_name=gettext_lazy("version"))
    licence = models.CharField(max_length=255, blank=True, verbose_name=gettext_lazy("licence"))
    source_url = models.URLField(_("source URL"), blank=True)
    description = models.TextField(
        blank=True,
        help_text=_("HTML is cleaned before it is shown."),
        verbose_name=gettext_lazy("description"),
    )
    taxonomy = models.JSONField(
        default=list,
        blank=True,
        help_text=_('A label per depth, e.g. ["domain", "competency", "indicator"].'),
        verbose_name=gettext_lazy("taxonomy"),
    )
    validity_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Attainments expire after this many months; empty: never."),
        verbose_name=gettext_lazy("validity months"),
    )
    retired = models.BooleanField(default=False, verbose_name=gettext_lazy("retired"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=gettext_lazy("owner"),
    )
    case_document = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text=_(
            "What an imported CASE package said about the framework that the platform does not "
            "model (its URI, definitions ...), written back on export."
        ),
        verbose_name=gettext_lazy("CASE document as received"),
    )
    previous_version = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_versions",
        verbose_name=gettext_lazy("previous version"),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="framework")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="framework",
        for_concrete_model=False,
    )

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("idnumber"),
        index.SearchField("publisher"),
        index.FilterField("id"),  # lists narrowed to the frameworks a user may see
    ]

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("framework")
        verbose_name_plural = gettext_lazy("frameworks")
        ordering = ["title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["idnumber", "version"], name="framework_version_once")
        ]
        permissions = [("edit_own_framework", "Can edit frameworks they own or were given")]

    def __str__(self) -> str:
        return gettext("%(title)s v%(version)s") % {"title": self.title, "version": self.version}

    @property
    def revisions(self):
        return self._revisions

    def get_preview_template(self, request, mode_name):
        return "competencies/framework_preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["framework"] = self
        return context

    @property
    def status(self) -> str:
        if self.retired:
            return self.Status.RETIRED
        if self.live:
            return self.Status.PUBLISHED
        if self.workflow_in_progress:
            return self.Status.IN_REVIEW
        return self.Status.DRAFT

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_editable(self) -> bool:
        """Competencies may change only while a draft that nobody is reviewing."""
        return self.status == self.Status.DRAFT

    def label_for_depth(self, depth: int) -> str:
        labels = self.taxonomy or []
        if not labels:
            return "competency"
        return labels[min(depth, len(labels)) - 1]


class ScaleValue(Orderable):
    """An ordered proficiency scale value; at least one counts as proficient."""

    framework = ParentalKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="scale_values",
        verbose_name=gettext_lazy("framework"),
    )
    name = models.CharField(max_length=100, verbose_name=gettext_lazy("name"))
    proficient = models.BooleanField(default=False, verbose_name=gettext_lazy("proficient"))
    is_default = models.BooleanField(_("default"), default=False)

    class Meta(Orderable.Meta):
        verbose_name = _("scale value")
        verbose_name_plural = _("scale values")

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    """A node of a framework's tree; ``identifier`` is stable across versions."""

    # Real frameworks have three to six levels; ten leaves room and keeps every page, export
    # and walk of the tree small (imports and the tree editor refuse deeper).
    MAX_DEPTH = 10

    class RuleType(models.TextChoices):
        NONE = "", _("No rule")
        ALL = "all", _("All children are complete")
        POINTS = "points", _("Points from children (with required children)")

    class DescriptionFormat(models.TextChoices):
        HTML = "html", _("HTML")
        MARKDOWN = "markdown", _("Markdown text (as CASE statements are written)")

    class RuleOutcome(models.IntegerChoices):
        NONE = 0, _("Do nothing")
        EVIDENCE = 1, _("Attach evidence")
        RECOMMEND = 2, _("Recommend for review")
        COMPLETE = 3, _("Mark as complete")

    framework = models.ForeignKey(
        Framework,
        on_delete=models.CASCADE,
        related_name="competencies",
        verbose_name=gettext_lazy("framework"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
        verbose_name=gettext_lazy("parent"),
    )
    identifier = models.UUIDField(
        default=uuid.uuid4, db_index=True, editable=False, verbose_name=gettext_lazy("identifier")
    )
    idnumber = models.CharField(_("ID number"), max_length=100)
    code = models.CharField(
        max_length=50,
        blank=True,
        help_text=_("Human coding, e.g. 1.2 or C3."),
        verbose_name=gettext_lazy("code"),
    )
    short_name = models.CharField(max_length=255, verbose_name=gettext_lazy("short name"))
    description = models.TextField(blank=True, verbose_name=gettext_lazy("description"))
    description_format = models.CharField(
        max_length=10,
        choices=DescriptionFormat.choices,
        default=DescriptionFormat.HTML,
        help_text=_("Markdown text is kept as it came, blank lines and line breaks included."),
        verbose_name=gettext_lazy("description format"),
    )
    case_item = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "What an imported CASE package said about this item that the platform does not "
            "model, written back on export while it still holds."
        ),
        verbose_name=gettext_lazy("CASE item as received"),
    )
    sort_order = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("sort order"))
    depth = models.PositiveSmallIntegerField(default=1, verbose_name=gettext_lazy("depth"))
    rule_type = models.CharField(
        max_length=10, choices=RuleType.choices, blank=True, verbose_name=gettext_lazy("rule type")
    )
    rule_outcome = models.PositiveSmallIntegerField(
        choices=RuleOutcome.choices,
        default=RuleOutcome.NONE,
        verbose_name=gettext_lazy("rule outcome"),
    )
    rule_config = models.JSONField(null=True, blank=True, verbose_name=gettext_lazy("rule config"))
    cross_references = models.ManyToManyField(
        "self",
        blank=True,
        symmetrical=True,
        help_text=_("Related competencies, in any framework."),
        verbose_name=gettext_lazy("cross references"),
    )

    objects = CompetencyQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("competency")
        ordering = ["framework", "depth", "sort_order"]
        verbose_name_plural = _("competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "idnumber"], name="competency_idnumber_once"
            ),
            models.UniqueConstraint(
                fields=["framework", "identifier"], name="competency_identifier_once"
            ),
        ]
        indexes = [models.Index(fields=["framework", "parent", "sort_order"])]

    def __str__(self) -> str:
        return f"{self.code} {self.short_name}".strip()

    def clean(self) -> None:
        if self.parent_id and self.parent.framework_id != self.framework_id:
            raise ValidationError({"parent": gettext("The parent must be in the same framework.")})
        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": gettext("A competency cannot sit under itself.")})
            node = node.parent


class CompetencyAssociation(models.Model):
    """A CASE association kept as it arrived, for what the tree and cross references cannot hold.

    That is another tool's isRelatedTo or exactMatchOf (its own identifier and type), any
    association to an item outside the framework (another framework's CFItem, known by
    identifier, URI and title), and association types the platform does not interpret
    (isPeerOf, precedes ...). ``competency`` is this framework's end; ``other`` is the other end
    when it is in this framework too. An outside end is looked up by ``target_identifier``
    whenever it is shown, so it leads to the local competency once a framework holding that item
    is published here. Exported unchanged from ``received``.
    """

    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        related_name="case_associations",
        verbose_name=gettext_lazy("competency"),
    )
    other = models.ForeignKey(
        Competency,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=gettext_lazy("other end in this framework"),
    )
    identifier = models.UUIDField(verbose_name=gettext_lazy("identifier"))
    association_type = models.CharField(
        max_length=100, verbose_name=gettext_lazy("association type")
    )
    outgoing = models.BooleanField(
        default=True,
        help_text=_("Whether this competency is the origin of the association."),
        verbose_name=gettext_lazy("outgoing"),
    )
    target_identifier = models.UUIDField(
        db_index=True, verbose_name=gettext_lazy("identifier of the other end")
    )
    target_title = models.TextField(blank=True, verbose_name=gettext_lazy("title of the other end"))
    target_uri = models.TextField(blank=True, verbose_name=gettext_lazy("URI of the other end"))
    received = models.JSONField(verbose_name=gettext_lazy("association as received"))

    class Meta:
        verbose_name = gettext_lazy("CASE association")
        verbose_name_plural = gettext_lazy("CASE associations")
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "identifier"], name="competency_association_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency} {self.association_type} {self.target_identifier}"
