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


def page_errors(*codes: int) -> dict:
    """Error responses of a paginated list: the given ones and 404 for a page past the end."""
    return {**errors(*codes), 404: OpenApiResponse(ErrorSerializer, description="no such page")}


def document_common_errors(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the answers DRF gives on any operation, documented on every one that can give them.

    401 wherever a login is required (no ``{}`` among the security requirements); 413 and 415 wherever a body
    is read (longer than DUBAN_MAX_REQUEST_BYTES or a file past DUBAN_MAX_UPLOAD_BYTES, service/uploads.py; a
    Content-Type no parser accepts).
    """
    def response(description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            security = operation.get("security", result.get("security"))
            if security and {} not in security:
                operation["responses"].setdefault("401", response("not logged in"))
            if "requestBody" in operation:
                operation["responses"].setdefault("413", response("request body or file too large"))
                operation["responses"].setdefault("415", response("unsupported Content-Type"))
    return result
