"""Read what duban needs from SpiffWorkflow task specs: user task metadata and form schemas."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask as UserTaskMixin

FORM_KEY_PROPERTIES = ("formJsonSchemaFilename", "formKey", "form")
_CAMUNDA_TYPES = {"string": {"type": "string"}, "long": {"type": "integer"}, "boolean": {"type": "boolean"},
                  "date": {"type": "string", "format": "date"}}


@dataclass(frozen=True)
class UserTaskInfo:
    """A user task as duban sees it: who (lane), what (name, form), how long (due)."""

    bpmn_id: str
    name: str
    lane: str
    documentation: str
    form_key: str
    properties: dict = field(default_factory=dict)
    form_schema: dict | None = None


def describe(task_spec) -> UserTaskInfo:
    """Describe one user/manual task spec."""
    properties = dict((getattr(task_spec, "extensions", None) or {}).get("properties") or {})
    form = getattr(task_spec, "form", None)
    form_key = next((properties[k] for k in FORM_KEY_PROPERTIES if properties.get(k)), "")
    if not form_key and form is not None:
        form_key = getattr(form, "key", "") or ""
    return UserTaskInfo(
        bpmn_id=task_spec.bpmn_id or task_spec.name,
        name=task_spec.bpmn_name or task_spec.bpmn_id or task_spec.name,
        lane=task_spec.lane or "",
        documentation=(task_spec.documentation or "").strip(),
        form_key=form_key,
        properties=properties,
        form_schema=_camunda_schema(form) if form is not None and getattr(form, "fields", None) else None,
    )


def describe_user_tasks(process_specs: Iterable) -> list[UserTaskInfo]:
    """Every user task in the given process specs (subprocess specs included by the caller)."""
    return [describe(ts) for spec in process_specs for ts in spec.task_specs.values()
            if isinstance(ts, UserTaskMixin)]


def _camunda_schema(form) -> dict:
    properties, required = {}, []
    for f in form.fields:
        prop = dict(_CAMUNDA_TYPES.get(f.type or "string", {"type": "string"}))
        if f.label:
            prop["title"] = f.label
        options = getattr(f, "options", None)
        if options:
            prop = {"type": "string", "title": f.label or f.id, "enum": [o.id for o in options]}
        properties[f.id] = prop
        if f.has_validation("required"):
            required.append(f.id)
    return {"type": "object", "properties": properties, "required": required}
