"""Start instances by what their start events wait for: a message sent, a signal sent, a timer falling due.

A message goes to the instance that waits for it; when none does, it starts the active version of
the process whose start event waits for it (as Camunda's message correlation does). A signal reaches
every waiting instance and starts one instance of every active process whose start waits for it.
A timer start event starts an instance when it falls due, swept by beat with the timers; a
repeating one again at each repetition. Only the active version of a process starts instances.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.engine import StartTrigger as EngineTrigger
from workflows.engine import next_start_at

from ..errors import Conflict, Invalid, NotFound
from ..models import ProcessDefinition, StartTrigger
from .definitions import definition_for_start
from .events import event_deliver
from .instances import instance_start

log = logging.getLogger(__name__)


@dataclass
class Sent:
    """What a message or signal did: the instances that caught it and those it started."""

    delivered: list[int] = field(default_factory=list)
    started: list[int] = field(default_factory=list)


def _active(kind: str, name: str) -> list[ProcessDefinition]:
    """The active versions whose start event waits for this message or signal, by key."""
    rows = StartTrigger.objects.filter(kind=kind, name=name).select_related("definition")
    keys = sorted({row.definition.key for row in rows})
    wanted = {(row.definition.key, row.definition.pk) for row in rows}
    found = [definition_for_start(key=key) for key in keys]
    return [d for d in found if (d.key, d.pk) in wanted]


def message_send(*, name: str, payload: dict | None = None, data: dict | None = None, business_key: str = "",
                 instance_id: int | None = None, actor: AbstractBaseUser | None = None) -> Sent:
    """Deliver a message to the instance waiting for it, else start the process its start waits for
    (with ``data`` as start data and ``business_key``). NotFound if neither exists; Conflict if
    several instances wait or several processes start by it."""
    try:
        return Sent(delivered=event_deliver(kind="message", name=name, payload=payload, instance_id=instance_id,
                                            business_key=business_key, actor=actor))
    except NotFound:
        if instance_id is not None:
            raise
    definitions = _active("message", name)
    if not definitions:
        raise NotFound(_("no instance waits for message %(name)s and no process starts by it") % {"name": repr(name)})
    if len(definitions) > 1:
        raise Conflict(_("%(count)s processes start by message %(name)s: %(keys)s")
                       % {"count": len(definitions), "name": repr(name), "keys": ", ".join(d.key for d in definitions)})
    instance = instance_start(definition=definitions[0], actor=actor, data=data, business_key=business_key,
                              trigger=EngineTrigger("message", name), payload=payload)
    return Sent(started=[instance.pk])


def signal_send(*, name: str, payload: dict | None = None, actor: AbstractBaseUser | None = None) -> Sent:
    """Deliver a signal to every instance waiting for it and start every process its start waits for.
    NotFound if it reached nobody."""
    sent = Sent()
    try:
        sent.delivered = event_deliver(kind="signal", name=name, payload=payload, actor=actor)
    except NotFound:
        pass
    for definition in _active("signal", name):
        instance = instance_start(definition=definition, actor=actor, data=payload,
                                  trigger=EngineTrigger("signal", name), payload=payload)
        sent.started.append(instance.pk)
    if not sent.delivered and not sent.started:
        raise NotFound(_("no instance waits for signal %(name)s and no process starts by it") % {"name": repr(name)})
    return sent


def timer_starts_fire() -> int:
    """Start an instance for every timer start event that fell due; how many were started."""
    due = StartTrigger.objects.filter(next_at__lte=timezone.now()).order_by("next_at").values_list("pk", flat=True)
    return sum(_fire(pk) for pk in list(due))


@transaction.atomic
def _fire(pk: int) -> bool:
    row = (StartTrigger.objects.select_for_update(skip_locked=True).select_related("definition")
           .filter(pk=pk, next_at__lte=timezone.now()).first())
    if row is None:  # another worker took it, or it moved
        return False
    try:
        with transaction.atomic():
            instance_start(definition=row.definition, trigger=EngineTrigger("timer", row.name, row.timer))
    except (Invalid, Conflict) as exc:
        log.warning("timer start %s of %s did not start: %s", row.name, row.definition, exc)
    row.started += 1
    row.next_at = _next(row, timezone.now())
    row.save(update_fields=["next_at", "started"])
    return True


def _next(row: StartTrigger, now: dt.datetime) -> dt.datetime | None:
    """The next repetition after now: repetitions missed while nothing swept are skipped, not run late."""
    following = row.next_at
    while following is not None and following <= now:
        following = next_start_at(row.timer, following, row.started)
    return following
