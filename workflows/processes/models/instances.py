"""Process instances (state stored as gzip bytes), their incidents and event subscriptions."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InstanceStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    WAITING = "waiting", _("Waiting")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")
    ERROR = "error", _("Error")


ACTIVE_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)


class ProcessInstance(models.Model):
    # Indexed by (definition, status) below; a second index on the key alone is one more write per step.
    definition = models.ForeignKey("processes.ProcessDefinition", on_delete=models.PROTECT,
                                   related_name="instances", db_index=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    business_key = models.CharField(_("business key"), max_length=200, blank=True)
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="process_instances")
    refs = models.JSONField(_("business references"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=InstanceStatus.choices)
    state = models.BinaryField(help_text="gzip JSON of the engine state, without the spec")
    next_timer_at = models.DateTimeField(_("next timer"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0, help_text="bumped by every engine step")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("process instance")
        verbose_name_plural = _("process instances")
        # Every engine step updates the row and moves next_timer_at, so no update is HOT: each index here
        # is written on every step. Plain indexes only (db_index=True on a CharField adds an unused
        # varchar_pattern_ops copy on PostgreSQL).
        indexes = [
            models.Index(fields=["status"], name="instance_status"),
            models.Index(fields=["business_key"], name="instance_business_key"),
            models.Index(fields=["next_timer_at"], name="instance_due_timer",
                         condition=models.Q(next_timer_at__isnull=False)),
            models.Index(fields=["definition", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} #{self.pk}"


class Incident(models.Model):
    """A task that raised; the instance stays in error until the incident is retried."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="incidents")
    task_guid = models.CharField(max_length=36, blank=True)
    bpmn_id = models.CharField(max_length=255, blank=True)
    message = models.TextField()
    line = models.PositiveIntegerField(null=True, blank=True)
    error_line = models.TextField(blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["instance", "resolved_at"])]

    def __str__(self) -> str:
        return f"{self.bpmn_id}: {self.message[:80]}"


class EventSubscription(models.Model):
    """A message or signal an instance waits for, so delivery is a lookup by name."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="subscriptions")
    kind = models.CharField(max_length=16)
    name = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"
