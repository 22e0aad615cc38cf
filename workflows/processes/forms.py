"""Validate submitted form data against a task's JSON Schema, with errors per field."""
from __future__ import annotations

from collections.abc import Callable

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from workflows.engine import DataError
from workflows.engine.serializer import check_data

from .errors import Invalid
from .models import HumanTask

MAX_FORM_BYTES = 1_000_000
ANY_OBJECT: dict = {"type": "object"}


def check_schema(schema: object, name: str) -> list[str]:
    """Problems with a form schema file, as messages (empty when it is usable)."""
    if not isinstance(schema, dict):
        return [f"form {name}: a JSON Schema must be an object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [f"form {name}: {exc.message}"]
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
    """Return the data if valid; raise Invalid with {field path: [messages]} otherwise."""
    if not isinstance(data, dict):
        raise Invalid("form data must be a JSON object", {"": ["expected an object"]})
    if len(repr(data)) > MAX_FORM_BYTES:
        raise Invalid("form data is too large", {"": [f"at most {MAX_FORM_BYTES:,} characters"]})
    try:
        check_data(data)
    except DataError as exc:
        raise Invalid(str(exc), {"": [str(exc)]}) from None
    errors: dict[str, list[str]] = {}
    for error in Draft202012Validator(schema).iter_errors(data):
        path = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else ""
            path = ".".join(filter(None, [path, missing]))
        errors.setdefault(path, []).append(error.message)
    if errors:
        raise Invalid("the form has errors", errors)
    return data
