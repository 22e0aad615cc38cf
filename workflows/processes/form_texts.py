"""A form's words in the reader's language: titles, option labels and validation messages.

A JSON Schema node's ``title`` and ``description`` are in the form's own language; other languages
come in ``x-translations`` on the same node (``{"en": {"title": "Decision"}}``). Options with labels
are written the standard way, ``oneOf`` of ``const`` with a ``title`` (and its translations); a bare
``enum`` shows its values as they are. Validation messages name the field by its title.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jsonschema.exceptions import ValidationError

from workflows.engine.localization import normal_locale

TRANSLATIONS = "x-translations"


def text(node: dict, key: str, language: str | None = None) -> str:
    """``title`` or ``description`` of a schema node in the reader's language, else as written."""
    wanted = normal_locale(language or get_language() or "")
    translations = node.get(TRANSLATIONS) if isinstance(node.get(TRANSLATIONS), dict) else {}
    for locale, values in translations.items():
        if normal_locale(locale) in (wanted, wanted.split("-")[0]) and isinstance(values, dict) and values.get(key):
            return str(values[key])
    return str(node.get(key) or "")


@dataclass(frozen=True)
class Option:
    value: object
    label: str


def options(node: dict) -> list[Option]:
    """A field's choices with their labels in the reader's language (``oneOf`` consts, else ``enum``)."""
    choices = node.get("oneOf") or node.get("anyOf") or []
    labelled = [c for c in choices if isinstance(c, dict) and "const" in c]
    if labelled:
        return [Option(c["const"], text(c, "title") or str(c["const"])) for c in labelled]
    return [Option(v, str(v)) for v in node.get("enum") or []]


def node_at(schema: dict, path: list[str]) -> dict:
    """The schema node a field path names (``sections.wi1.progress``), or {} when it names none."""
    node = schema
    for part in path:
        properties = node.get("properties") if isinstance(node, dict) else None
        if not isinstance(properties, dict) or part not in properties:
            return {}
        node = properties[part]
    return node if isinstance(node, dict) else {}


def field_title(schema: dict, path: list[str]) -> str:
    return text(node_at(schema, path), "title") or (path[-1] if path else _("the form"))


def message(schema: dict, error: ValidationError, path: list[str]) -> str:
    """One validation error in words, naming the field by its title."""
    field = field_title(schema, path)
    limit = error.validator_value
    kind = error.validator
    if kind == "required" or (kind == "minLength" and limit == 1):
        return _('"%(field)s" is required') % {"field": field}
    if kind == "type":
        return _type_message(field, limit)
    words = {
        "maxLength": _('"%(field)s" can be at most %(limit)s characters'),
        "minLength": _('"%(field)s" needs at least %(limit)s characters'),
        "maximum": _('"%(field)s" can be at most %(limit)s'),
        "minimum": _('"%(field)s" cannot be less than %(limit)s'),
        "maxItems": _('"%(field)s" can have at most %(limit)s entries'),
        "format": _('"%(field)s" is not a valid date') if limit in ("date", "date-time")
        else _('"%(field)s" is not in the right format'),
    }
    if kind in words:
        return words[kind] % {"field": field, "limit": limit}
    if kind in ("enum", "const", "oneOf", "anyOf"):
        return _('"%(field)s": choose one of the options') % {"field": field}
    if kind == "additionalProperties":
        return _("the form has fields it does not ask for")
    return _('"%(field)s" is not valid') % {"field": field}


def _type_message(field: str, expected: object) -> str:
    expected = set(expected) if isinstance(expected, list) else {expected}
    if expected <= {"integer"}:
        return _('"%(field)s" must be a whole number') % {"field": field}
    if expected & {"number", "integer"}:
        return _('"%(field)s" must be a number') % {"field": field}
    if expected <= {"boolean"}:
        return _('"%(field)s" must be yes or no') % {"field": field}
    return _('"%(field)s" is not valid') % {"field": field}
