"""Run-time limits, bound to a Process's parsed specs: what deploy cannot see in the XML.

A value built by an expression (a timer cycle, a multi-instance cardinality or collection) and a
nesting only running can reach (a process that calls itself, deployed before the deploy-time
check existed) are checked where the engine reads them; a breach stops the instance with an
incident naming the element and the limit, before the engine does the work.

Each Process parses its own spec objects, so binding its limits to them is safe.
"""
from __future__ import annotations

from collections.abc import Sized
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException, WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask

from .cycles import hold_cycle
from .limits import Limits


def bind(specs: tuple, limits: Limits) -> None:
    """Hold every cycle timer, multi-instance activity and (sub)process start of ``specs`` to ``limits``."""
    for process in (specs[0], *specs[1].values()):
        for task_spec in process.task_specs.values():
            if isinstance(task_spec, MultiInstanceTask):
                _hold_instances(task_spec, limits.max_instances)
            if isinstance(task_spec, SubWorkflowTask):
                _hold_depth(task_spec, limits.max_subprocess_depth)
            definition = getattr(task_spec, "event_definition", None)
            parts = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
            for part in parts:
                if isinstance(part, CycleTimerEventDefinition):
                    hold_cycle(part, limits)


def _hold_instances(spec: Any, limit: int) -> None:
    upstream = spec._update_hook

    def _update_hook(my_task):
        my_task._inherit_data()  # the engine's first step too: the cardinality reads the task's data
        planned = _planned_instances(spec, my_task)
        if planned is not None and planned > limit:
            raise WorkflowTaskException(
                f"the multi-instance activity would start {planned:,} instances; at most {limit:,} are allowed "
                "(DUBAN_MAX_MULTI_INSTANCE)", task=my_task)
        try:
            return upstream(my_task)
        except (TypeError, WorkflowDataException) as exc:  # the words, on the activity, when the data lacks it
            _require_collection(spec, my_task, exc)
            raise

    spec._update_hook = _update_hook


def _require_collection(spec: Any, my_task, error: Exception) -> None:
    """When the engine fails to start a multi-instance whose collection the task data lacks (a
    TypeError, reported on the task before it), the activity's incident names the collection."""
    reference = spec.data_input or spec.data_output  # Camunda's collection is the output reference
    if spec.cardinality is not None or reference is None:
        return
    if not reference.exists(my_task) or reference.get(my_task) is None:
        raise WorkflowTaskException(
            f"the multi-instance activity runs once for each item of {reference.bpmn_id!r}, which the task data "
            "does not hold; set it before the activity (a list, even an empty one)", task=my_task) from error


def _planned_instances(spec: Any, my_task) -> int | None:
    """How many instances the activity is about to start: its cardinality, or its collection's size."""
    try:
        if spec.cardinality is not None:
            value = my_task.workflow.script_engine.evaluate(my_task, spec.cardinality)
        else:
            reference = spec.data_input or spec.data_output  # Camunda's collection is the output reference
            value = reference.get(my_task) if reference is not None and reference.exists(my_task) else None
    except Exception:  # the engine reports a bad cardinality or collection itself, as it always has
        return None
    if isinstance(value, bool) or not isinstance(value, int | Sized):
        return None
    return value if isinstance(value, int) else len(value)


def _hold_depth(spec: Any, limit: int) -> None:
    upstream = spec.start_workflow

    def start_workflow(my_task):
        depth = my_task.workflow.depth + 1
        if depth > limit:
            my_task.error()
            called = f" (it calls {spec.spec!r}: does a process call itself?)" if isinstance(spec, CallActivity) else ""
            raise WorkflowTaskException(
                f"subprocesses would be nested {depth} deep; at most {limit} are allowed "
                f"(DUBAN_MAX_SUBPROCESS_DEPTH){called}", task=my_task)
        return upstream(my_task)

    spec.start_workflow = start_workflow
