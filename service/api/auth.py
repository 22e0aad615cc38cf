"""Tokens for API clients: create (failed attempts bounded by django-axes, as on the sign-in page) and revoke."""
from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from service.signin import lockout_response

from .errors import error
from .schemas import errors
from .tokens import token_for


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


TokenOut = inline_serializer("Token", fields={"token": serializers.CharField(), "username": serializers.CharField()})


class TokenView(APIView):
    """POST: exchange a username and password for a token (valid DUBAN_TOKEN_DAYS). DELETE: revoke your token."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    @extend_schema(request=Credentials, responses={200: TokenOut, **errors(400, 429)}, auth=[])
    def post(self, request):
        data = Credentials(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if getattr(request, "axes_locked_out", False):  # this username at this address is past the limit
            return lockout_response(request)
        if user is None or not user.is_active:
            return error(400, "invalid_credentials", _("Wrong username or password."))
        return Response({"token": token_for(user).key, "username": user.get_username()})

    @extend_schema(request=None, responses={204: None, **errors(401)})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
