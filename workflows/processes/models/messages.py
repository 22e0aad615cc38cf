"""Messages sent to an instance before it waits for them, kept until it does (or until they expire)."""
from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .instances import ProcessInstance


class KeptMessage(models.Model):
    """A message for ``instance`` that arrived while it was not at a catch event for ``name``.

    Taken (and deleted) when the instance next waits for that name; ignored after ``expires_at``.
    """

    instance = models.ForeignKey(ProcessInstance, on_delete=models.CASCADE, related_name="kept_messages")
    name = models.CharField(max_length=255)
    payload = models.JSONField(null=True, blank=True)
    correlations = models.JSONField(null=True, blank=True)
    kept_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("kept message")
        verbose_name_plural = _("kept messages")
        indexes = [models.Index(fields=["instance", "name"])]

    def __str__(self) -> str:
        return f"{self.name} for instance {self.instance_id}"
