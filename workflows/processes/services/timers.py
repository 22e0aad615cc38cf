"""Fire due timers: the beat sweep takes only due rows, each under its instance lock."""
from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..audit import audit_record
from ..models import AuditAction, InstanceStatus, ProcessInstance
from ..projection import snapshot_apply
from ..runtime import process_for
from .locking import instance_lock

log = logging.getLogger(__name__)
_FIREABLE = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)


def due_instance_ids(*, limit: int | None = None) -> list[int]:
    """Instances whose earliest timer is due (an indexed range query; nothing is deserialized)."""
    return list(
        ProcessInstance.objects.filter(next_timer_at__lte=timezone.now(), status__in=_FIREABLE)
        .order_by("next_timer_at").values_list("pk", flat=True)[: limit or settings.DUBAN_SWEEP_BATCH]
    )


def instance_fire_timers(*, instance_id: int) -> bool:
    """Fire the instance's due timers; False if another worker holds it or nothing is due any more."""
    with transaction.atomic():
        instance = instance_lock(instance_id, skip_locked=True)
        now = timezone.now()
        if (instance is None or instance.status not in _FIREABLE
                or instance.next_timer_at is None or instance.next_timer_at > now):
            return False
        due_at = instance.next_timer_at
        snapshot = process_for(instance.definition).fire_timers(instance.state)
        audit_record(action=AuditAction.TIMER_FIRED, instance=instance,
                     detail={"due_at": due_at.isoformat(), "fired_at": now.isoformat()})
        snapshot_apply(instance=instance, snapshot=snapshot, actor=None)
        return True


def timer_sweep(*, limit: int | None = None) -> int:
    """Fire every due instance once; safe to run on many workers at the same time."""
    fired = 0
    for instance_id in due_instance_ids(limit=limit):
        try:
            fired += instance_fire_timers(instance_id=instance_id)
        except Exception:  # one broken instance must not stop the sweep for the others
            log.exception("timer sweep failed for instance %s", instance_id)
    return fired
