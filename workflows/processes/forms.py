"""Validate submitted form data against a task's JSON Schema, with errors per field."""
from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from workflows.engine import DataError, ValidationIssue
from workflows.engine.errors import gettext_noop, issue
from workflows.engine.serializer import check_data

from .errors import Invalid
from .form_texts import message
from .models import HumanTask

MAX_FORM_BYTES = 1_000_000
ANY_OBJECT: dict = {"type": "object"}


def check_schema(schema: object, name: str) -> list[ValidationIssue]:
    """Problems with a form schema file (empty when it is usable), each shown in its reader's language;
    the validator's own detail stays as it says it."""
    if not isinstance(schema, dict):
        return [issue(name, gettext_noop("form %(form)s: a JSON Schema must be an object"), form=name)]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [issue(name, gettext_noop("form %(form)s is not a valid JSON Schema: %(detail)s"), form=name,
                      detail=exc.message)]
    return []


FormProvider = Callable[[HumanTask], "dict | None"]
_providers: list[FormProvider] = []


def register_form_provider(provider: FormProvider) -> None:
    """Let another app supply schemas built from data (a plan's work items), tried before the files."""
    if provider not in _providers:
        _providers.append(provider)


def schema_for(task: HumanTask) -> dict:
    """The task's JSON Schema: from a provider, else the deployed form file, else any object."""
    for provider in _providers:
        schema = provider(task)
        if schema is not None:
            return schema
    if not task.form_key:
        return ANY_OBJECT
    return task.instance.definition.forms.get(task.form_key, ANY_OBJECT)


def validate_form(schema: dict, data: object) -> dict:
    """Return the data if valid; raise Invalid with {field path: [messages]} otherwise.

    Messages are in the reader's language and name each field by its title.
    """
    if not isinstance(data, dict):
        raise Invalid(_("The form's answers must be a JSON object."), {"": [_("expected an object")]})
    if len(repr(data)) > MAX_FORM_BYTES:
        raise Invalid(_("The form's answers are too long."),
                      {"": [_("at most %(limit)s characters") % {"limit": f"{MAX_FORM_BYTES:,}"}]})
    try:
        check_data(data)
    except DataError as exc:
        raise Invalid(str(exc), {"": [str(exc)]}) from None
    errors: dict[str, list[str]] = {}
    for error in Draft202012Validator(schema).iter_errors(data):
        for path in _paths(error):
            found = errors.setdefault(".".join(path), [])
            if message(schema, error, path) not in found:
                found.append(message(schema, error, path))
    if errors:
        raise Invalid(_("The form has errors."), errors)
    return data


def _paths(error) -> list[list[str]]:
    """The field paths an error is about: a missing property's own path (one per missing name)."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.instance, dict):
        return [[*path, name] for name in error.validator_value if name not in error.instance] or [path]
    return [path]
