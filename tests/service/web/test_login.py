"""Signing in: wrong passwords are bounded per username at an address; the right one lands on the start page."""
from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _attempt(client: Client, password: str, address: str = "127.0.0.1", **headers):
    return client.post("/login/", {"username": "liaison", "password": password}, REMOTE_ADDR=address, **headers)


def test_repeated_wrong_passwords_are_refused_for_a_while(client, django_user_model):
    import time_machine
    from django.utils import timezone

    django_user_model.objects.create_user("liaison", password="right-password")
    assert [_attempt(client, "wrong").status_code for _ in range(4)] == [200] * 4
    locked = _attempt(client, "wrong")
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    blocked = _attempt(client, "right-password")
    assert blocked.status_code == 429 and "_auth_user_id" not in client.session
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert _attempt(client, "right-password").status_code == 302


def test_the_locked_out_page_speaks_english_when_asked(client, django_user_model):
    django_user_model.objects.create_user("liaison", password="right-password")
    client.cookies["django_language"] = "en"
    for _ in range(5):
        answer = _attempt(client, "wrong")
    assert answer.status_code == 429 and "Too many failed sign-in attempts. Try again in 15 minutes." in \
        answer.content.decode()


def test_guesses_from_one_address_do_not_lock_the_person_out_at_another(client, django_user_model):
    django_user_model.objects.create_user("liaison", password="right-password")
    for _ in range(5):
        _attempt(client, "wrong", address="203.0.113.7")
    assert _attempt(client, "right-password", address="203.0.113.7").status_code == 429
    assert _attempt(Client(), "right-password", address="198.51.100.20").status_code == 302


def test_a_forged_forwarded_for_does_not_reset_the_count(client, django_user_model, settings):
    django_user_model.objects.create_user("liaison", password="right-password")
    for n in range(5):
        _attempt(client, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert _attempt(client, "right-password", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429
    settings.DUBAN_PROXY_COUNT = 1  # behind one proxy: the last hop is the proxy's word, the rest the client's
    for n in range(5):
        _attempt(client, "wrong", address="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 192.0.2.5")
    assert _attempt(client, "right-password", address="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="8.8.8.8, 192.0.2.5").status_code == 429
    assert _attempt(client, "right-password", address="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, django_user_model):
    django_user_model.objects.create_user("liaison", password="right-password")
    for _ in range(4):
        _attempt(client, "wrong")
    assert _attempt(client, "right-password").status_code == 302
    client.logout()
    assert [_attempt(client, "wrong").status_code for _ in range(4)] == [200] * 4


def test_pages_need_a_signed_in_person_and_forms_need_the_csrf_token(django_user_model):
    client = Client(enforce_csrf_checks=True)
    assert client.get("/inbox/").status_code == 302
    django_user_model.objects.create_user("x", password="pw")
    client.login(username="x", password="pw")
    assert client.post("/notifications/").status_code == 403  # no CSRF token
