"""Fire due timers: the beat sweep takes only due rows, each fired under its instance's row lock.

A sweep selects due ids, then takes them a chunk at a time: one transaction locks the chunk's rows
that are still due and that no other worker holds (``SKIP LOCKED`` on PostgreSQL) and fires them
all. Should one of them fail, the chunk rolls back and its instances are fired again one transaction
each, so only the broken one stays due (and is logged).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Collection

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from workflows import logcontext

from ..audit import audit_batch, audit_record
from ..models import AuditAction, InstanceStatus, ProcessInstance
from ..projection import Step, snapshots_apply
from ..runtime import process_for
from .locking import instance_lock

log = logging.getLogger(__name__)
_FIREABLE = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)
# Instances fired in one transaction: one lock query and one commit serve them all, while a
# chunk's rows stay locked for only a fraction of a second.
CHUNK = 50


def due_instance_ids(*, limit: int | None = None, exclude: Collection[int] = (),
                     among: Collection[int] | None = None) -> list[int]:
    """Instances whose earliest timer is due (an indexed range query; nothing is deserialized): none of
    ``exclude``, and only ``among`` these when given."""
    due = ProcessInstance.objects.filter(next_timer_at__lte=timezone.now(), status__in=_FIREABLE)
    if exclude:
        due = due.exclude(pk__in=exclude)
    if among is not None:
        due = due.filter(pk__in=among)
    return list(due.order_by("next_timer_at").values_list("pk", flat=True)[: limit or settings.DUBAN_SWEEP_BATCH])


def instance_fire_timers(*, instance_id: int) -> bool:
    """Fire the instance's due timers; False if another worker holds it or nothing is due any more."""
    with transaction.atomic():
        instance = instance_lock(instance_id, skip_locked=True)
        if instance is None:
            return False
        return _fire(instance)


def timer_sweep(*, limit: int | None = None) -> int:
    """Fire every due instance once (up to ``limit``); safe to run on many workers at the same time."""
    return _fire_all(due_instance_ids(limit=limit))


def timer_sweep_until_done(*, seconds: float) -> int:
    """Sweep batch after batch until nothing more is due (or all that is left fails or is held by
    other workers) or ``seconds`` have passed.

    One sweep fires at most ``DUBAN_SWEEP_BATCH`` instances; the beat task drains the backlog with
    this, so a thousand timers due at once do not wait for several sweep intervals. An instance is
    taken once per sweep: a timer still due after firing (a cycle behind by several repetitions)
    waits for the next sweep, so no instance keeps a sweep to itself.
    """
    deadline = time.monotonic() + seconds
    fired = 0
    behind: set[int] = set()  # taken in this sweep and due again: left to the next sweep
    while True:
        ids = due_instance_ids(limit=settings.DUBAN_SWEEP_BATCH, exclude=behind)
        count = _fire_all(ids)
        fired += count
        if len(ids) < settings.DUBAN_SWEEP_BATCH or not count or time.monotonic() >= deadline:
            return fired
        behind.update(due_instance_ids(limit=len(ids), among=ids))


def _fire_all(ids: list[int]) -> int:
    return sum(_fire_chunk(ids[start:start + CHUNK]) for start in range(0, len(ids), CHUNK))


def _fire_chunk(ids: list[int]) -> int:
    """Lock the chunk's still-due rows no one else holds and fire them in one transaction; the number fired."""
    try:
        with transaction.atomic():
            instances = _lock_due(ids)
            with audit_batch(*instances):  # the chunk's audit events: one head read, one insert
                steps = [step for step in map(_step, instances) if step is not None]
                snapshots_apply(steps)  # the chunk's rows, each kind written for all steps at once
                return len(steps)
    except Exception as exc:  # one instance failed and the chunk rolled back: fire them one by one
        log.info("timer sweep: a chunk of %s instances rolled back (%s); firing them one by one", len(ids), exc)
        return sum(_fire_alone(instance_id) for instance_id in ids)


def _lock_due(ids: list[int]) -> list[ProcessInstance]:
    rows = (ProcessInstance.objects.select_related("definition", "unit__parent")
            .filter(pk__in=ids, next_timer_at__lte=timezone.now(), status__in=_FIREABLE)
            .order_by("next_timer_at", "pk"))
    return list(_for_update(rows))


def _for_update(rows: QuerySet) -> QuerySet:
    """Row locks that skip rows another transaction holds, where the database can."""
    features = connection.features
    if features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True, of=("self",))
    return rows.select_for_update(of=("self",)) if features.has_select_for_update_of else rows.select_for_update()


def _fire_alone(instance_id: int) -> bool:
    try:
        return instance_fire_timers(instance_id=instance_id)
    except Exception:  # one broken instance must not stop the sweep for the others
        log.exception("timer sweep failed for instance %s", instance_id)
        return False


def _fire(instance: ProcessInstance) -> bool:
    """Fire the locked instance's due timers and apply the step; False if nothing is due any more."""
    with audit_batch(instance):
        step = _step(instance)
        if step is None:
            return False
        snapshots_apply([step])
    return True


def _step(instance: ProcessInstance) -> Step | None:
    """Fire the locked instance's due timers in the engine (and record it); None if nothing is due any more."""
    logcontext.instance_id.set(str(instance.pk))  # log lines of this step name the instance
    now = timezone.now()
    if instance.status not in _FIREABLE or instance.next_timer_at is None or instance.next_timer_at > now:
        return None
    due_at = instance.next_timer_at
    snapshot = process_for(instance.definition).fire_timers(instance.state)
    audit_record(action=AuditAction.TIMER_FIRED, instance=instance,
                 detail={"due_at": due_at.isoformat(), "fired_at": now.isoformat()})
    return Step(instance, snapshot)
