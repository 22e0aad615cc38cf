"""Render a task's JSON Schema as HTML form fields (server-side) and read the POST back as JSON.

Supports what duban's forms use: nested objects (fieldsets), strings (text, textarea, date,
date-time), integers and numbers, booleans, enums (select) and arrays of strings (one per line).
Field names are dotted paths (``sections.wi1.progress``), the same paths form errors use.
Titles and option labels are in the reader's language (workflows/processes/form_texts.py); a
choice among a few options is a row of radio buttons, more make a select.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.http import QueryDict

from workflows.processes.form_texts import Option, options, text

RADIO_LIMIT = 3  # up to this many options show as radio buttons (one tap on a phone)


@dataclass
class Field:
    path: str
    label: str
    kind: str  # text | textarea | number | integer | checkbox | radio | select | date | datetime | lines
    required: bool = False
    value: object = None
    options: list[Option] = field(default_factory=list)
    unit: str = ""  # what a figure counts (人, 所, %), shown after its input
    description: str = ""
    errors: list = field(default_factory=list)
    depth: int = 0
    heading: bool = False
    carried: bool = False  # prefilled from the previous quarter, unchanged since


def fields_for(schema: dict, values: dict | None = None, errors: dict | None = None,
               carried: set[str] | None = None) -> list[Field]:
    """Flatten a schema into fields (objects become headings), with values and errors in place.

    ``carried``: the paths of fields prefilled from the previous quarter (marked as such).
    """
    out: list[Field] = []
    _walk(schema or {}, "", values or {}, errors or {}, out, 0, set(schema.get("required", [])) if schema else set())
    for f in out:
        f.carried = f.path in (carried or ())
    return out


def _walk(schema, path, value, errors, out, depth, required) -> None:
    for name, sub in (schema.get("properties") or {}).items():
        child = f"{path}.{name}" if path else name
        label = text(sub, "title") or name
        current = value.get(name) if isinstance(value, dict) else None
        if sub.get("type") == "object" and sub.get("properties"):
            if text(sub, "title"):  # an untitled object only groups its fields (a report's sections)
                out.append(Field(path=child, label=label, kind="group", depth=depth, heading=True,
                                 errors=errors.get(child, [])))
            _walk(sub, child, current or {}, errors, out, depth + int(bool(text(sub, "title"))),
                  set(sub.get("required", [])))
            continue
        if sub.get("type") == "object":
            continue  # free-form objects are filled by other fields, not by hand
        choices = options(sub)
        out.append(Field(path=child, label=label, kind=_kind(sub, choices), required=name in required,
                         value=_shown(current), options=choices, errors=errors.get(child, []), depth=depth,
                         unit=str(sub.get("x-unit") or ""), description=text(sub, "description")))


def _shown(value: object) -> object:
    """A whole number read back from JSON as 12.0 shows as 12."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _kind(sub: dict, choices: list[Option]) -> str:
    if choices:
        return "radio" if len(choices) <= RADIO_LIMIT else "select"
    kind = sub.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "boolean":
        return "checkbox"
    if kind in ("integer", "number"):
        return kind
    if kind == "array":
        return "lines"
    if sub.get("format") == "date":
        return "date"
    if sub.get("format") == "date-time":
        return "datetime"
    return "textarea" if (sub.get("maxLength") or 0) > 300 else "text"


def data_from_post(schema: dict, post: QueryDict) -> dict:
    """Read submitted fields back into the nested JSON the schema describes (empty fields left out)."""
    data: dict = {}
    for f in fields_for(schema):
        if f.heading:
            continue
        raw = post.get(f.path, "") if f.kind != "checkbox" else post.get(f.path)
        value = _convert(f.kind, raw)
        if value is None:
            continue
        node = data
        parts = f.path.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return data


def _convert(kind: str, raw):
    if kind == "checkbox":
        return raw is not None
    raw = (raw or "").strip()
    if raw == "":
        return None
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return raw  # the schema check reports it as not an integer, in place
    if kind == "number":
        try:
            return int(raw) if raw.lstrip("-").isdigit() else float(raw)
        except ValueError:
            return raw
    if kind == "lines":
        return [line.strip() for line in raw.splitlines() if line.strip()]
    if kind == "datetime" and len(raw) == 16:
        return raw + ":00+08:00"  # a datetime-local input, read as Beijing time
    return raw
