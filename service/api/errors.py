"""One error format for every 4xx: {code, message, details}."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError

STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 400}


def error(status_code: int, code: str, message: str, details: object = None) -> Response:
    return Response({"code": code, "message": message, "details": details or {}}, status=status_code)


@csrf_exempt
def no_such_endpoint(request, *args, **kwargs) -> JsonResponse:
    """The last route under /api/: a path no endpoint matches (e.g. a non-numeric id) answers the JSON 404 too."""
    message = _("There is no API endpoint at %(path)s.") % {"path": request.path}
    return JsonResponse({"code": "not_found", "message": message, "details": {}}, status=404)


def exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        return error(STATUS.get(type(exc), 400), exc.code, exc.message, exc.details)
    if isinstance(exc, RequestDataTooBig):
        return error(413, "too_large", str(exc) or "the request body is too large")
    if isinstance(exc, SuspiciousOperation):  # e.g. more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return error(400, "bad_request", str(exc) or "the request cannot be read")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        return error(status.HTTP_400_BAD_REQUEST, "invalid", "the request has errors", _details(exc.detail))
    code = getattr(exc, "default_code", "error")
    message = str(exc.detail) if hasattr(exc, "detail") else str(exc)
    response.data = {"code": code, "message": message, "details": {}}
    return response


def _details(detail) -> dict:
    if isinstance(detail, dict):
        return {str(k): _messages(v) for k, v in detail.items()}
    return {"": _messages(detail)}


def _messages(value) -> list[str]:
    if isinstance(value, list):
        return [m for item in value for m in _messages(item)]
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    return [str(value)]
