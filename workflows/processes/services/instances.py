"""Start, suspend, resume, terminate and retry process instances."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from workflows.compiled import insert_returning
from workflows.engine import DataError, EngineError, Snapshot, StartTrigger
from workflows.org.models import Unit

from ..audit import audit_record
from ..errors import Conflict, Invalid
from ..models import AuditAction, HumanTaskState, InstanceStatus, ProcessDefinition, ProcessInstance
from ..projection import is_plain_start, snapshot_apply, snapshots_apply_new
from ..runtime import process_for
from .locking import instance_lock, require_active


@transaction.atomic
def instance_start(*, definition: ProcessDefinition, actor: AbstractBaseUser | None = None,
                   data: dict | None = None, business_key: str = "", unit: Unit | None = None,
                   refs: dict | None = None, parent: ProcessInstance | None = None,
                   trigger: StartTrigger | None = None, payload: dict | None = None) -> ProcessInstance:
    """Start an instance of a definition version with start data and business references; with a
    ``trigger``, at the start event waiting for that message, signal or timer (``payload`` its event's)."""
    try:
        snapshot = process_for(definition).start(data or {}, trigger=trigger, payload=payload)
    except DataError as exc:
        raise Invalid(str(exc), {"data": [str(exc)]}) from None
    except EngineError as exc:  # no start event waits for the trigger
        raise Conflict(str(exc)) from None
    start = InstanceStart(data=data or {}, business_key=business_key, unit=unit, refs=refs or {}, parent=parent)
    if is_plain_start(snapshot):  # the common case: open the first tasks, write their rows in bulk
        instance = _plain_instance(definition, start, snapshot, actor)
        instance.save(force_insert=True)
        snapshots_apply_new([(instance, snapshot)], actor)
        return instance
    instance = ProcessInstance.objects.create(
        definition=definition, parent=parent, business_key=business_key[:200], unit=unit, refs=refs or {},
        status=InstanceStatus.RUNNING, state=b"", started_by=actor if actor and actor.is_authenticated else None,
    )
    audit_record(action=AuditAction.STARTED, actor=actor, instance=instance,
                 detail={"key": definition.key, "version": definition.version, "business_key": business_key})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance


@dataclass
class InstanceStart:
    """What ``instance_start`` takes for one instance, for starting many at once."""

    data: dict = field(default_factory=dict)
    business_key: str = ""
    unit: Unit | None = None
    refs: dict = field(default_factory=dict)
    parent: ProcessInstance | None = None


@transaction.atomic
def instances_start_many(*, definition: ProcessDefinition, starts: list[InstanceStart],
                         actor: AbstractBaseUser | None = None) -> list[ProcessInstance]:
    """Start many instances of one definition in one transaction (a fan-out), in the given order.

    The engine runs each start in memory; instances whose first step only opens tasks and waits
    are written in bulk (a few queries for the whole batch), any other goes through
    ``instance_start``. Either way the rows are the same as starting them one by one.
    """
    process = process_for(definition)
    started: list[ProcessInstance | None] = [None] * len(starts)
    plain: list[tuple[int, ProcessInstance, Snapshot]] = []
    for i, start in enumerate(starts):
        try:
            snapshot = process.start(start.data)
        except DataError as exc:
            raise Invalid(str(exc), {"data": [str(exc)]}) from None
        if not is_plain_start(snapshot):
            started[i] = instance_start(definition=definition, actor=actor, data=start.data, unit=start.unit,
                                        business_key=start.business_key, refs=start.refs, parent=start.parent)
            continue
        plain.append((i, _plain_instance(definition, start, snapshot, actor), snapshot))
    insert_returning([instance for _, instance, _ in plain])
    snapshots_apply_new([(instance, snapshot) for _, instance, snapshot in plain], actor)
    for i, instance, _snapshot in plain:
        started[i] = instance
    return started


def _plain_instance(definition: ProcessDefinition, start: InstanceStart, snapshot: Snapshot,
                    actor: AbstractBaseUser | None) -> ProcessInstance:
    """The row of an instance whose first step was plain, already holding that step's state."""
    return ProcessInstance(
        definition=definition, parent=start.parent, business_key=start.business_key[:200], unit=start.unit,
        refs=start.refs, status=snapshot.status, state=snapshot.state, next_timer_at=snapshot.next_timer_at,
        revision=1, started_by=actor if actor and actor.is_authenticated else None)


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
        raise Conflict(_("only a suspended instance can be resumed"))
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
        raise Conflict(_("the process instance is already %(status)s")
                       % {"status": instance.get_status_display().lower()})
    snapshot = process_for(instance.definition).cancel(instance.state)
    snapshot.status = InstanceStatus.TERMINATED
    snapshot.ready_tasks = []
    snapshot.waiting = []
    snapshot.incidents = []
    audit_record(action=AuditAction.TERMINATED, actor=actor, instance=instance, detail={"reason": reason[:500]})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance


@transaction.atomic
def instance_retry(*, instance_id: int, actor: AbstractBaseUser | None, data: dict | None = None) -> ProcessInstance:
    """Run the failed task again after a fix (optionally patching its data)."""
    instance = instance_lock(instance_id)
    if instance.status != InstanceStatus.ERROR:
        raise Conflict(_("the process instance has no incident to retry"))
    try:
        snapshot = process_for(instance.definition).retry(instance.state, data or {})
    except DataError as exc:
        raise Invalid(str(exc), {"data": [str(exc)]}) from None
    audit_record(action=AuditAction.RETRIED, actor=actor, instance=instance,
                 detail={"patched": sorted((data or {}).keys())})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance

