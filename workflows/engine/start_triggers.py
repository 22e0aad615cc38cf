"""How a process may be started besides by hand: by the message, signal or timer a start event waits for.

Deploy reads each top-level start event that waits for one (``start_triggers``); the service starts
an instance when the message or signal is sent or the timer falls due, and the engine then begins
the instance at that start event alone (``fire_start_event``): no other start event runs, and the
timer or message is taken as already arrived (the instance does not wait for it a second time).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.util.task import TaskState

from .errors import EngineError
from .expressions import constant


@dataclass(frozen=True)
class StartTrigger:
    """A start event that waits for something: ``kind`` message, signal or timer; ``name`` the
    message's or signal's name, or the timer start event's id; ``timer`` a timer's value when it is
    written as a literal (an ISO 8601 date, duration or repeating interval), else ""."""

    kind: str
    name: str
    timer: str = ""


def start_triggers(process_spec) -> tuple[StartTrigger, ...]:
    found = []
    for spec in process_spec.bpmn_start_events:
        if spec._wf_spec is not process_spec:
            continue
        definition = spec.event_definition
        if isinstance(definition, MessageEventDefinition):
            found.append(StartTrigger("message", definition.name))
        elif isinstance(definition, SignalEventDefinition):
            found.append(StartTrigger("signal", definition.name))
        elif isinstance(definition, TimerEventDefinition):
            value = constant(definition.expression)
            found.append(StartTrigger("timer", spec.bpmn_id or spec.name, value if isinstance(value, str) else ""))
    return tuple(found)


def _answers(spec, trigger: StartTrigger) -> bool:
    definition = spec.event_definition
    if trigger.kind == "message":
        return isinstance(definition, MessageEventDefinition) and definition.name == trigger.name
    if trigger.kind == "signal":
        return isinstance(definition, SignalEventDefinition) and definition.name == trigger.name
    return isinstance(definition, TimerEventDefinition) and (spec.bpmn_id or spec.name) == trigger.name


def fire_start_event(workflow, trigger: StartTrigger, payload: object) -> None:
    """Begin a new (not yet run) workflow at the start event waiting for ``trigger``, its payload the event's."""
    starts = [task for task in workflow.get_tasks(state=TaskState.NOT_FINISHED_MASK, skip_subprocesses=True)
              if isinstance(task.task_spec, StartEvent) and task.workflow is workflow]
    chosen = next((task for task in starts if _answers(task.task_spec, trigger)), None)
    if chosen is None:
        raise EngineError(f"the process has no start event waiting for {trigger.kind} {trigger.name!r}")
    for task in starts:
        if task is not chosen:
            task.cancel()
    definition = chosen.task_spec.event_definition
    definition.catch(chosen, BpmnEvent(definition, payload=payload if payload is not None else {}))
    if isinstance(definition, CycleTimerEventDefinition):
        # SpiffWorkflow runs a cycle start event's path once per repetition inside one instance, adding
        # the path when a repetition falls due; here each repetition is an instance of its own
        for output in chosen.task_spec.outputs:
            child = chosen._add_child(output, TaskState.MAYBE)
            child.task_spec._predict(child, mask=TaskState.NOT_FINISHED_MASK)


def first_start_at(timer: str, since: dt.datetime) -> dt.datetime | None:
    """When a timer start event first starts an instance, counted from ``since`` (its version's
    activation); None for a value that is not an ISO 8601 date, duration or repeating interval."""
    try:
        if timer.upper().startswith("R"):
            _count, start, interval = TimerEventDefinition.parse_iso_recurring_interval(timer)
            return start if timer.count("/") == 2 else since + interval  # R3/<start>/PT1H or R3/PT1H
        if timer.upper().startswith("P"):
            return since + TimerEventDefinition.get_timedelta_from_start(
                TimerEventDefinition.parse_iso_duration(timer), since)
        return TimerEventDefinition.get_datetime(timer)
    except Exception:  # not a value SpiffWorkflow reads
        return None


def next_start_at(timer: str, previous: dt.datetime, started: int) -> dt.datetime | None:
    """After ``started`` instances, the next start of a repeating timer start event (None: no more)."""
    if not timer.upper().startswith("R"):
        return None
    count, _start, interval = TimerEventDefinition.parse_iso_recurring_interval(timer)
    if 0 <= count <= started:  # R3/...: three starts; R/...: no end
        return None
    return previous + interval
