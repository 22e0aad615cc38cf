"""Start, suspend, resume, terminate and retry process instances."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from workflows.engine import DataError
from workflows.org.models import Unit

from ..audit import audit_record
from ..errors import Conflict, Invalid
from ..models import AuditAction, HumanTaskState, InstanceStatus, ProcessDefinition, ProcessInstance
from ..projection import snapshot_apply
from ..runtime import process_for
from .locking import instance_lock, require_active


@transaction.atomic
def instance_start(*, definition: ProcessDefinition, actor: AbstractBaseUser | None = None,
                   data: dict | None = None, business_key: str = "", unit: Unit | None = None,
                   refs: dict | None = None, parent: ProcessInstance | None = None) -> ProcessInstance:
    """Start an instance of a definition version with start data and business references."""
    try:
        snapshot = process_for(definition).start(data or {})
    except DataError as exc:
        raise Invalid(str(exc), {"data": [str(exc)]}) from None
    instance = ProcessInstance.objects.create(
        definition=definition, parent=parent, business_key=business_key[:200], unit=unit, refs=refs or {},
        status=InstanceStatus.RUNNING, state=b"", started_by=actor if actor and actor.is_authenticated else None,
    )
    audit_record(action=AuditAction.STARTED, actor=actor, instance=instance,
                 detail={"key": definition.key, "version": definition.version, "business_key": business_key})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance


@transaction.atomic
def instance_suspend(*, instance_id: int, actor: AbstractBaseUser | None) -> ProcessInstance:
    """Freeze an instance: no task completion, no timers, until resumed."""
    instance = instance_lock(instance_id)
    require_active(instance)
    instance.status = InstanceStatus.SUSPENDED
    instance.save(update_fields=["status", "updated_at"])
    audit_record(action=AuditAction.SUSPENDED, actor=actor, instance=instance)
    return instance


@transaction.atomic
def instance_resume(*, instance_id: int, actor: AbstractBaseUser | None) -> ProcessInstance:
    """Unfreeze; timers that fell due meanwhile fire on the next sweep."""
    instance = instance_lock(instance_id)
    if instance.status != InstanceStatus.SUSPENDED:
        raise Conflict("only a suspended instance can be resumed")
    instance.status = _status_from_rows(instance)
    instance.save(update_fields=["status", "updated_at"])
    audit_record(action=AuditAction.RESUMED, actor=actor, instance=instance)
    return instance


def _status_from_rows(instance: ProcessInstance) -> str:
    if instance.incidents.filter(resolved_at__isnull=True).exists():
        return InstanceStatus.ERROR
    if instance.human_tasks.filter(state=HumanTaskState.READY).exists():
        return InstanceStatus.RUNNING
    return InstanceStatus.WAITING


@transaction.atomic
def instance_terminate(*, instance_id: int, actor: AbstractBaseUser | None, reason: str = "") -> ProcessInstance:
    """End an instance now: its open tasks are cancelled and its escalations closed."""
    instance = instance_lock(instance_id)
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
        raise Conflict(f"the process instance is already {instance.status}")
    snapshot = process_for(instance.definition).cancel(instance.state)
    snapshot.status = InstanceStatus.TERMINATED
    snapshot.ready_tasks = []
    snapshot.waiting = []
    snapshot.incident = None
    audit_record(action=AuditAction.TERMINATED, actor=actor, instance=instance, detail={"reason": reason[:500]})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance


@transaction.atomic
def instance_retry(*, instance_id: int, actor: AbstractBaseUser | None, data: dict | None = None) -> ProcessInstance:
    """Run the failed task again after a fix (optionally patching its data)."""
    instance = instance_lock(instance_id)
    if instance.status != InstanceStatus.ERROR:
        raise Conflict("the process instance has no incident to retry")
    try:
        snapshot = process_for(instance.definition).retry(instance.state, data or {})
    except DataError as exc:
        raise Invalid(str(exc), {"data": [str(exc)]}) from None
    audit_record(action=AuditAction.RETRIED, actor=actor, instance=instance,
                 detail={"patched": sorted((data or {}).keys())})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance

