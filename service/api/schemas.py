"""Shared OpenAPI pieces: the error body every 4xx returns."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer("Error", fields={
    "code": serializers.CharField(),
    "message": serializers.CharField(),
    "details": serializers.DictField(child=serializers.JSONField()),
})


def errors(*codes: int) -> dict:
    """OpenAPI responses for the given error statuses."""
    text = {400: "invalid input", 401: "not logged in", 403: "not allowed", 404: "not found or out of scope",
            409: "conflict (already done, held by someone else, suspended)", 413: "too large",
            429: "too many attempts"}
    return {code: OpenApiResponse(ErrorSerializer, description=text.get(code, "error")) for code in codes}
