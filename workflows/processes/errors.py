"""Errors the process services raise; the API turns them into {code, message, details}."""
from __future__ import annotations


class ServiceError(Exception):
    code = "error"

    def __init__(self, message: str, details: object = None):
        super().__init__(message)
        self.message = message
        self.details = details if details is not None else {}


class NotFound(ServiceError):
    code = "not_found"


class Forbidden(ServiceError):
    code = "forbidden"


class Conflict(ServiceError):
    code = "conflict"


class Invalid(ServiceError):
    """Bad input: ``details`` maps field paths (or 'bpmn' for uploads) to messages."""

    code = "invalid"
