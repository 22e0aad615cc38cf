"""Under /api/ every error is the API's JSON ({code, message, details}), never an HTML page, DEBUG or not.

DRF answers its own views' errors (errors.py). What is left is answered here: an HTML error page Django
rendered (no route, a 500 outside DRF, the debug pages) becomes JSON with its status, and a database that
cannot be reached answers 503, so a client knows to retry.
"""
from __future__ import annotations

import logging

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("django.request")

API_PREFIX = "/api/"


def _body(status: int) -> dict:
    codes = {400: ("bad_request", _("The request cannot be read.")),
             403: ("permission_denied", _("You may not do this.")),
             404: ("not_found", _("There is no API endpoint at this address.")),
             413: ("too_large", _("The request is too large.")),
             503: ("service_unavailable", _("The database cannot be reached; try again in a moment."))}
    code, message = codes.get(status, ("server_error", _("The server could not complete the request.")))
    return {"code": code, "message": message, "details": {}}


def api_error(status: int) -> JsonResponse:
    return JsonResponse(_body(status), status=status)


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (request.path.startswith(API_PREFIX) and response.status_code >= 400
                and response.get("Content-Type", "").startswith("text/html")):
            return api_error(response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A lost database under /api/: 503, logged as Django logs an unhandled error."""
        if not request.path.startswith(API_PREFIX) or not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s", request.path, exc_info=exception,
                     extra={"status_code": 503, "request": request})
        got_request_exception.send(sender=None, request=request)
        return api_error(503)
