"""Caseload activity: where it comes from, the contacts themselves, which competencies the work
needs, the thresholds the flags use, and the flags with their history.

A contact is one care activity from a source system's extract, keyed by (source, the source's
own id). On PostgreSQL the table is range-partitioned by month (see migration 0011), so its
unique key also carries the contact date; the importer removes an older copy of a record whose
date was corrected before it upserts. No patient identifier is stored: a patient or episode key
is kept only as a keyed hash (``competencies.activity.pseudonyms``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.search import index

from .frameworks import Competency, ScaleValue
from .keys import loose_key


class ActivitySource(index.Indexed, models.Model):
    """A system that sends extracts, and how its columns and values map to the canonical layout.

    ``column_mapping`` maps each canonical column (``source_id``, ``contact_date`` ...) to the
    header the source uses for it; columns left out are looked for under their canonical name.
    ``attendance_values`` maps the source's own attendance words or codes to ours.
    """

    name = models.CharField(max_length=100, unique=True, verbose_name=gettext_lazy("name"))
    code = models.SlugField(
        max_length=40,
        unique=True,
        help_text=gettext_lazy(
            "A short name for the command line, e.g. 'wpas' or 'therapy-manager'."
        ),
        verbose_name=gettext_lazy("code"),
    )
    description = models.TextField(blank=True, verbose_name=gettext_lazy("description"))
    column_mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy(
            "For each platform column, the heading this source's extract uses for it."
        ),
        verbose_name=gettext_lazy("column mapping"),
    )
    attendance_values = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy(
            'This source\'s own attendance values and what they mean, e.g. {"ATT": "attended"}.'
        ),
        verbose_name=gettext_lazy("attendance values"),
    )
    date_format = models.CharField(
        max_length=10,
        choices=[
            ("auto", gettext_lazy("ISO 8601 or dd/mm/yyyy")),
            ("dmy", "dd/mm/yyyy"),
            ("iso", "yyyy-mm-dd"),
        ],
        default="auto",
        verbose_name=gettext_lazy("date format"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = gettext_lazy("activity source")
        verbose_name_plural = gettext_lazy("activity sources")

    def __str__(self) -> str:
        return self.name


class ActivityImportRun(models.Model):
    """One upload of an extract: the file (kept until the run ends), its progress and outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Waiting to start")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Imported")
        FAILED = "failed", gettext_lazy("Not imported: problems in the file")
        REFUSED = "refused", gettext_lazy("Refused: identifiable patient data")
        ERROR = "error", gettext_lazy("Not imported: stopped by an error")

    class Phase(models.TextChoices):
        READING = "reading", gettext_lazy("Reading the file")
        CHECKING = "checking", gettext_lazy("Checking the rows")
        WRITING = "writing", gettext_lazy("Saving the contacts")
        FLAGGING = "flagging", gettext_lazy("Updating the flags")
        DONE = "done", gettext_lazy("Finished")

    FINISHED = (Status.DONE, Status.FAILED, Status.REFUSED, Status.ERROR)

    source = models.ForeignKey(
        ActivitySource,
        on_delete=models.PROTECT,
        related_name="runs",
        verbose_name=gettext_lazy("source"),
    )
    filename = models.CharField(max_length=255, verbose_name=gettext_lazy("file"))
    upload_path = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text=gettext_lazy("Where the uploaded file waits for the worker; removed at the end."),
        verbose_name=gettext_lazy("upload"),
    )
    file_size = models.BigIntegerField(default=0, verbose_name=gettext_lazy("file size"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("started by"),
    )
    from_command = models.BooleanField(
        default=False, verbose_name=gettext_lazy("from the command line")
    )
    language = models.CharField(max_length=15, blank=True, verbose_name=gettext_lazy("language"))
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.QUEUED,
        verbose_name=gettext_lazy("status"),
    )
    phase = models.CharField(
        max_length=10,
        choices=Phase.choices,
        default=Phase.READING,
        verbose_name=gettext_lazy("step"),
    )
    bytes_read = models.BigIntegerField(default=0, verbose_name=gettext_lazy("bytes read"))
    rows_read = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("rows read"))
    rows_valid = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("rows valid"))
    percent = models.PositiveSmallIntegerField(
        default=0, verbose_name=gettext_lazy("per cent done")
    )
    seconds_left = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=gettext_lazy("seconds left")
    )
    added = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("added"))
    changed = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("changed"))
    unchanged = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("unchanged"))
    first_date = models.DateField(
        null=True, blank=True, verbose_name=gettext_lazy("first contact date")
    )
    last_date = models.DateField(
        null=True, blank=True, verbose_name=gettext_lazy("last contact date")
    )
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("The first row and column problems, as listed to the user."),
        verbose_name=gettext_lazy("problems"),
    )
    problem_count = models.PositiveIntegerField(
        default=0, verbose_name=gettext_lazy("problems found")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("uploaded at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished"))
    updated_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("last progress")
    )
    task_id = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=gettext_lazy("task")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = gettext_lazy("activity import")
        verbose_name_plural = gettext_lazy("activity imports")
        indexes = [models.Index(fields=["started_by", "created_at"])]

    def __str__(self) -> str:
        return gettext("Activity import of %(file)s") % {"file": self.filename}

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class Attendance(models.TextChoices):
    ATTENDED = "attended", gettext_lazy("Attended")
    DID_NOT_ATTEND = "did_not_attend", gettext_lazy("Did not attend")
    CANCELLED_BY_PATIENT = "cancelled_by_patient", gettext_lazy("Cancelled by the patient")
    CANCELLED_BY_PROVIDER = "cancelled_by_provider", gettext_lazy("Cancelled by the service")


class Mechanism(models.TextChoices):
    FACE_TO_FACE = "face_to_face", gettext_lazy("Face to face")
    TELEPHONE = "telephone", gettext_lazy("Telephone")
    VIDEO = "video", gettext_lazy("Video")
    OTHER = "other", gettext_lazy("Other")


class ActivityType(models.TextChoices):
    ASSESSMENT = "assessment", gettext_lazy("Assessment")
    INTERVENTION = "intervention", gettext_lazy("Intervention")
    REVIEW = "review", gettext_lazy("Review")
    ADVICE = "advice", gettext_lazy("Advice")
    GROUP = "group", gettext_lazy("Group")
    OTHER = "other", gettext_lazy("Other")


class Scheme(models.TextChoices):
    SNOMED = "snomed", gettext_lazy("SNOMED CT")
    LOCAL = "local", gettext_lazy("Local code")


class Contact(models.Model):
    """One care activity as the source sent it (identifiers pseudonymised).

    Its references carry no database constraints: the importer checks them in bulk before it
    writes (constraint checks per row would double the cost of a million-row load), and
    deleting a person or team removes their contacts through Django's cascade.
    """

    source = models.ForeignKey(
        ActivitySource,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=gettext_lazy("source"),
    )
    record_id = models.CharField(
        max_length=64,
        help_text=gettext_lazy("The source system's identifier of this activity."),
        verbose_name=gettext_lazy("source's id"),
    )
    contact_date = models.DateField(verbose_name=gettext_lazy("contact date"))
    staff = loose_key("ksf.StaffMember", gettext_lazy("staff"))
    team = loose_key("ksf.Team", gettext_lazy("team"))
    duration_minutes = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("minutes"))
    attendance = models.CharField(
        max_length=24, choices=Attendance.choices, verbose_name=gettext_lazy("attendance")
    )
    mechanism = models.CharField(
        max_length=16, choices=Mechanism.choices, blank=True, verbose_name=gettext_lazy("how")
    )
    activity_type = models.CharField(
        max_length=16,
        choices=ActivityType.choices,
        blank=True,
        verbose_name=gettext_lazy("activity type"),
    )
    procedure_scheme = models.CharField(
        max_length=8,
        choices=Scheme.choices,
        default=Scheme.SNOMED,
        verbose_name=gettext_lazy("code scheme"),
    )
    procedure_code = models.CharField(max_length=40, verbose_name=gettext_lazy("procedure code"))
    condition_code = models.CharField(
        max_length=40, blank=True, verbose_name=gettext_lazy("condition code")
    )
    patient_hash = models.CharField(
        max_length=64, blank=True, verbose_name=gettext_lazy("patient (hashed)")
    )
    episode_hash = models.CharField(
        max_length=64, blank=True, verbose_name=gettext_lazy("episode (hashed)")
    )
    outcome_measure = models.CharField(
        max_length=40, blank=True, verbose_name=gettext_lazy("outcome measure")
    )
    outcome_before = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=gettext_lazy("score before"),
    )
    outcome_after = models.DecimalField(
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        verbose_name=gettext_lazy("score after"),
    )
    run = models.ForeignKey(
        ActivityImportRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=gettext_lazy("last imported by"),
    )

    class Meta:
        verbose_name = gettext_lazy("contact")
        verbose_name_plural = gettext_lazy("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "record_id", "contact_date"], name="contact_key"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "record_id"], name="contact_record"),
            models.Index(fields=["staff", "contact_date"], name="contact_staff_date"),
            models.Index(fields=["team", "contact_date"], name="contact_team_date"),
            models.Index(fields=["procedure_code", "contact_date"], name="contact_code_date"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.record_id}"


class ActivityRequirement(models.Model):
    """A line of the activity-to-competency map: this work needs this competency at this level.

    Matches a contact by procedure code (with its scheme), by activity type, or both; a line
    applies to contacts dated within its effective range.
    """

    procedure_scheme = models.CharField(
        max_length=8,
        choices=Scheme.choices,
        default=Scheme.SNOMED,
        verbose_name=gettext_lazy("code scheme"),
    )
    procedure_code = models.CharField(
        max_length=40,
        blank=True,
        help_text=gettext_lazy(
            "A SNOMED CT concept id or a local code; leave empty to match by activity type only."
        ),
        verbose_name=gettext_lazy("procedure code"),
    )
    activity_type = models.CharField(
        max_length=16,
        choices=ActivityType.choices,
        blank=True,
        help_text=gettext_lazy("Leave empty to match any activity type."),
        verbose_name=gettext_lazy("activity type"),
    )
    label = models.CharField(
        max_length=200,
        help_text=gettext_lazy(
            "What the work is, in words, e.g. 'Ultrasound-guided shoulder injection'."
        ),
        verbose_name=gettext_lazy("work"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activity_requirements",
        help_text=gettext_lazy(
            "Leave empty for everyday work that needs no particular competency: the code is "
            "then known, and extracts carrying it are accepted without raising flags."
        ),
        verbose_name=gettext_lazy("competency"),
    )
    level = models.ForeignKey(
        ScaleValue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy("Leave empty for the framework's first proficient level."),
        verbose_name=gettext_lazy("level"),
    )
    valid_from = models.DateField(verbose_name=gettext_lazy("from"))
    valid_to = models.DateField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Leave empty while it applies."),
        verbose_name=gettext_lazy("until"),
    )
    lapse_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=gettext_lazy(
            "Flag someone who holds this competency but has not done this work for this many "
            "months (empty: the default in the flag settings)."
        ),
        verbose_name=gettext_lazy("lapses after (months)"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=gettext_lazy("updated at"))

    class Meta:
        ordering = ["label", "valid_from"]
        verbose_name = gettext_lazy("activity competency rule")
        verbose_name_plural = gettext_lazy("activity competency map")
        constraints = [
            models.CheckConstraint(
                condition=~Q(procedure_code="") | ~Q(activity_type=""),
                name="activity_requirement_matches_something",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="activity_requirement_range",
            ),
        ]
        indexes = [models.Index(fields=["procedure_scheme", "procedure_code"], name="actreq_code")]

    def __str__(self) -> str:
        if self.competency_id is None:
            return gettext("%(work)s needs no particular competency") % {"work": self.label}
        return gettext("%(work)s needs %(competency)s") % {
            "work": self.label,
            "competency": self.competency,
        }

    def needs(self) -> str:
        """The competency the work needs, in words (for lists)."""
        return str(self.competency) if self.competency_id else gettext("None needed")


@register_setting(icon="warning")
class FlagSettings(BaseGenericSetting):
    """The thresholds the skill-gap flags use; one set for the board."""

    window_weeks = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text=gettext_lazy(
            "Demand and capacity are compared over this many weeks up to today."
        ),
        verbose_name=gettext_lazy("capacity window (weeks)"),
    )
    capacity_threshold = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.10")), MaxValueValidator(Decimal("5.00"))],
        help_text=gettext_lazy(
            "Flag a team when competent capacity divided by demand falls below this (1.00: "
            "capacity just meets demand)."
        ),
        verbose_name=gettext_lazy("capacity threshold"),
    )
    clinical_fraction = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
        help_text=gettext_lazy("The share of contracted time spent with patients."),
        verbose_name=gettext_lazy("clinical fraction"),
    )
    full_time_hours = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("37.5"),
        validators=[MinValueValidator(Decimal("1.0")), MaxValueValidator(Decimal("60.0"))],
        help_text=gettext_lazy("Contracted hours a week of 1.00 WTE."),
        verbose_name=gettext_lazy("full-time hours a week"),
    )
    lapse_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=gettext_lazy("A competency held but not practised for this long is flagged."),
        verbose_name=gettext_lazy("not practised for (months)"),
    )
    expiry_days = models.PositiveSmallIntegerField(
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=gettext_lazy(
            "Flag sign-offs expiring within this many days where the team has the work."
        ),
        verbose_name=gettext_lazy("expiring within (days)"),
    )
    minimum_episodes = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(3), MaxValueValidator(1000)],
        help_text=gettext_lazy(
            "Outcomes are compared only for clinicians with at least this many episodes."
        ),
        verbose_name=gettext_lazy("episodes before outcomes are compared"),
    )
    suppress_below = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=gettext_lazy("Counts below this are shown as 'fewer than N'."),
        verbose_name=gettext_lazy("hide counts below"),
    )

    class Meta:
        verbose_name = gettext_lazy("skill-gap flag settings")


class Flag(models.Model):
    """A prompt to look: practice, capacity or outcomes that may outrun verified skills.

    Identified by ``key`` (kind, person or team, competency and any measure), so a recompute
    updates the same flag rather than raising a new one. ``active`` says whether the cause
    was still present at the last recompute; the status is what people did about it.
    """

    class Kind(models.TextChoices):
        UNVERIFIED_PRACTICE = "unverified", gettext_lazy("Practice without a valid sign-off")
        CAPACITY_GAP = "capacity", gettext_lazy("Capacity gap")
        SINGLE_POINT = "single", gettext_lazy("Single point of failure")
        SKILL_DECAY = "decay", gettext_lazy("Skill decay or expiry")
        REQUIREMENT_GAP = "requirement", gettext_lazy("Post requirement gap")
        OUTCOME_OUTLIER = "outcome", gettext_lazy("Outcome outlier")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("Open")
        ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
        RESOLVED = "resolved", gettext_lazy("Resolved")

    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=gettext_lazy("kind"))
    key = models.CharField(
        max_length=200, unique=True, editable=False, verbose_name=gettext_lazy("key")
    )
    staff = models.ForeignKey(
        "ksf.StaffMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="skill_flags",
        verbose_name=gettext_lazy("person"),
    )
    team = models.ForeignKey(
        "ksf.Team",
        on_delete=models.CASCADE,
        related_name="skill_flags",
        verbose_name=gettext_lazy("team"),
    )
    competency = models.ForeignKey(
        Competency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=gettext_lazy("competency"),
    )
    detail = models.CharField(
        max_length=16,
        blank=True,
        help_text=gettext_lazy("Which variant of the kind, e.g. 'expiring' or 'supervised'."),
        verbose_name=gettext_lazy("detail"),
    )
    figures = models.JSONField(default=dict, blank=True, verbose_name=gettext_lazy("figures"))
    contact_count = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("contacts"))
    first_seen = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("first seen"))
    last_seen = models.DateField(null=True, blank=True, verbose_name=gettext_lazy("last seen"))
    active = models.BooleanField(default=True, verbose_name=gettext_lazy("cause present"))
    status = models.CharField(
        max_length=12,
        choices=Status.choices,
        default=Status.OPEN,
        verbose_name=gettext_lazy("status"),
    )
    status_note = models.TextField(blank=True, verbose_name=gettext_lazy("note"))
    status_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    status_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("status changed")
    )
    raised_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("raised"))
    computed_at = models.DateTimeField(
        null=True, blank=True, verbose_name=gettext_lazy("last checked")
    )

    class Meta:
        ordering = ["-last_seen", "-pk"]
        verbose_name = gettext_lazy("skill-gap flag")
        verbose_name_plural = gettext_lazy("skill-gap flags")
        indexes = [
            models.Index(fields=["team", "status", "kind"], name="flag_team_status"),
            models.Index(fields=["staff", "status"], name="flag_staff_status"),
            models.Index(fields=["kind", "status", "active"], name="flag_kind_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.staff or self.team}"


class FlagEvent(models.Model):
    """What happened to a flag, and who did it: the audit trail of its lifecycle."""

    class Action(models.TextChoices):
        RAISED = "raised", gettext_lazy("Raised")
        ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
        RESOLVED = "resolved", gettext_lazy("Resolved")
        REOPENED = "reopened", gettext_lazy("Reopened: the cause returned")
        CLEARED = "cleared", gettext_lazy("Cause no longer present")

    flag = models.ForeignKey(
        Flag, on_delete=models.CASCADE, related_name="events", verbose_name=gettext_lazy("flag")
    )
    action = models.CharField(
        max_length=12, choices=Action.choices, verbose_name=gettext_lazy("what happened")
    )
    note = models.TextField(blank=True, verbose_name=gettext_lazy("note"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("by"),
    )
    at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("when"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = gettext_lazy("flag event")
        verbose_name_plural = gettext_lazy("flag events")
        indexes = [models.Index(fields=["flag", "at"], name="flagevent_flag_at")]

    def __str__(self) -> str:
        return f"{self.flag}: {self.get_action_display()}"
