"""Production defaults: DEBUG off unless DUBAN_DEBUG=1, no start with the development key, HTTPS from the
environment."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOWN = ("DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "DUBAN_PROXY_COUNT")
SETUP = ("import json, django; django.setup(); from django.conf import settings; "
         f"print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}))")
DEV_KEY = "dev-only-insecure-key-change-me-in-production"


def _start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """python -c 'django.setup()' with service.settings and only the given DUBAN_ variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("DUBAN_") and k != "DJANGO_SETTINGS_MODULE"}
    base.update(DJANGO_SETTINGS_MODULE="service.settings", DUBAN_VAR_DIR=str(tmp_path), **env)
    return subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=base, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("env", [{}, {"DUBAN_SECRET_KEY": DEV_KEY}, {"DUBAN_DEBUG": "0"}, {"DUBAN_SECRET_KEY": ""}])
def test_with_debug_off_it_refuses_to_start_with_the_development_key(tmp_path, env):
    started = _start(tmp_path, **env)
    assert started.returncode != 0
    assert "ImproperlyConfigured: DUBAN_SECRET_KEY is not set" in started.stderr, started.stderr[-2000:]


def test_the_demo_starts_with_debug_on_and_the_development_key(tmp_path):
    demo = _start(tmp_path, DUBAN_DEBUG="1")
    assert demo.returncode == 0, demo.stderr[-2000:]
    shown = json.loads(demo.stdout.splitlines()[-1])
    assert shown["DEBUG"] is True and shown["SESSION_COOKIE_SECURE"] is False


def test_production_defaults_with_a_key(tmp_path):
    started = _start(tmp_path, DUBAN_SECRET_KEY="k" * 50)
    assert started.returncode == 0, started.stderr[-2000:]
    assert json.loads(started.stdout.splitlines()[-1]) == {
        "DEBUG": False, "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0, "SECURE_HSTS_INCLUDE_SUBDOMAINS": False, "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None, "DUBAN_PROXY_COUNT": 0}


def test_https_and_proxies_come_from_the_environment(tmp_path):
    started = _start(tmp_path, DUBAN_SECRET_KEY="k" * 50, DUBAN_SECURE_COOKIES="0", DUBAN_SSL_REDIRECT="1",
                     DUBAN_HSTS_SECONDS="31536000", DUBAN_HSTS_INCLUDE_SUBDOMAINS="1", DUBAN_HSTS_PRELOAD="1",
                     DUBAN_PROXY_SSL_HEADER="1", DUBAN_PROXY_COUNT="2")
    assert started.returncode == 0, started.stderr[-2000:]
    assert json.loads(started.stdout.splitlines()[-1]) == {
        "DEBUG": False, "SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"], "DUBAN_PROXY_COUNT": 2}
