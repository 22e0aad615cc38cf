"""The half-year bulletin (半年通报): drafted by the office, approved by a leader, published to every unit."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned")
    PUBLISHED = "published", _("Published")


class Bulletin(models.Model):
    cycle = models.OneToOneField("plans.ReportingCycle", on_delete=models.CASCADE, related_name="bulletin")
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=300)
    addressees = models.CharField(_("addressees"), max_length=300, blank=True)
    copy_to = models.CharField(_("copied to"), max_length=300, blank=True)
    printed_by = models.CharField(_("printed by"), max_length=200, blank=True)
    printed_on = models.DateField(_("printed on"), null=True, blank=True,
                                  help_text="印发日期; empty: the day it is published")
    sections = models.JSONField(_("sections"), default=list, help_text='[{"heading": "...", "paragraphs": [...]}]')
    late_units = models.JSONField(default=list)
    missing_units = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=16, choices=BulletinStatus.choices,
                              default=BulletinStatus.DRAFT)
    return_comment = models.TextField(_("return comment"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    docx = models.BinaryField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self) -> str:
        return self.title


class BulletinReceipt(models.Model):
    """A published bulletin in one unit's inbox."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="bulletin_receipts")
    delivered_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bulletin", "unit"], name="bulletin_receipt_once")]

    def __str__(self) -> str:
        return f"{self.bulletin} → {self.unit}"
