"""Errors and escalations caught where BPMN says: by the innermost enclosing scope that catches them.

From the thrower's own (sub)process outwards, each scope is asked in turn: first an event
subprocess inside it whose start event catches the code, then a boundary event on the activity the
scope runs in. An event no scope catches is left to the instance, as SpiffWorkflow leaves it.

SpiffWorkflow 3.2 offers a Spiff-dialect error or escalation to every waiting catch event of the
instance, a BPMN-dialect one to boundary events only, and parses no error or escalation start
event (``parser._EventSubprocessStarts`` does). The definitions below are what a stored spec's error
and escalation definitions restore as (``serializer``), so every instance throws this way.
"""
from __future__ import annotations

from copy import deepcopy

from SpiffWorkflow.bpmn.specs.defaults import StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util import BpmnEvent, PendingBpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import ErrorEventDefinition as SpiffErrorEventDefinition
from SpiffWorkflow.spiff.specs.event_definitions import EscalationEventDefinition as SpiffEscalationEventDefinition
from SpiffWorkflow.util.task import TaskState


class EventSubprocessStart(StartEvent):
    """The start event of an event subprocess; an interrupting one, when it fires, cancels the rest
    of the scope the event subprocess is in (SpiffWorkflow runs every event subprocess beside it)."""

    def __init__(self, wf_spec, bpmn_id, event_definition, interrupting: bool = True, **kwargs):
        super().__init__(wf_spec, bpmn_id, event_definition, **kwargs)
        self.interrupting = interrupting

    def _run_hook(self, my_task):
        if self.interrupting:
            _interrupt_scope(my_task.workflow)
        return super()._run_hook(my_task)


def wire_event_subprocesses(process_specs) -> None:
    """Connect each triggered event subprocess to its scope's start and end in the spec, once, at deploy.

    SpiffWorkflow connects one the first time it is triggered, on the spec: a spec shared by every
    instance (and stored once) then starts the event subprocess with each new instance, or, read
    back without the connection, refuses to run it ("no input task connected"). Only the
    subprocess's own inputs name the start, so a start never begins it by itself.
    """
    for spec in process_specs:
        for name in spec.start.trigger_specs:
            task_spec = spec.task_specs[name]
            if spec.start.name not in task_spec._inputs:
                task_spec._inputs.append(spec.start.name)
            if spec.end.name not in task_spec._outputs:
                task_spec.connect(spec.end)


def _interrupt_scope(event_subprocess) -> None:
    top = event_subprocess.top_workflow
    holder = top.get_task_from_id(event_subprocess.parent_task_id)  # the event subprocess's own task
    for task in list(holder.parent.children):
        if task is not holder:
            task.cancel()


class _ScopedThrow:
    def throw(self, my_task):
        throw_in_scope(my_task, BpmnEvent(self, payload=self.payload(my_task), target=my_task.workflow))

    def details(self, my_task):  # what the instance waits for, under SpiffWorkflow's name for the event
        return PendingBpmnEvent(self.name, _TYPENAMES[type(self)], self.code)


class _BpmnPayload:
    def payload(self, my_task):
        return deepcopy(my_task.data)


class BpmnError(_ScopedThrow, _BpmnPayload, ErrorEventDefinition):
    pass


class BpmnEscalation(_ScopedThrow, _BpmnPayload, EscalationEventDefinition):
    pass


class _SpiffPayload:
    def payload(self, my_task):
        if self.expression is None:
            return None
        return my_task.workflow.script_engine.evaluate(my_task, self.expression)


class SpiffError(_ScopedThrow, _SpiffPayload, SpiffErrorEventDefinition):
    pass


class SpiffEscalation(_ScopedThrow, _SpiffPayload, SpiffEscalationEventDefinition):
    pass


_TYPENAMES = {BpmnError: "ErrorEventDefinition", SpiffError: "ErrorEventDefinition",
              BpmnEscalation: "EscalationEventDefinition", SpiffEscalation: "EscalationEventDefinition"}


def throw_in_scope(my_task, event: BpmnEvent) -> None:
    top = my_task.workflow.top_workflow
    scope = my_task.workflow
    while scope is not None:
        if _caught_by_event_subprocess(top, scope, event) or _caught_by_boundary_event(top, scope, event):
            return
        scope = scope.parent_workflow
    top.bpmn_events.append(event)


def _most_specific(catchers: list, definition_of) -> list:
    """A catch naming the code before one catching every code; the first of them only."""
    ranked = sorted(catchers, key=lambda c: definition_of(c).code is None)
    return ranked[:1]


def _caught_by_event_subprocess(top, scope, event: BpmnEvent) -> bool:
    catching = {name: start.event_definition for name in scope.spec.start.trigger_specs
                for start in top.subprocess_specs[name].bpmn_start_events
                if start.event_definition == event.event_definition}
    if not catching:
        return False
    [name] = _most_specific(list(catching), catching.get)
    holder_id = scope.spec.start.trigger_wf(scope.task_tree, name)
    holder = top.get_task_from_id(holder_id)
    holder.task_spec._predict(holder, mask=TaskState.NOT_FINISHED_MASK)  # its way on to the scope's end
    subprocess = top.subprocesses[holder_id]
    starts = [t for t in subprocess.get_tasks(state=TaskState.WAITING)
              if isinstance(t.task_spec, StartEvent) and t.task_spec.catches(t, event)]
    _deliver(starts[:1], event)
    return True


def _caught_by_boundary_event(top, scope, event: BpmnEvent) -> bool:
    if scope is top:
        return False
    activity = top.get_task_from_id(scope.parent_task_id)
    split = activity.parent
    boundaries = [t for t in (split.children if split is not None else [])
                  if isinstance(t.task_spec, BoundaryEvent) and t.task_spec.catches(t, event)]
    _deliver(_most_specific(boundaries, lambda t: t.task_spec.event_definition), event)
    return bool(boundaries)


def _deliver(catchers: list, event: BpmnEvent) -> None:
    for task in catchers:
        task.task_spec.catch(task, event)
        task.task_spec._update(task)
