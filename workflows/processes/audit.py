"""Write audit events (append-only)."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from .models import AuditAction, AuditEvent, ProcessInstance


def audit_record(*, action: AuditAction, actor: AbstractBaseUser | None = None,
                 instance: ProcessInstance | None = None, definition_id: int | None = None,
                 task_guid: str = "", detail: dict | None = None) -> AuditEvent:
    """Append one event; call inside the transaction of the change it records."""
    return AuditEvent.objects.create(
        action=action, actor=actor if actor is not None and actor.is_authenticated else None,
        instance_id=instance.pk if instance else None,
        definition_id=definition_id if definition_id is not None else (instance.definition_id if instance else None),
        task_guid=str(task_guid or ""), detail=detail or {},
    )
