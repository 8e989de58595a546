"""A staff import run: the uploaded file, its progress on the worker, and how it ended.

The upload is kept only until the run finishes (the worker reads it from here, so a page
reload or another app server can follow the run); the counts, the summary and the row and
column problems stay as the record of the run.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy


class StaffImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("Waiting to start")
        RUNNING = "running", gettext_lazy("Running")
        DONE = "done", gettext_lazy("Imported")
        FAILED = "failed", gettext_lazy("Not imported: problems in the file")
        ERROR = "error", gettext_lazy("Not imported: stopped by an error")

    class Source(models.TextChoices):
        ADMIN = "admin", gettext_lazy("Admin upload")
        COMMAND = "command", gettext_lazy("Command line")
        CODE = "code", gettext_lazy("Another program")

    FINISHED = (Status.DONE, Status.FAILED, Status.ERROR)

    filename = models.CharField(max_length=255, verbose_name=gettext_lazy("file"))
    upload = models.BinaryField(
        blank=True,
        default=b"",
        editable=False,
        help_text=gettext_lazy("The uploaded file, kept until the run finishes."),
        verbose_name=gettext_lazy("upload"),
    )
    file_size = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("file size"))
    create_logins = models.BooleanField(default=False, verbose_name=gettext_lazy("create logins"))
    source = models.CharField(
        max_length=10,
        choices=Source.choices,
        default=Source.ADMIN,
        verbose_name=gettext_lazy("started from"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=gettext_lazy("started by"),
    )
    language = models.CharField(
        max_length=15,
        blank=True,
        help_text=gettext_lazy("The language the problems are written in."),
        verbose_name=gettext_lazy("language"),
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.QUEUED,
        verbose_name=gettext_lazy("status"),
    )
    rows_total = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("rows"))
    rows_checked = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("rows checked"))
    rows_to_write = models.PositiveIntegerField(
        default=0, verbose_name=gettext_lazy("rows to write")
    )
    rows_written = models.PositiveIntegerField(default=0, verbose_name=gettext_lazy("rows written"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=gettext_lazy("uploaded at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=gettext_lazy("finished"))
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When the run last reported progress."),
        verbose_name=gettext_lazy("last progress"),
    )
    result = models.JSONField(
        default=dict,
        blank=True,
        help_text=gettext_lazy("Counts of what was imported."),
        verbose_name=gettext_lazy("result"),
    )
    problems = models.JSONField(
        default=list,
        blank=True,
        help_text=gettext_lazy("The first row and column problems found, as listed to the user."),
        verbose_name=gettext_lazy("problems"),
    )
    problem_count = models.PositiveIntegerField(
        default=0, verbose_name=gettext_lazy("problems found")
    )
    task_id = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=gettext_lazy("task")
    )

    class Meta:
        verbose_name = gettext_lazy("staff import run")
        verbose_name_plural = gettext_lazy("staff import runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["started_by", "created_at"])]

    def __str__(self) -> str:
        return gettext("Staff import of %(file)s") % {"file": self.filename}

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
