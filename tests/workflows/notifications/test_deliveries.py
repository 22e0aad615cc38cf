"""A notice is mailed by the workers, not the request: with an absolute link, retried with backoff
when the mail server fails, recorded, and never sent twice."""
from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend

from workflows.notifications.models import Delivery, DeliveryStatus
from workflows.notifications.services import notify
from workflows.notifications.tasks import send_delivery

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def liaison(django_user_model):
    return django_user_model.objects.create_user("li", email="li@school.example", password="pw")


def _notify(user, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], kind="task", title="新任务：填写季度报表", link="/tasks/12/")


def test_a_notice_is_mailed_once_with_a_link_a_mail_client_can_open(liaison, settings,
                                                                    django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DUBAN_SITE_URL = "https://duban.yunxi.example/"
    _notify(liaison, django_capture_on_commit_callbacks)
    [sent] = mail.outbox
    assert sent.to == ["li@school.example"] and sent.subject == "新任务：填写季度报表"
    assert "https://duban.yunxi.example/tasks/12/" in sent.body
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.channel) == (DeliveryStatus.SENT, 1, "email")
    send_delivery.delay(delivery.pk)  # a second job for the same delivery (a redelivered message)
    assert len(mail.outbox) == 1


def test_a_mail_server_that_is_down_is_retried_then_the_delivery_is_recorded_as_failed(
        liaison, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    settings.DUBAN_DELIVERY_ATTEMPTS = 3
    settings.DUBAN_DELIVERY_BACKOFF_SECONDS = 0
    _notify(liaison, django_capture_on_commit_callbacks)  # the notice itself is written whatever the mail does
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert "SMTPServerDisconnected" in delivery.last_error
    assert liaison.notifications.count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_delivery.delay(delivery.pk)  # failed for good: not tried again by a stray job
    assert mail.outbox == [] and Delivery.objects.get().attempts == 3


def test_nobody_without_an_address_is_mailed(django_user_model, django_capture_on_commit_callbacks):
    user = django_user_model.objects.create_user("no-mail", password="pw")
    _notify(user, django_capture_on_commit_callbacks)
    assert user.notifications.count() == 1 and not Delivery.objects.exists()


def test_the_backoff_doubles_after_each_failure(settings):
    from workflows.notifications.delivery import retry_delay
    settings.DUBAN_DELIVERY_BACKOFF_SECONDS = 30
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
