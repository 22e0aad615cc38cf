"""The append-only audit trail: rows are inserted, never updated or deleted."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    DEPLOYED = "definition.deployed", _("Definition deployed")
    STARTED = "instance.started", _("Instance started")
    SUSPENDED = "instance.suspended", _("Instance suspended")
    RESUMED = "instance.resumed", _("Instance resumed")
    TERMINATED = "instance.terminated", _("Instance terminated")
    COMPLETED = "instance.completed", _("Instance completed")
    RETRIED = "instance.retried", _("Incident retried")
    INCIDENT = "instance.incident", _("Incident raised")
    TASK_CREATED = "task.created", _("Task created")
    CLAIMED = "task.claimed", _("Task claimed")
    UNCLAIMED = "task.unclaimed", _("Task released")
    DELEGATED = "task.delegated", _("Task delegated")
    REASSIGNED = "task.reassigned", _("Task reassigned")
    ATTACHED = "task.attached", _("Evidence attached")
    ACKNOWLEDGED = "escalation.acknowledged", _("Escalation acknowledged")
    CHASED = "escalation.chased", _("Escalation chased")
    ACTIVATED = "definition.activated", _("Definition version activated")
    DRAFT_SAVED = "task.draft_saved", _("Draft saved")
    TASK_COMPLETED = "task.completed", _("Task completed")
    TASK_CANCELLED = "task.cancelled", _("Task cancelled")
    TIMER_FIRED = "timer.fired", _("Timer fired")
    ESCALATED = "escalation.raised", _("Escalation raised")
    MESSAGE = "event.delivered", _("Message or signal delivered")
    EXTENSION_ASKED = "extension.asked", _("Extension asked for")
    EXTENSION_DECIDED = "extension.decided", _("Extension decided")
    MEMBERSHIP_ENDED = "person.membership_ended", _("Membership ended")
    PERSON_DEACTIVATED = "person.deactivated", _("Person deactivated")
    PERSON_REACTIVATED = "person.reactivated", _("Person reactivated")
    ORG_IMPORTED = "org.imported", _("Units and people imported")
    PLAN_SAVED = "plan.saved", _("Plan saved")
    PLAN_SCHOOL_ADDED = "plan.school_added", _("School added to a plan")
    PLAN_SCHOOL_REMOVED = "plan.school_removed", _("School taken out of a plan")
    WORK_ITEM_SAVED = "work_item.saved", _("Work item saved")
    CYCLE_ADDED = "cycle.added", _("Reporting cycle added")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit events cannot be changed")

    def delete(self):
        raise PermissionError("audit events cannot be deleted")


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    instance_id = models.BigIntegerField(null=True, blank=True)  # indexed through audit_chain
    definition_id = models.BigIntegerField(null=True, blank=True)
    task_guid = models.CharField(max_length=36, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, help_text="hash of the previous event in its chain")
    hash = models.CharField(max_length=64, blank=True, help_text="sha256 over this event and prev_hash")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["at", "id"]
        # Written on every step: plain indexes, none duplicated by audit_chain's leading column.
        indexes = [models.Index(fields=["instance_id", "id"], name="audit_chain"),
                   models.Index(fields=["action"], name="audit_action")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")


class AuditChainHead(models.Model):
    """A row to lock while appending to the chain of events that belong to no instance."""

    class Meta:
        verbose_name = "audit chain head"

    def __str__(self) -> str:
        return "audit chain head"
