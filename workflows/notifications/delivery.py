"""Send a notification on a channel outside the request: a Celery job per delivery, retried with
backoff, each attempt recorded; a delivery already sent is never sent again."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Channel, Delivery, DeliveryStatus, Notification


def absolute_link(link: str) -> str:
    """A page's path as an address a mail client can open (DUBAN_SITE_URL)."""
    return urljoin(settings.DUBAN_SITE_URL.rstrip("/") + "/", link.lstrip("/")) if link else settings.DUBAN_SITE_URL


def deliveries_queue(notifications: list[Notification]) -> None:
    """A delivery for each notification whose person has a mail address, sent by the workers once
    the notifications are committed."""
    rows = Delivery.objects.bulk_create([Delivery(notification=n, channel=Channel.EMAIL, address=n.user.email)
                                         for n in notifications if n.user.email])
    if rows:
        from .tasks import send_delivery

        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: [send_delivery.delay(pk) for pk in ids])


@dataclass(frozen=True)
class Attempt:
    """What one try did: ``sent``, or the error and whether another try follows."""

    sent: bool
    error: str = ""
    again: bool = False
    attempts: int = 0


def delivery_send(*, delivery_id: int) -> Attempt | None:
    """Try a pending delivery once; None when there is nothing to do (sent, failed for good, or held
    by another worker right now)."""
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(skip_locked=True).select_related("notification")
                    .filter(pk=delivery_id, status=DeliveryStatus.PENDING).first())
        if delivery is None:
            return None
        delivery.attempts += 1
        try:
            _send_mail(delivery)
        except Exception as exc:  # the mail server's errors are many kinds (SMTP, socket, TLS)
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            again = delivery.attempts < settings.DUBAN_DELIVERY_ATTEMPTS
            delivery.status = DeliveryStatus.PENDING if again else DeliveryStatus.FAILED
            delivery.save(update_fields=["attempts", "last_error", "status"])
            return Attempt(sent=False, error=delivery.last_error, again=again, attempts=delivery.attempts)
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, timezone.now()
        delivery.save(update_fields=["attempts", "status", "sent_at"])
        return Attempt(sent=True, attempts=delivery.attempts)


def _send_mail(delivery: Delivery) -> None:
    notice = delivery.notification
    body = f"{notice.title}\n\n{absolute_link(notice.link)}\n"
    EmailMessage(subject=notice.title, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                 to=[delivery.address]).send(fail_silently=False)


def retry_delay(attempts: int) -> float:
    """Seconds before the next try: DUBAN_DELIVERY_BACKOFF_SECONDS, doubled after each failure."""
    return settings.DUBAN_DELIVERY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)


def delivery_resend(*, delivery_id: int) -> Delivery:
    """Send a failed delivery again (the office, once the mail server is back): its attempts start over."""
    from workflows.processes.errors import Conflict, NotFound

    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            raise NotFound(_("no such delivery"))
        if delivery.status != DeliveryStatus.FAILED:
            raise Conflict(_("only a failed delivery can be sent again"))
        delivery.status, delivery.attempts = DeliveryStatus.PENDING, 0
        delivery.save(update_fields=["status", "attempts"])
        from .tasks import send_delivery

        transaction.on_commit(lambda: send_delivery.delay(delivery_id))
    return delivery


def deliveries_failed():
    """Deliveries that ran out of attempts, newest first, with their person and notice."""
    return (Delivery.objects.filter(status=DeliveryStatus.FAILED).select_related("notification__user")
            .order_by("-created_at", "-pk"))
