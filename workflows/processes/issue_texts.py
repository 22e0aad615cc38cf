"""A deploy refusal (or warning) in the reader's language.

The engine words each ValidationIssue as an English ``template`` with ``params`` (and ``message``,
the template rendered in English); it knows no languages. Here, at the service's boundary, the
template is translated in the active language and filled in. A param that is itself words (a
nested ``{"template", "params"}``, such as a script refusal inside "script refused: …") is
translated the same way; text from a library (SpiffWorkflow, RestrictedPython, lxml) stays as
the library wrote it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from django.utils.translation import gettext

from workflows.engine.errors import ValidationIssue, render


def issue_message(issue: Mapping | ValidationIssue) -> str:
    """``gettext(template) % params`` when the issue has a template (its message if that fails), else its message."""
    get = issue.get if isinstance(issue, Mapping) else lambda name, default=None: getattr(issue, name, default)
    message = str(get("message", "") or "")
    template = get("template", "") or ""
    if not template:
        return message
    try:
        return render(str(template), get("params") or {}, gettext, strict=True)
    except ValueError:  # a translation or param that does not fit: the English message is still right
        return message or str(template)


def issue_dict(issue: ValidationIssue) -> dict:
    """The issue as the page and the API show it: ``message`` in the reader's language."""
    return {**issue.as_dict(), "message": issue_message(issue)}


def translated(issue: ValidationIssue) -> ValidationIssue:
    """The same issue with its message in the reader's language (for ``str(issue)`` in a template)."""
    return replace(issue, message=issue_message(issue))
