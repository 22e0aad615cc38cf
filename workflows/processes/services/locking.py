"""One lock per process instance: every engine step runs under its row lock."""
from __future__ import annotations

from django.db import connection
from django.db.models import Subquery
from django.utils.translation import gettext as _

from workflows import logcontext
from workflows.compiled import CompiledQuery

from ..errors import Conflict, NotFound
from ..models import HumanTask, InstanceStatus, ProcessInstance


def instance_lock(instance_id: int, *, skip_locked: bool = False) -> ProcessInstance | None:
    """Lock and return the instance row (call inside ``transaction.atomic``).

    With ``skip_locked`` a row another transaction holds returns None instead of waiting.
    """
    instance = _locking(skip_locked).filter(pk=instance_id).first()
    logcontext.instance_id.set(str(instance_id))  # log lines of this step name the instance
    if instance is None and not skip_locked:
        raise NotFound(_("process instance %(id)s does not exist") % {"id": instance_id})
    return instance


_LOCK_FOR_TASK = CompiledQuery(
    lambda task_id: _locking(False).filter(pk=Subquery(HumanTask.objects.filter(pk=task_id).values("instance_id"))),
    slots=(int,))


def instance_lock_for_task(task_id: int) -> ProcessInstance:
    """Lock and return the instance a human task belongs to, in one query (404 if no such task)."""
    found = _LOCK_FOR_TASK(int(task_id))
    instance = found[0] if found else None
    if instance is None:
        raise NotFound(_("task %(id)s does not exist") % {"id": task_id})
    logcontext.instance_id.set(str(instance.pk))
    return instance


def _locking(skip_locked: bool):
    # The unit's parent comes along: finding a new task's candidate unit walks up from it.
    rows = ProcessInstance.objects.select_related("definition", "unit__parent")
    if connection.features.has_select_for_update_skip_locked and skip_locked:
        return rows.select_for_update(skip_locked=True, of=("self",))
    return rows.select_for_update(of=("self",)) if connection.features.has_select_for_update_of \
        else rows.select_for_update()


def require_active(instance: ProcessInstance) -> None:
    """Refuse engine work on suspended or finished instances."""
    if instance.status == InstanceStatus.SUSPENDED:
        raise Conflict(_("the process instance is suspended; resume it first"))
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
        raise Conflict(_("the process instance is %(status)s") % {"status": instance.get_status_display().lower()})
