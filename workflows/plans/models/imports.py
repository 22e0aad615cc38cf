"""An import of units and people the workers carry out, which the office's page follows."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting for a worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Not imported")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    name = models.CharField(_("file"), max_length=255)
    content = models.BinaryField(help_text="the previewed file, carried to the workers with the job")
    plan = models.ForeignKey("plans.Plan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="the plan the new schools join")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.WAITING)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    steps = models.PositiveIntegerField(default=0, help_text="the job's steps, known once its rows are checked: "
                                        "the check, each new person's initial password, the save")
    steps_done = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="new, updated and unchanged rows")
    error = models.CharField(max_length=16, blank=True, help_text="why it was not imported: problems (rows or "
                             "plan), refused (the person is no longer the office), stopped (an error)")

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def percent(self) -> int:
        """How far the job is, for its progress bar (0 until its rows are checked)."""
        if self.status == self.Status.DONE:
            return 100
        return 100 * self.steps_done // self.steps if self.steps else 0
