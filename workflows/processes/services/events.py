"""Deliver messages and signals to the instances that wait for them."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from workflows.engine import DataError, EngineError

from ..audit import audit_record
from ..errors import Conflict, Invalid, NotFound
from ..models import AuditAction, EventSubscription, ProcessInstance
from ..projection import snapshot_apply
from ..runtime import process_for
from .locking import instance_lock, require_active


def event_deliver(*, kind: str, name: str, payload: dict | None = None, correlations: dict | None = None,
                  instance_id: int | None = None, business_key: str = "",
                  actor: AbstractBaseUser | None = None) -> list[int]:
    """Deliver to the instance given, or to every instance (filtered by business key) that waits.

    A message goes to one instance (NotFound if none waits, Conflict if several match);
    a signal goes to all. Returns the ids of the instances that caught it.
    """
    if kind not in ("message", "signal"):
        raise Invalid(f"unknown event kind {kind!r}", {"kind": ["message or signal"]})
    subscribers = EventSubscription.objects.filter(kind=kind, name=name)
    if instance_id is not None:
        subscribers = subscribers.filter(instance_id=instance_id)
    if business_key:
        subscribers = subscribers.filter(instance__business_key=business_key)
    targets = sorted(set(subscribers.values_list("instance_id", flat=True)))
    if not targets:
        raise NotFound(f"no instance is waiting for {kind} {name!r}")
    if kind == "message" and len(targets) > 1:
        raise Conflict(f"{len(targets)} instances wait for message {name!r}; give an instance or business key")
    if kind == "message":
        _deliver_one(targets[0], kind, name, payload, correlations, actor)
        return targets
    caught = []
    for target in targets:  # a signal reaches every waiting instance that can take it
        try:
            _deliver_one(target, kind, name, payload, correlations, actor)
            caught.append(target)
        except (Conflict, Invalid):
            continue
    return caught


@transaction.atomic
def _deliver_one(instance_id, kind, name, payload, correlations, actor) -> ProcessInstance:
    instance = instance_lock(instance_id)
    require_active(instance)
    try:
        snapshot = process_for(instance.definition).deliver(instance.state, kind, name, payload, correlations)
    except DataError as exc:
        raise Invalid(str(exc), {"payload": [str(exc)]}) from None
    except EngineError as exc:
        raise Conflict(str(exc)) from None
    audit_record(action=AuditAction.MESSAGE, actor=actor, instance=instance, detail={"kind": kind, "name": name})
    snapshot_apply(instance=instance, snapshot=snapshot, actor=actor)
    return instance
