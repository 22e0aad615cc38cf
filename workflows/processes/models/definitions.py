"""Deployments (the uploaded files) and the versioned process definitions they contain."""
from __future__ import annotations

import json

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Deployment(models.Model):
    """One upload: a set of BPMN/DMN/form files; identical bytes are never stored twice."""

    sha256 = models.CharField(max_length=64, unique=True)
    deployed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    deployed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")

    def __str__(self) -> str:
        return f"deployment {self.sha256[:12]}"


class DeploymentFile(models.Model):
    deployment = models.ForeignKey(Deployment, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deployment", "name"], name="deployment_file_unique")]

    def __str__(self) -> str:
        return self.name


class ProcessDefinition(models.Model):
    """A process (or collaboration) by key and version; the spec is stored here once."""

    deployment = models.ForeignKey(Deployment, on_delete=models.PROTECT, related_name="definitions")
    key = models.CharField(_("key"), max_length=255, db_index=True)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=255)
    dialect = models.CharField(max_length=16)
    spec = models.TextField(help_text="serialized engine spec (text, never jsonb: key order matters)")
    forms_json = models.TextField(default="{}", help_text="form key -> JSON Schema, as text to keep field order")
    lanes = models.JSONField(default=list)
    texts = models.JSONField(default=dict, blank=True,
                             help_text="element id -> locale -> name/documentation in other languages")
    activated_at = models.DateTimeField(null=True, blank=True,
                                        help_text="new instances use the most recently activated version")

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="definition_key_version")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    @property
    def forms(self) -> dict:
        return json.loads(self.forms_json)


class StartTrigger(models.Model):
    """A start event of a definition version that waits for a message, a signal or a timer: a way
    to start an instance besides by hand. Only the active version's triggers start instances."""

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.CASCADE, related_name="start_triggers")
    kind = models.CharField(max_length=16)  # message, signal, timer
    name = models.CharField(max_length=255)  # the message or signal name; a timer's start event id
    timer = models.CharField(max_length=255, blank=True)  # a timer's ISO 8601 value, "" if not a literal
    next_at = models.DateTimeField(null=True, blank=True)  # a timer's next start, while its version is active
    started = models.PositiveIntegerField(default=0)  # instances this timer started

    class Meta:
        indexes = [models.Index(fields=["kind", "name"]),
                   models.Index(fields=["next_at"], name="start_trigger_due",
                                condition=models.Q(next_at__isnull=False))]

    def __str__(self) -> str:
        return f"{self.definition} {self.kind} {self.name}"
