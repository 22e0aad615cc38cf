"""The office finds a notice the mail server refused, on a phone, and sends it again once the server
is back: the person gets it once, with a link that opens the page."""
from __future__ import annotations

import pytest
from django.core import mail

from tests.browser.conftest import PHONE
from workflows.notifications.models import Delivery, DeliveryStatus
from workflows.notifications.services import notify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TYPED = ("li@school.example", "SMTPServerDisconnected: Connection unexpectedly closed")


def test_office_sends_a_failed_notice_again(site, login, settings, django_user_model):
    settings.EMAIL_BACKEND = "tests.workflows.notifications.test_deliveries.RefusingBackend"
    settings.DUBAN_DELIVERY_ATTEMPTS = 2
    settings.DUBAN_DELIVERY_BACKOFF_SECONDS = 0
    settings.DUBAN_SITE_URL = site["url"]
    person = django_user_model.objects.get(username="lili")
    person.email = "li@school.example"
    person.save()
    notify(users=[person], kind="task", title="新任务：填写季度报表", link="/inbox/")
    assert Delivery.objects.get().status == DeliveryStatus.FAILED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    page = login("lili", viewport=PHONE)
    page.goto(f"{site['url']}/console/")
    page.click("text=未发出的通知 (1)")
    row = page.locator("table.failed-deliveries tbody tr")
    assert "新任务：填写季度报表" in row.inner_text() and "SMTPServerDisconnected" in row.inner_text()
    row.locator("button").click()
    page.wait_for_load_state()
    assert "正在重新发送这条通知" in page.inner_text("main") and "所有通知均已发出" in page.inner_text("main")
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    [sent] = mail.outbox
    assert f"{site['url']}/inbox/" in sent.body
