"""Celery tasks (thin): send one delivery; a failed try queues the next one after a backoff, until it
is sent or out of attempts."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="workflows.notifications.tasks.send_delivery", acks_late=True)
def send_delivery(delivery_id: int) -> str:
    from .delivery import delivery_send, retry_delay

    attempt = delivery_send(delivery_id=delivery_id)
    if attempt is None:
        return "nothing to do"
    if attempt.again:
        send_delivery.apply_async((delivery_id,), countdown=retry_delay(attempt.attempts))
        return "tried again later"
    return "sent" if attempt.sent else "failed"
