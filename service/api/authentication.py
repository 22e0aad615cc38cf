"""API token authentication: DRF's, with its lookup compiled once (every API request makes it); tokens expire."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from workflows.compiled import CompiledQuery

from .tokens import token_expired

_BY_KEY = CompiledQuery(lambda key: Token.objects.select_related("user").filter(key=key), slots=(str,))


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``; answers as DRF's does, and 401 for a token past DUBAN_TOKEN_DAYS."""

    def authenticate_credentials(self, key: str):
        found = _BY_KEY(key) if "\x00" not in key else []  # PostgreSQL refuses NUL in text: no such key
        if not found:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = found[0]
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("Token expired: ask for a new one."))
        return token.user, token
