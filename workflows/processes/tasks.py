"""Celery tasks: thin, take ids, safe to run twice."""
from __future__ import annotations

import logging

from celery import shared_task

from .errors import ServiceError

log = logging.getLogger(__name__)


@shared_task(name="workflows.processes.tasks.sweep_timers", acks_late=True)
def sweep_timers() -> int:
    """Fire due timers (Celery beat runs this every DUBAN_TIMER_SWEEP_SECONDS): batch after batch
    until none is left, for at most one sweep interval; then start the instances timer start events
    fell due for."""
    from django.conf import settings

    from .heartbeat import note_sweep
    from .services.start_triggers import timer_starts_fire
    from .services.timers import timer_sweep_until_done

    fired = timer_sweep_until_done(seconds=settings.DUBAN_TIMER_SWEEP_SECONDS)
    fired += timer_starts_fire()
    note_sweep()
    return fired


@shared_task(name="workflows.processes.tasks.take_kept_messages", acks_late=True)
def take_kept_messages(instance_id: int) -> int:
    """An instance reached a catch event for a message kept for it: hand it over."""
    from .services.events import kept_messages_take

    return kept_messages_take(instance_id=instance_id)


@shared_task(name="workflows.processes.tasks.route_thrown_events", acks_late=True)
def route_thrown_events(source_instance_id: int, events: list[dict]) -> int:
    """Deliver messages/signals one instance threw to the instances waiting for them."""
    from .services.events import event_deliver

    delivered = 0
    for event in events:
        try:
            delivered += len(event_deliver(kind=event["kind"], name=event["name"], payload=event.get("payload"),
                                           correlations=event.get("correlations")))
        except ServiceError as exc:
            log.info("event %s %r from instance %s not delivered: %s", event["kind"], event["name"],
                     source_instance_id, exc.message)
    return delivered


@shared_task(name="workflows.processes.tasks.chase_escalations", acks_late=True)
def chase_escalations(escalation_ids: list[int], actor_id: int) -> int:
    """Chase a batch of escalations for the office (the board's "chase all" on many schools)."""
    from django.contrib.auth import get_user_model

    from .services.escalations import escalations_chase

    return escalations_chase(escalation_ids=escalation_ids, actor=get_user_model().objects.get(pk=actor_id)).chased
