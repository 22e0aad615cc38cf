"""Signing in: wrong passwords are bounded; the right one lands on the person's start page."""
from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db


def test_repeated_wrong_passwords_are_refused_for_a_while(client, django_user_model):
    cache.clear()
    django_user_model.objects.create_user("liaison", password="right-password")
    for _ in range(5):
        assert client.post("/login/", {"username": "liaison", "password": "wrong"}).status_code == 200
    blocked = client.post("/login/", {"username": "liaison", "password": "right-password"})
    assert blocked.status_code == 429
    cache.clear()
    assert client.post("/login/", {"username": "liaison", "password": "right-password"}).status_code == 302


def test_pages_need_a_signed_in_person_and_forms_need_the_csrf_token(django_user_model):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.get("/inbox/").status_code == 302
    django_user_model.objects.create_user("x", password="pw")
    client.login(username="x", password="pw")
    assert client.post("/notifications/").status_code == 403  # no CSRF token
