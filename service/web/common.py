"""Helpers for the pages: run a service and turn its errors into messages on the page."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from workflows.org.roles import is_office
from workflows.processes.errors import Forbidden, Invalid, NotFound, ServiceError


def require_office(request: HttpRequest) -> None:
    """The office's pages: anyone else is refused (403)."""
    if not is_office(request.user):
        raise PermissionDenied


def attempt(request: HttpRequest, action: Callable[[], object], done: str) -> tuple[bool, dict]:
    """Run a service call; on failure show its message and return its field errors."""
    try:
        action()
    except NotFound as exc:
        raise Http404(exc.message) from None
    except Invalid as exc:
        messages.error(request, _("Please correct the errors below."))
        return False, exc.details if isinstance(exc.details, dict) else {}
    except Forbidden as exc:
        messages.error(request, _("Not allowed: %(reason)s") % {"reason": exc.message})
        return False, {}
    except ServiceError as exc:
        messages.warning(request, exc.message)
        return False, {}
    messages.success(request, done)
    return True, {}


def day_from_post(text: str | None) -> dt.date | None:
    """A date input's value (YYYY-MM-DD); None when empty or not a date (the service says what is missing)."""
    try:
        return dt.date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def attempt_form(request: HttpRequest, form, action: Callable[[], object], done: str) -> object | None:
    """``attempt`` for a Django form: the service's field problems go under the form's fields (or the
    form itself); returns what the service returned, or None when it refused."""
    result: list[object] = []
    ok, errors = attempt(request, lambda: result.append(action()), done)
    for field, problems in errors.items():
        for problem in problems if isinstance(problems, list) else [problems]:
            form.add_error(field if field in form.fields else None, str(problem))
    return result[0] if ok else None
