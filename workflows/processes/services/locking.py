"""One lock per process instance: every engine step runs under its row lock."""
from __future__ import annotations

from django.db import connection

from workflows import logcontext

from ..errors import Conflict, NotFound
from ..models import InstanceStatus, ProcessInstance


def instance_lock(instance_id: int, *, skip_locked: bool = False) -> ProcessInstance | None:
    """Lock and return the instance row (call inside ``transaction.atomic``).

    With ``skip_locked`` a row another transaction holds returns None instead of waiting.
    """
    rows = ProcessInstance.objects.select_related("definition", "unit")
    if connection.features.has_select_for_update_skip_locked and skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    else:
        rows = rows.select_for_update(of=("self",)) if connection.features.has_select_for_update_of \
            else rows.select_for_update()
    instance = rows.filter(pk=instance_id).first()
    logcontext.instance_id.set(str(instance_id))  # log lines of this step name the instance
    if instance is None and not skip_locked:
        raise NotFound(f"process instance {instance_id} does not exist")
    return instance


def require_active(instance: ProcessInstance) -> None:
    """Refuse engine work on suspended or finished instances."""
    if instance.status == InstanceStatus.SUSPENDED:
        raise Conflict("the process instance is suspended; resume it first")
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
        raise Conflict(f"the process instance is {instance.status}")
