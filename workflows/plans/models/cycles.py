"""Reporting cycles (plan × half year), their quarters and each school's quarterly report."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..periods import half_label, quarter_label, quarter_name


class ReportingCycle(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="cycles")
    year = models.PositiveIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half"), choices=[(1, _("first half")), (2, _("second half"))])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED,
                              db_index=True)
    instance = models.OneToOneField("processes.ProcessInstance", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reporting_cycle")
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [models.UniqueConstraint(fields=["plan", "year", "half"], name="cycle_per_half")]
        ordering = ["plan", "year", "half"]

    def __str__(self) -> str:
        return f"{self.year} H{self.half}"

    @property
    def period_label(self) -> str:
        """2024年上半年 / first half of 2024, in the reader's language."""
        return half_label(self.year, self.half)

    @property
    def quarters_numbers(self) -> tuple[int, int]:
        return (1, 2) if self.half == 1 else (3, 4)


class CycleQuarter(models.Model):
    """One quarter of a cycle, with its dates computed from the working-day calendar."""

    cycle = models.ForeignKey(ReportingCycle, on_delete=models.CASCADE, related_name="quarters")
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    opens_at = models.DateTimeField(_("opens"))
    reminder_at = models.DateTimeField(_("reminder"))
    due_at = models.DateTimeField(_("due"))
    supervise_at = models.DateTimeField(_("supervise"))
    closes_at = models.DateTimeField(_("closes"))
    opening_started_at = models.DateTimeField(null=True, blank=True, help_text="when its schools were handed to "
                                              "the workers (opened_at: when the last school had its report)")
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        constraints = [models.UniqueConstraint(fields=["cycle", "quarter"], name="quarter_per_cycle")]
        ordering = ["cycle", "quarter"]

    def __str__(self) -> str:
        return f"{self.cycle.year} Q{self.quarter}"

    @property
    def name(self) -> str:
        """第一季度 / Q1, in the reader's language."""
        return quarter_name(self.quarter)

    @property
    def period_label(self) -> str:
        """2024年第一季度 / Q1 2024 (reads the cycle)."""
        return quarter_label(self.cycle.year, self.quarter)


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUBMITTED = "submitted", _("Submitted")
    CANCELLED = "cancelled", _("Cancelled")  # the school left the plan while the quarter was open


class QuarterlyReport(models.Model):
    """One school's report for one quarter: a child process instance and the figures it gave."""

    quarter = models.ForeignKey(CycleQuarter, on_delete=models.CASCADE, related_name="reports")
    school = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="quarterly_reports")
    instance = models.OneToOneField("processes.ProcessInstance", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="quarterly_report")
    status = models.CharField(_("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    # The due moment in force: the quarter's, until an extension is granted. Reports are judged by it.
    due_at = models.DateTimeField(_("due"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    sections = models.JSONField(_("sections"), default=dict, blank=True)

    class Meta:
        verbose_name = _("quarterly report")
        verbose_name_plural = _("quarterly reports")
        constraints = [models.UniqueConstraint(fields=["quarter", "school"], name="report_per_school")]
        indexes = [models.Index(fields=["quarter", "status"])]

    def __str__(self) -> str:
        return f"{self.quarter} · {self.school}"
