"""Compare what each instance's stored engine state holds with its projection rows."""
from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Exists, OuterRef

from ..models import EventSubscription, HumanTaskState, InstanceStatus, KeptMessage, ProcessInstance
from ..runtime import process_for

_ACTIVE = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR, InstanceStatus.SUSPENDED)


def consistency_problems(*, batch: int = 500) -> Iterator[str]:
    """Each instance whose ready-task rows or next timer disagree with its engine state."""
    rows = ProcessInstance.objects.filter(status__in=_ACTIVE).select_related("definition").order_by("pk")
    for instance in rows.iterator(chunk_size=batch):
        ready, next_timer = process_for(instance.definition).inspect(bytes(instance.state))
        projected = {str(g) for g in instance.human_tasks.filter(state=HumanTaskState.READY)
                     .values_list("task_guid", flat=True)}
        if ready != projected:
            yield (f"instance {instance.pk}: engine has {len(ready)} ready task(s), rows have {len(projected)} "
                   f"(missing {sorted(ready - projected)[:3]}, extra {sorted(projected - ready)[:3]})")
        if next_timer != instance.next_timer_at:
            yield f"instance {instance.pk}: next timer is {next_timer}, the row says {instance.next_timer_at}"


def kept_message_problems() -> Iterator[str]:
    """Each instance waiting for a message that was kept for it: not handed over, or expired unread."""
    waiting = EventSubscription.objects.filter(instance_id=OuterRef("instance_id"), kind="message",
                                               name=OuterRef("name"))
    for kept in KeptMessage.objects.filter(Exists(waiting)).order_by("instance_id", "kept_at"):
        yield (f"instance {kept.instance_id} waits for message {kept.name!r}, which was sent on "
               f"{kept.kept_at:%Y-%m-%d %H:%M} and kept for it until {kept.expires_at:%Y-%m-%d %H:%M}")
