"""Failed sign-ins are counted where every server process sees them: two gunicorn processes on the test database
(and, where Redis runs, counting in a Redis cache), wrong guesses alternating between them, and after the limit
both refuse, the page and the token API alike."""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings

from tests.workflows.processes.test_live_worker import ROOT, _database_url

pytestmark = pytest.mark.django_db(transaction=True)
PBKDF2 = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the servers check passwords with


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def _server(tmp_path, name: str, cache_url: str) -> Iterator[int]:
    port, log = _free_port(), tmp_path / f"{name}.log"
    env = {**os.environ, "DATABASE_URL": _database_url(), "DUBAN_VAR_DIR": str(tmp_path / name),
           "DUBAN_ALLOWED_HOSTS": "127.0.0.1", "DUBAN_LOG_LEVEL": "WARNING", "DUBAN_CACHE_URL": cache_url}
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "service.wsgi", "-w", "1", "-b",
                                   f"127.0.0.1:{port}", "--no-control-socket"], cwd=ROOT, env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while _call(port, "GET", "/healthz")[0] != 200:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _call(port: int, method: str, path: str, body: bytes | None = None, **headers: str) -> tuple[int, str, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode(), dict(response.getheaders())
    except OSError:
        return 0, "", {}
    finally:
        connection.close()


def _page_attempt(port: int, username: str, password: str, forged: str) -> int:
    status, page, headers = _call(port, "GET", "/login/")
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    status, _, _ = _call(port, "POST", "/login/", form, **{
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie}",
        "X-Forwarded-For": forged})
    return status


def _token_attempt(port: int, username: str, password: str, forged: str) -> tuple[int, dict]:
    status, body, _ = _call(port, "POST", "/api/auth/token/",
                            json.dumps({"username": username, "password": password}).encode(),
                            **{"Content-Type": "application/json", "X-Forwarded-For": forged})
    return status, json.loads(body)


def _redis_url() -> str:
    broker = django_settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.skip("needs Redis: CELERY_BROKER_URL=redis://...")
    return broker


@pytest.mark.parametrize("counted_in", ["database", "redis"])
def test_wrong_guesses_alternating_between_two_servers_lock_out_on_both(tmp_path, django_user_model, settings,
                                                                        counted_in):
    cache_url = _redis_url() if counted_in == "redis" else ""
    settings.PASSWORD_HASHERS = PBKDF2
    run = uuid.uuid4().hex[:8]  # Redis keeps counts across runs for the lock-out's minutes
    page_user, api_user = f"page-{run}", f"api-{run}"
    for username in (page_user, api_user):
        django_user_model.objects.create_user(username, password="right-password")
    with _server(tmp_path, "first", cache_url) as first, _server(tmp_path, "second", cache_url) as second:
        servers = [first, second] * 3
        page = [_page_attempt(port, page_user, "wrong", forged=f"10.1.0.{n}") for n, port in enumerate(servers[:5])]
        api = [_token_attempt(port, api_user, "wrong", forged=f"10.2.0.{n}")[0] for n, port in enumerate(servers[:5])]
        assert page == [200, 200, 200, 200, 429] and api == [400, 400, 400, 400, 429]
        for port in (first, second):
            assert _page_attempt(port, page_user, "right-password", forged="192.0.2.1") == 429
            status, body = _token_attempt(port, api_user, "right-password", forged="192.0.2.2")
            assert status == 429 and body["code"] == "too_many_attempts" and "token" not in body
    counted_rows = AccessAttempt.objects.filter(username__in=[page_user, api_user]).exists()
    assert counted_rows == (counted_in == "database")
