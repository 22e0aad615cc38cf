"""Request bodies and uploaded files are bounded before they are read, not after.

A body announcing more than DUBAN_MAX_REQUEST_BYTES is refused before a byte of it is read (without a
Content-Length Django reads none). A form's files are read here, through BoundedUploadHandler, which stops
at the first file passing DUBAN_MAX_UPLOAD_BYTES; either refusal answers 413 in the user's language: the
API's JSON under /api/, a page elsewhere. The services check sizes again for callers that are not HTTP.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class UploadTooLarge(RequestDataTooBig):
    """A file or a body past its bound; the API's error handler answers it 413 too."""


class BoundedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: passes each chunk on until the file passes DUBAN_MAX_UPLOAD_BYTES."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.DUBAN_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(_("The file %(name)s is too large: at most %(limit)s.") % {
                "name": self.file_name, "limit": filesizeformat(settings.DUBAN_MAX_UPLOAD_BYTES)})
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "too_large", "message": message, "details": {}}, status=413)
    return render(request, "413.html", {"message": message, "back": request.get_full_path()}, status=413)


class RequestSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot measure
        if length > settings.DUBAN_MAX_REQUEST_BYTES:
            return _too_large(request, _("The request is too large: at most %(limit)s.") % {
                "limit": filesizeformat(settings.DUBAN_MAX_REQUEST_BYTES)})
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018  (parsed now, through the upload handlers, so a refusal is ours)
            except UploadTooLarge as exc:
                return _too_large(request, str(exc))
        return self.get_response(request)
