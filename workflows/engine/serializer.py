"""Workflow state as gzip-compressed JSON text, with the process spec stored once per version.

Never hand this JSON to a ``jsonb`` column: SpiffWorkflow 3.2 restores task data as deltas in
key order, and jsonb reorders keys (task data would be silently lost).
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import threading
from contextlib import contextmanager
from copy import copy
from decimal import Decimal
from functools import lru_cache
from uuid import UUID, SafeUUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import BpmnTaskSpecConverter, MessageEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.event_definition import ErrorEscalationEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.task_spec import EventConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, TaskConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask as PlainServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as PlainMessageDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.camunda.serializer import DEFAULT_CONFIG as CAMUNDA_CONFIG
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.event_definition import (
    ErrorEscalationEventDefinitionConverter as SpiffCodeEventConverter,
)
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import code_events
from .errors import DataError


class StateConverter(BpmnWorkflowConverter):
    """A workflow's state without its specs, which are stored once per definition version.

    SpiffWorkflow's converter turns the whole spec (every task spec of the process and of each
    subprocess) into dicts on every save; they were dropped again here, at a sixth of the time a
    save takes. Restoring is unchanged: ``load_state`` hands in the parsed specs.
    """

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


@lru_cache(maxsize=8192)
def _uuid(text: str) -> UUID:
    """``UUID(text)`` for the canonical text ``str(UUID)`` writes (a task id appears three times in a state)."""
    digits = text.replace("-", "")
    if len(text) != 36 or len(digits) != 32:
        return UUID(text)  # not the canonical form: UUID's own checks (and its error)
    value = object.__new__(UUID)
    object.__setattr__(value, "int", int(digits, 16))
    object.__setattr__(value, "is_safe", SafeUUID.unknown)
    return value


@lru_cache(maxsize=8192)
def _text(value: UUID) -> str:
    return str(value)


_MUTABLE = (dict, list, set)


class TaskStateConverter(TaskConverter):
    """SpiffWorkflow 3.2's ``TaskConverter``, written for speed: the same dicts out, the same tasks back.

    Restoring and saving the state was two fifths of firing a timer, most of it per task. What is done per task is
    SpiffWorkflow's (the data as a delta from the parent's, shallow copies of its mutable values);
    only repeated work is gone: ids parsed and printed once, the parent looked up once, the
    generic merge of the parent's data into an empty dict written as the copy it amounts to.
    ``tests/workflows/engine/test_serializer.py`` compares both converters on every state.
    """

    def to_dict(self, task):
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {"updates": {key: after[key] for key in after if key not in before or after[key] != before[key]},
                     "deletions": [key for key in before if key not in after]}
        return {
            "id": _text(task.id),
            "parent": _text(task._parent) if parent is not None else None,
            "children": [_text(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
        }

    def from_dict(self, dct, workflow):
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_uuid(dct["id"]))
        task._parent = _uuid(dct["parent"]) if dct["parent"] is not None else None
        task._children = [_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        restore = self.registry.restore
        task.internal_data = restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = task.parent
        if delta and parent is not None:
            data = {key: copy(value) if isinstance(value, _MUTABLE) else value for key, value in parent.data.items()}
            data.update(restore(delta.get("updates", {})))
            for key in delta.get("deletions", {}):
                if key in data:
                    del data[key]
        else:
            data = restore(dct["data"])
        task.data = data
        return task


class EventSubprocessStartConverter(EventConverter):
    def to_dict(self, spec):
        return {**super().to_dict(spec), "interrupting": spec.interrupting}


_CONFIGS = {"spiff": {**SPIFF_CONFIG, BpmnWorkflow: StateConverter, Task: TaskStateConverter,
                      code_events.EventSubprocessStart: EventSubprocessStartConverter},
            "camunda": {**CAMUNDA_CONFIG, BpmnWorkflow: StateConverter, Task: TaskStateConverter,
                        code_events.EventSubprocessStart: EventSubprocessStartConverter}}
_local = threading.local()
RESERVED_KEYS = frozenset({"typename"})


def register_code_events(registry, dialect: str) -> None:
    """Error and escalation definitions restore as duban's, which throw to the thrower's scope
    (code_events); they are written as SpiffWorkflow writes its own, under its names."""
    if dialect == "camunda":
        ErrorEscalationEventDefinitionConverter(code_events.BpmnError, registry, typename="ErrorEventDefinition")
        ErrorEscalationEventDefinitionConverter(code_events.BpmnEscalation, registry,
                                                typename="EscalationEventDefinition")
    else:
        SpiffCodeEventConverter(code_events.SpiffError, registry, typename="ErrorEventDefinition")
        SpiffCodeEventConverter(code_events.SpiffEscalation, registry, typename="EscalationEventDefinition")


def _serializer(dialect: str) -> BpmnWorkflowSerializer:
    # The registry keeps per-call state (encoder mode), so each thread gets its own.
    cache = _local.__dict__.setdefault("serializers", {})
    if dialect not in cache:
        registry = BpmnWorkflowSerializer.configure(_CONFIGS[dialect])
        register_code_events(registry, dialect)
        if dialect == "camunda":
            # CamundaParser leaves service, send and receive tasks to the plain BPMN classes,
            # which its serializer config forgets; register them (the plain message definition
            # under its own name, since Camunda's class has the same one).
            BpmnTaskSpecConverter(PlainServiceTask, registry)
            MessageEventDefinitionConverter(PlainMessageDefinition, registry, typename="PlainMessageEventDefinition")
        else:  # a service task with no operator (parser._ServiceTaskParser), beside Spiff's of the same name
            BpmnTaskSpecConverter(PlainServiceTask, registry, typename="PlainServiceTask")
        registry.register(Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"]))
        registry.register(dt.date, lambda v: {"value": v.isoformat()}, lambda v: dt.date.fromisoformat(v["value"]))
        cache[dialect] = BpmnWorkflowSerializer(registry)
    return cache[dialect]


@contextmanager
def _encoding(registry):
    """The registry converts for the JSON encoder (as SpiffWorkflow's serialize_json sets it) while inside."""
    registry._encoder_mode = True
    try:
        yield registry
    finally:
        registry._encoder_mode = False


def _to_dict(workflow: BpmnWorkflow, dialect: str) -> dict:
    ser = _serializer(dialect)
    with _encoding(ser.registry):
        dct = ser.to_dict(workflow)
    dct[ser.VERSION_KEY] = ser.VERSION
    return dct


def _dumps(dct: dict, dialect: str) -> str:
    ser = _serializer(dialect)
    try:
        return json.dumps(dct, cls=ser._encoder_cls, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise DataError(f"workflow data cannot be stored: {exc}") from None


def spec_json(workflow: BpmnWorkflow, dialect: str) -> str:
    """The specs of a workflow (process and subprocesses), stored once per process definition version."""
    with _encoding(_serializer(dialect).registry) as registry:
        dct = {"spec": registry.convert(workflow.spec),
               "subprocess_specs": {name: registry.convert(spec) for name, spec in workflow.subprocess_specs.items()}}
    return _dumps(dct, dialect)


def dump_state(workflow: BpmnWorkflow, dialect: str) -> bytes:
    """Serialize an instance without its specs, gzip-compressed."""
    dct = _to_dict(workflow, dialect)
    return gzip.compress(_dumps(dct, dialect).encode("utf-8"), compresslevel=5)


Specs = tuple  # (process spec, {name: subprocess spec}): parsed once, shared by every workflow


def parse_specs(spec: str, dialect: str) -> Specs:
    """Turn a stored spec into spec objects (read-only while running, so they can be shared)."""
    ser = _serializer(dialect)
    specs = json.loads(spec)
    return ser.from_dict(specs["spec"]), {key: ser.from_dict(value)
                                          for key, value in specs["subprocess_specs"].items()}


def new_workflow(specs: Specs) -> BpmnWorkflow:
    """A fresh workflow for parsed specs."""
    return BpmnWorkflow(specs[0], dict(specs[1]))


def load_state(specs: Specs, state: bytes, dialect: str) -> BpmnWorkflow:
    """Rebuild a workflow from its definition's parsed specs and its stored state."""
    ser = _serializer(dialect)
    dct = json.loads(gzip.decompress(state))
    dct["spec"], dct["subprocess_specs"] = specs[0], dict(specs[1])
    ser.migrate(dct)
    return ser.from_dict(dct)


def engine_data(data: dict) -> dict:
    """Data given to an instance, checked (``check_data``), with every moment kept as stored state
    keeps it: at its UTC offset. A zone object (``ZoneInfo``) cannot come back from the sandbox, so a
    due date given as local time would otherwise fail to evaluate on its first step."""
    check_data(data)
    return _fixed_offsets(data)


def _fixed_offsets(value):
    if isinstance(value, dict):
        return {key: _fixed_offsets(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_fixed_offsets(item) for item in value]
    if isinstance(value, dt.datetime) and value.tzinfo is not None and not isinstance(value.tzinfo, dt.timezone):
        return value.astimezone(dt.timezone(value.utcoffset() or dt.timedelta()))
    return value


def check_data(data: object, path: str = "", depth: int = 0) -> None:
    """Refuse data the serializer cannot round-trip (reserved keys, non-string keys, deep nesting)."""
    if depth > 32:
        raise DataError(f"data nested deeper than 32 levels at {path or 'top level'}")
    if isinstance(data, str):
        if "\x00" in data:  # PostgreSQL text and jsonb cannot hold it
            raise DataError(f"text at {path or 'top level'} contains the NUL character")
    elif isinstance(data, dict):
        for key, value in data.items():
            if not isinstance(key, str):
                raise DataError(f"data keys must be strings; {path or 'top level'} has {key!r}")
            if "\x00" in key:
                raise DataError(f"a data key at {path or 'top level'} contains the NUL character")
            if key in RESERVED_KEYS:
                raise DataError(f"'{key}' is a reserved name and cannot be used as a data key ({path or 'top'})")
            check_data(value, f"{path}.{key}" if path else key, depth + 1)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            check_data(value, f"{path}[{index}]", depth + 1)
