"""Sign-in with a bound on failed attempts (per address and username), so passwords cannot be guessed."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.utils.translation import gettext as _

WINDOW_SECONDS = 15 * 60


def _key(request) -> str:
    username = (request.POST.get("username") or "").strip().lower()[:150]
    return f"duban:login-failures:{request.META.get('REMOTE_ADDR', '')}:{username}"


class ThrottledLoginView(auth_views.LoginView):
    template_name = "web/login.html"

    def post(self, request, *args, **kwargs):
        if cache.get(_key(request), 0) >= getattr(settings, "DUBAN_LOGIN_ATTEMPTS", 5):
            messages.error(request, _("Too many failed attempts. Try again in 15 minutes."))
            response = self.get(request, *args, **kwargs)
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        key = _key(self.request)
        cache.set(key, cache.get(key, 0) + 1, WINDOW_SECONDS)
        return super().form_invalid(form)

    def form_valid(self, form):
        cache.delete(_key(self.request))
        return super().form_valid(form)
