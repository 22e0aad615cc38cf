"""A school's request for more time on a quarterly report (延期申请), and the decision on it."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting a decision")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")
    LAPSED = "lapsed", _("Lapsed")  # the report was submitted or cancelled before anyone decided


class ReportExtension(models.Model):
    """Asked before the due moment, with a reason; granted with a new due moment or refused with a reason."""

    report = models.ForeignKey("plans.QuarterlyReport", on_delete=models.CASCADE, related_name="extensions")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked"))
    reason = models.TextField(_("reason"))
    due_before = models.DateTimeField(_("due before"))  # the due moment in force when asked
    asked_due_at = models.DateTimeField(_("asked to be due"))
    status = models.CharField(_("status"), max_length=16, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    granted_due_at = models.DateTimeField(_("granted to be due"), null=True, blank=True)
    comment = models.TextField(_("decision comment"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["asked_at"]
        constraints = [models.UniqueConstraint(fields=["report"], condition=models.Q(status="pending"),
                                               name="one_pending_extension_per_report")]

    def __str__(self) -> str:
        return f"{self.report} → {self.asked_due_at:%Y-%m-%d}"
