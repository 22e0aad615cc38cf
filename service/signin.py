"""Sign-in bounds (django-axes, settings AXES_*): whose address a request is, and the locked-out answer.

Failures are counted per username at an address, in the database (or Redis with DUBAN_CACHE_URL), so
every server process sees the same count, and guesses from one address never lock the person out at another.
"""
from __future__ import annotations

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR; with DUBAN_PROXY_COUNT proxies in front, the address the outermost of them was reached from.

    Each proxy appends the address it was reached from to X-Forwarded-For, so only the last
    DUBAN_PROXY_COUNT entries were written by proxies we trust: whatever the client sent is left of them.
    """
    hops = settings.DUBAN_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    candidates = [forwarded[-hops]] if 0 < hops <= len(forwarded) else []
    for candidate in [*candidates, request.META.get("REMOTE_ADDR", "")]:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


class SignInBackend(AxesStandaloneBackend):
    """django-axes' check, first of AUTHENTICATION_BACKENDS; a sign-in without a request (a command, a shell,
    the test client's login) has no address to count and goes straight to the password check."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = ngettext("Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                       "Too many failed sign-in attempts. Try again in %(minutes)d minutes.", minutes)
    return message % {"minutes": minutes}


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """429 in the user's language: the API's error JSON under /api/, else the sign-in page with the message."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"code": "too_many_attempts", "message": message, "details": {}},
                                              status=429)
    else:
        messages.error(request, message)
        response = render(request, "web/login.html", {"form": AuthenticationForm(request)}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
