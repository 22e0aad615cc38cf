"""A work item's run through its lifecycle, and the school tasks its lead department dispatches."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkItemRun(models.Model):
    """The work item's process instance (assign → dispatch → school tasks → close 销号)."""

    work_item = models.ForeignKey("plans.WorkItem", on_delete=models.CASCADE, related_name="runs")
    instance = models.OneToOneField("processes.ProcessInstance", on_delete=models.PROTECT, related_name="work_item_run")
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("work item run")
        verbose_name_plural = _("work item runs")

    def __str__(self) -> str:
        return f"{self.work_item} #{self.pk}"


class SchoolTask(models.Model):
    """What one school must do and report for a work item, with a due date and a named person."""

    run = models.ForeignKey(WorkItemRun, on_delete=models.CASCADE, related_name="school_tasks")
    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="school_tasks")
    instance = models.OneToOneField("processes.ProcessInstance", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="school_task")
    instructions = models.TextField(_("instructions"), blank=True)
    due_at = models.DateTimeField(_("due"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("responsible person"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("school task")
        verbose_name_plural = _("school tasks")
        constraints = [models.UniqueConstraint(fields=["run", "school"], name="school_task_once")]

    def __str__(self) -> str:
        return f"{self.run} · {self.school}"
