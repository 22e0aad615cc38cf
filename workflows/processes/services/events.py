"""Deliver messages and signals to the instances that wait for them; keep a message for one that will."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.engine import DataError, EngineError

from ..audit import audit_record
from ..errors import Conflict, Invalid, NotFound
from ..models import AuditAction, EventSubscription, InstanceStatus, KeptMessage, ProcessInstance
from ..projection import snapshot_apply
from ..runtime import process_for
from .locking import instance_lock, require_active


def event_deliver(*, kind: str, name: str, payload: dict | None = None, correlations: dict | None = None,
                  instance_id: int | None = None, business_key: str = "",
                  actor: AbstractBaseUser | None = None, keep_for: dt.timedelta | None = None) -> list[int]:
    """Deliver to the instance given, or to every instance (filtered by business key) that waits.

    A message goes to one instance (NotFound if none waits, Conflict if several match);
    a signal goes to all. Returns the ids of the instances that caught it. With ``keep_for``, a
    message for the instance given that does not wait for it yet is kept that long instead
    (``kept_messages_take`` hands it over when the instance reaches its catch event): returns [].
    """
    if kind not in ("message", "signal"):
        raise Invalid(_("unknown event kind %(kind)s") % {"kind": repr(kind)}, {"kind": [_("message or signal")]})
    subscribers = EventSubscription.objects.filter(kind=kind, name=name)
    if instance_id is not None:
        subscribers = subscribers.filter(instance_id=instance_id)
    if business_key:
        subscribers = subscribers.filter(instance__business_key=business_key)
    targets = sorted(set(subscribers.values_list("instance_id", flat=True)))
    if not targets and kind == "message" and keep_for is not None and instance_id is not None:
        _keep(instance_id, name, payload, correlations, keep_for, actor)
        return []
    if not targets:
        raise NotFound((_("no instance is waiting for message %(name)s") if kind == "message"
                        else _("no instance is waiting for signal %(name)s")) % {"name": repr(name)})
    if kind == "message" and len(targets) > 1:
        raise Conflict(_("%(count)s instances wait for message %(name)s; give an instance or business key")
                       % {"count": len(targets), "name": repr(name)})
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


@transaction.atomic
def _keep(instance_id: int, name: str, payload, correlations, keep_for: dt.timedelta, actor) -> None:
    instance = instance_lock(instance_id)
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED):
        raise NotFound(_("instance %(id)s has ended; message %(name)s has nobody to wait for it")
                       % {"id": instance_id, "name": repr(name)})
    if instance.subscriptions.filter(kind="message", name=name).exists():  # it started waiting meanwhile
        _deliver_one(instance_id, "message", name, payload, correlations, actor)
        return
    expires = timezone.now() + keep_for
    KeptMessage.objects.create(instance=instance, name=name, payload=payload, correlations=correlations,
                               expires_at=expires)
    audit_record(action=AuditAction.MESSAGE, actor=actor, instance=instance,
                 detail={"kind": "message", "name": name, "kept_until": expires.isoformat()})


def kept_messages_take(*, instance_id: int) -> int:
    """Hand an instance the messages kept for it that it now waits for, oldest first; how many it took."""
    taken = 0
    while _take_one(instance_id):
        taken += 1
    return taken


@transaction.atomic
def _take_one(instance_id: int) -> bool:
    instance = instance_lock(instance_id)
    waiting = instance.subscriptions.filter(kind="message").values_list("name", flat=True)
    message = (KeptMessage.objects.filter(instance=instance, name__in=waiting, expires_at__gt=timezone.now())
               .order_by("kept_at", "pk").first())  # an expired one stays for check_consistency to report
    if message is None:
        return False
    try:  # _deliver_one is a savepoint: a refusal undoes only its own work
        _deliver_one(instance_id, "message", message.name, message.payload, message.correlations, None)
    except (Conflict, Invalid):
        return False  # it cannot take it now (suspended, in error): it stays kept until it can or expires
    message.delete()
    return True
