"""Validate submitted form data against a task's JSON Schema, with errors per field."""
from __future__ import annotations

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


def schema_for(task: HumanTask) -> dict:
    """The task's JSON Schema, or any object when its process declares no form."""
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
