"""Tokens for API clients: create (throttled against guessing) and revoke."""
from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .errors import error
from .schemas import errors


class Credentials(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"})


TokenOut = inline_serializer("Token", fields={"token": serializers.CharField(), "username": serializers.CharField()})


class TokenView(APIView):
    """POST: exchange a username and password for a token. DELETE: revoke your token."""

    throttle_scope = "login"

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_throttles(self):
        return [ScopedRateThrottle()] if self.request.method == "POST" else []

    @extend_schema(request=Credentials, responses={200: TokenOut, **errors(400, 429)}, auth=[])
    def post(self, request):
        data = Credentials(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            return error(400, "invalid_credentials", "wrong username or password")
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key, "username": user.get_username()})

    @extend_schema(request=None, responses={204: None, **errors(401)})
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)
