"""Human tasks and escalations as rows: the inbox and the board are queries on these."""
from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HumanTaskState(models.TextChoices):
    READY = "ready", _("Ready")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class HumanTask(models.Model):
    # Indexed through human_task_unique (instance, task_guid).
    instance = models.ForeignKey("processes.ProcessInstance", on_delete=models.CASCADE, related_name="human_tasks",
                                 db_index=False)
    task_guid = models.UUIDField()
    bpmn_id = models.CharField(max_length=255)
    name = models.CharField(_("name"), max_length=255)
    documentation = models.TextField(blank=True)
    lane = models.CharField(_("lane"), max_length=255, blank=True)
    candidate_role = models.CharField(_("candidate role"), max_length=64, blank=True)
    candidate_unit = models.ForeignKey("org.Unit", verbose_name=_("candidate unit"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="candidate_tasks")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="assigned_tasks")
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=HumanTaskState.choices,
                             default=HumanTaskState.READY)
    form_key = models.CharField(_("form"), max_length=255, blank=True)
    draft_json = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = _("human task")
        verbose_name_plural = _("human tasks")
        constraints = [models.UniqueConstraint(fields=["instance", "task_guid"], name="human_task_unique")]
        indexes = [
            models.Index(fields=["state", "assignee", "due_at"], name="task_inbox_assignee"),
            models.Index(fields=["state", "candidate_unit", "candidate_role", "due_at"], name="task_inbox_unit"),
            models.Index(fields=["due_at"], name="task_due"),  # the board's escalations, most overdue first
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.instance_id})"

    @property
    def draft(self) -> dict:
        return json.loads(self.draft_json) if self.draft_json else {}


class EscalationLevel(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    CHASE = "chase", _("Chase")
    SUPERVISE = "supervise", _("Supervise")


class Escalation(models.Model):
    # Indexed through escalation_once (instance, event_guid) and the (target_unit, level, closed_at) index.
    instance = models.ForeignKey("processes.ProcessInstance", on_delete=models.CASCADE, related_name="escalations",
                                 db_index=False)
    human_task = models.ForeignKey(HumanTask, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="escalations")
    event_guid = models.UUIDField()
    activity_guid = models.UUIDField(null=True, blank=True, help_text="the activity the boundary event hangs on")
    level = models.CharField(_("level"), max_length=16, choices=EscalationLevel.choices)
    code = models.CharField(max_length=255, blank=True)
    name = models.CharField(max_length=255, blank=True)
    target_role = models.CharField(_("target role"), max_length=64, blank=True)
    target_unit = models.ForeignKey("org.Unit", verbose_name=_("target unit"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="escalations", db_index=False)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [models.UniqueConstraint(fields=["instance", "event_guid"], name="escalation_once")]
        indexes = [models.Index(fields=["target_unit", "level", "closed_at"]),
                   models.Index(fields=["level"], name="escalation_level"),
                   # the escalations list (API), oldest open first: a walk, not a sort of every open one
                   models.Index(fields=["raised_at", "id"], name="escalation_open_by_age",
                                condition=models.Q(closed_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.name or self.code}"
