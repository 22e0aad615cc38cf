"""Write audit events (append-only), each chained to the previous one by a hash.

Events of one instance form one chain (the instance's row lock orders them); events that belong
to no instance form another, ordered by a lock on its head row. Rewriting any event breaks the
chain at that point, which ``audit_verify`` reports.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Max, QuerySet

from workflows.compiled import CompiledQuery, insert_rows

from .models import AuditAction, AuditChainHead, AuditEvent, ProcessInstance


def event_hash(event: AuditEvent, prev_hash: str) -> str:
    payload = json.dumps([prev_hash, event.at.isoformat(), event.actor_id, event.action, event.instance_id,
                          event.definition_id, event.task_guid, event.detail], sort_keys=True, default=str,
                          ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _chain(instance_id: int | None) -> QuerySet[AuditEvent]:
    if instance_id is None:
        return AuditEvent.objects.filter(instance_id__isnull=True)
    return AuditEvent.objects.filter(instance_id=instance_id)


# The events of the instances whose steps ``audit_batch`` collects: {instance id: events}.
_batch: ContextVar[dict[int, list[AuditEvent]] | None] = ContextVar("duban_audit_batch", default=None)


@contextmanager
def audit_batch(*instances: ProcessInstance) -> Iterator[None]:
    """Write the instances' events of one step (or one chunk of steps) together when it succeeds.

    Use inside the transaction that holds the instances' row locks: each chain's head is read once
    and all events inserted at once, instead of a read and an insert per event. Events of other
    instances (a parent told about its child) are written at once, as they happen, so a nested
    step that rolls back to its savepoint takes its events with it. Nested batches join the
    outer one for the instances it already collects.
    """
    if _batch.get() is not None:
        yield
        return
    pending: dict[int, list[AuditEvent]] = {instance.pk: [] for instance in instances}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    written = {pk: events for pk, events in pending.items() if events}
    if not written:
        return
    _append_chained([event for events in written.values() for event in events], _chain_heads(list(written)))


def _append_chained(events: list[AuditEvent], heads: dict[int | None, str]) -> None:
    """Link each event to the one before it in its chain (starting at ``heads``) and insert them all."""
    last = dict(heads)
    for event in events:
        event.prev_hash = last.get(event.instance_id, "")
        event.hash = last[event.instance_id] = event_hash(event, event.prev_hash)
    insert_rows(events)  # nobody reads these events' ids back


# Read on every step: compiled once.
_INSTANCE_HEAD = CompiledQuery(
    lambda instance_id: _chain(instance_id).order_by("-id").values_list("hash", flat=True)[:1], slots=(int,))


def _head(instance_id: int | None) -> str:
    """The hash of the chain's last event ("" for an empty chain)."""
    if instance_id is not None:
        return next(iter(_INSTANCE_HEAD(instance_id)), "")
    return _chain(instance_id).order_by("-id").values_list("hash", flat=True).first() or ""


def _chain_heads(instance_ids: list[int]) -> dict[int, str]:
    """The hash of each instance's last event."""
    if len(instance_ids) == 1:
        return {instance_ids[0]: _head(instance_ids[0])}
    lasts = (AuditEvent.objects.filter(instance_id__in=instance_ids).values("instance_id")
             .annotate(last=Max("id")).values("last"))
    return dict(AuditEvent.objects.filter(id__in=lasts).values_list("instance_id", "hash"))


def audit_record(*, action: AuditAction, actor: AbstractBaseUser | None = None,
                 instance: ProcessInstance | None = None, definition_id: int | None = None,
                 task_guid: str = "", detail: dict | None = None) -> AuditEvent:
    """Append one event; call inside the transaction of the change it records (and its locks)."""
    event = AuditEvent(
        action=action, actor=actor if actor is not None and actor.is_authenticated else None,
        instance_id=instance.pk if instance else None,
        definition_id=definition_id if definition_id is not None else (instance.definition_id if instance else None),
        task_guid=str(task_guid or ""), detail=json.loads(json.dumps(detail or {}, default=str)),
    )
    batch = _batch.get()
    if batch is not None and instance is not None and instance.pk in batch:
        batch[instance.pk].append(event)  # hashed and written when the step ends
        return event
    if instance is None:
        AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    previous = _head(event.instance_id)
    event.prev_hash = previous
    event.hash = event_hash(event, previous)
    event.save()
    return event


def audit_record_new_chains(events: list[AuditEvent]) -> None:
    """Append the first events of instances created in this transaction (no earlier events), in order.

    Each instance's chain starts from nothing, so the hashes are computed here and the rows written
    in one insert: the same rows ``audit_record`` would write one by one.
    """
    for event in events:
        if event.instance_id is None:
            raise ValueError("audit_record_new_chains is for events of new instances")
        event.detail = json.loads(json.dumps(event.detail or {}, default=str))
    _append_chained(events, {})


def audit_verify() -> list[str]:
    """Every place where the stored chain does not match its events (empty when intact)."""
    problems: list[str] = []
    last: dict = {}
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        expected_prev = last.get(event.instance_id, "")
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.pk}: links to {event.prev_hash[:12] or '(nothing)'}, "
                            f"the chain's previous event is {expected_prev[:12] or '(nothing)'}")
        if event.hash != event_hash(event, event.prev_hash):
            problems.append(f"event {event.pk} ({event.action} at {event.at:%Y-%m-%d %H:%M:%S}) was changed "
                            "after it was written")
        last[event.instance_id] = event.hash
    return problems
