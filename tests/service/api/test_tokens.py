"""API tokens expire, and stop working once the password changes or the person is deactivated."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def _token(client: Client, username: str = "lili", password: str = "pw") -> str:
    answer = client.post("/api/auth/token/", {"username": username, "password": password},
                         content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()["token"]


def _tasks(client: Client, key: str):
    return client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_stops_working_after_a_password_change(world):
    client, lili = Client(), world.users["office"]
    key = _token(client)
    assert _tasks(client, key).status_code == 200
    lili.set_password("a-new-password")
    lili.save()
    refused = _tasks(client, key)
    assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"
    assert not Token.objects.filter(user=lili).exists()
    assert _tasks(client, _token(client, password="a-new-password")).status_code == 200


def test_a_token_stops_working_after_deactivation_and_stays_revoked_after_reactivation(world):
    client, lili = Client(), world.users["office"]
    key = _token(client)
    lili.is_active = False
    lili.save(update_fields=["is_active"])
    assert not Token.objects.filter(key=key).exists()
    lili.is_active = True
    lili.save()
    assert _tasks(client, key).status_code == 401


def test_other_saves_of_a_person_leave_the_token_alone(world):
    client, lili = Client(), world.users["office"]
    key = _token(client)
    lili.first_name = "丽"
    lili.save()
    lili.last_login = timezone.now()
    lili.save(update_fields=["last_login"])
    assert _tasks(client, key).status_code == 200


def test_an_expired_token_answers_401_and_a_new_sign_in_gives_a_new_one(world, settings):
    client = Client()
    key = _token(client)
    later = timezone.now() + dt.timedelta(days=settings.DUBAN_TOKEN_DAYS, minutes=1)
    with time_machine.travel(later, tick=False):
        expired = _tasks(client, key)
        assert expired.status_code == 401 and expired.json()["code"] == "authentication_failed"
        assert expired.json()["message"] == "令牌已过期，请重新获取。"
        assert "Token" in expired["WWW-Authenticate"]
        renewed = _token(client)
        assert renewed != key and _tasks(client, renewed).status_code == 200
    with time_machine.travel(later + dt.timedelta(days=settings.DUBAN_TOKEN_DAYS - 1), tick=False):
        assert _tasks(client, renewed).status_code == 200
