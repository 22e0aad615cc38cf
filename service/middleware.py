"""Give every request an id (from X-Request-ID or new) for the logs and the response."""
from __future__ import annotations

import re
import uuid

from workflows.logcontext import instance_id, request_id

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SAFE.match(given) else uuid.uuid4().hex
        token, itoken = request_id.set(rid), instance_id.set("-")
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
            instance_id.reset(itoken)
        response["X-Request-ID"] = rid
        return response
