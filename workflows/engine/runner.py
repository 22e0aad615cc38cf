"""Run process instances: start, complete a task, fire timers, deliver events, move moments, retry, cancel.

Every function takes the definition's spec and the instance's stored state and returns a
``Snapshot``; nothing here touches the database, settings or a request.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import _EndJoin
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.defaults import ServiceTask as PlainServiceTask
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    EscalationEventDefinition,
    SignalEventDefinition,
)
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent, ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.util.task import TaskState

from . import bounds, serializer
from .errors import EngineError, ScriptError
from .limits import Limits
from .scripting import ScriptEngine
from .snapshot import (
    Incident,
    RaisedEscalation,
    ReadyTask,
    Snapshot,
    ThrownEvent,
    WaitingEvent,
    escalation_level,
)
from .specs import describe
from .start_triggers import StartTrigger, fire_start_event

_EVENT_KINDS = {"MessageEventDefinition": "message", "SignalEventDefinition": "signal",
                "TimeDateEventDefinition": "timer", "DurationTimerEventDefinition": "timer",
                "CycleTimerEventDefinition": "timer", "ConditionalEventDefinition": "condition"}


class Process:
    """A deployed process version: its spec text and dialect, bound to a script engine and to limits."""

    def __init__(self, spec: str, dialect: str, time_limit: float = 2.0, memory_limit_mb: int = 256,
                 limits: Limits | None = None):
        self.dialect = dialect
        self.specs = serializer.parse_specs(spec, dialect)
        bounds.bind(self.specs, limits or Limits())
        self.script_engine = ScriptEngine(time_limit, memory_limit_mb)
        self.catches_messages_or_signals = _catches_messages_or_signals(self.specs)
        self.rules = _rules_that_apply(self.specs)

    def _load(self, state: bytes) -> BpmnWorkflow:
        workflow = serializer.load_state(self.specs, state, self.dialect)
        workflow.script_engine = self.script_engine
        return workflow

    def _blank(self) -> BpmnWorkflow:
        return serializer.new_workflow(self.specs)

    # --- operations -------------------------------------------------------------------------

    def start(self, data: dict | None = None, trigger: StartTrigger | None = None,
              payload: object = None) -> Snapshot:
        """Create an instance, hand it the start data and run it to its first wait.

        With a ``trigger`` (a message, signal or due timer), the start event waiting for it begins
        the instance, with ``payload`` as the event's, and no other start event does.
        """
        data = serializer.engine_data(data or {})
        serializer.check_data(payload if isinstance(payload, dict) else {})
        workflow = self._blank()
        workflow.script_engine = self.script_engine
        workflow.get_next_task(spec_name="Start").data.update(data)
        if trigger is not None:
            fire_start_event(workflow, trigger, payload)
        return _step(workflow, self.dialect, self.rules, lambda: None)

    def complete(self, state: bytes, task_id: str, data: dict | None = None) -> Snapshot:
        """Complete a READY human task with the submitted data and run on."""
        data = serializer.engine_data(data or {})
        workflow = self._load(state)
        task = _ready_human_task(workflow, task_id)

        def body():
            task.data.update(data)
            task.run()
        return _step(workflow, self.dialect, self.rules, body)

    def fire_timers(self, state: bytes) -> Snapshot:
        """Fire every timer that is due now and run on."""
        workflow = self._load(state)
        return _step(workflow, self.dialect, self.rules, workflow.refresh_timers)

    def deliver(self, state: bytes, kind: str, name: str, payload: object = None,
                correlations: dict | None = None) -> Snapshot:
        """Deliver a message or signal from outside; EngineError if nothing waits for it."""
        serializer.check_data(payload if isinstance(payload, dict) else {})
        workflow = self._load(state)
        definition = _waiting_definition(workflow, kind, name)
        if definition is None:
            raise EngineError(f"the instance is not waiting for {kind} {name!r}")
        event = BpmnEvent(definition, payload=payload if payload is not None else {},
                          correlations=correlations or {})

        def body():
            try:
                workflow.send_event(event)
            except WorkflowException as exc:
                raise EngineError(f"the instance did not accept {kind} {name!r}: {exc}") from exc
        return _step(workflow, self.dialect, self.rules, body)

    def move_moments(self, state: bytes, moments: dict[str, dt.datetime]) -> Snapshot:
        """Give data fields holding moments new values in every open part of the instance, and have
        the date timers that wait on one of those fields read it again (Flowable's
        ``rescheduleTimeDateJob``, Camunda's ``setVariables`` and ``recalculateJobDuedate``).

        A timer that has fired already stays fired; a moved moment already past fires now. Task due
        dates that name a moved field follow it. EngineError if no open task holds one of the fields.
        """
        moments = serializer.engine_data(moments)
        workflow = self._load(state)
        holders = [task for task in _open_tasks(workflow) if moments.keys() & task.data.keys()]
        if not holders:
            raise EngineError(f"no open task of the instance holds {', '.join(sorted(moments))}")

        timers = [task for task in workflow.event_manager.tasks.values()
                  if isinstance(task.task_spec.event_definition, TimeDateEventDefinition)
                  and task.task_spec.event_definition.expression.strip() in moments
                  and not task._get_internal_data("event_fired", False)]

        def body():
            # a waiting event takes its data from the task before it (the boundary split) each time it is
            # looked at, so that task's data moves too
            for task in [*holders, *(timer.parent for timer in timers if timer.parent is not None)]:
                task.data.update({name: value for name, value in moments.items() if name in task.data})
            for timer in timers:
                timer.internal_data.pop("event_value", None)  # read again from the moved field
        return _step(workflow, self.dialect, self.rules, body)

    def retry(self, state: bytes, data: dict | None = None) -> Snapshot:
        """Run the tasks that failed again, after patching their data."""
        data = serializer.engine_data(data or {})
        workflow = self._load(state)
        failed = workflow.get_tasks(state=TaskState.ERROR)
        if not failed:
            raise EngineError("the instance has no failed task to retry")

        def body():
            for task in failed:
                task.data.update(data)
                task.run()
        return _step(workflow, self.dialect, self.rules, body)

    def cancel(self, state: bytes) -> Snapshot:
        """Cancel every open task (terminate)."""
        workflow = self._load(state)
        workflow.cancel()
        return _snapshot(workflow, self.dialect, [], None)

    def data(self, state: bytes) -> dict:
        """The instance's current data (the last completed task's data)."""
        workflow = self._load(state)
        return dict(workflow.data or {}) | dict(_latest_data(workflow))

    def inspect(self, state: bytes) -> tuple[set[str], dt.datetime | None]:
        """The stored state's READY human task ids and earliest waiting timer (for consistency checks)."""
        workflow = self._load(state)
        timers = [w.due_at for w in _waiting_events(workflow) if w.kind == "timer" and w.due_at is not None]
        return {str(t.id) for t in _human_ready(workflow)}, min(timers) if timers else None


def _catches_messages_or_signals(specs) -> bool:
    """Can an instance of these specs ever wait for a message or a signal?"""
    for process in [specs[0], *specs[1].values()]:
        for task_spec in process.task_specs.values():
            definition = getattr(task_spec, "event_definition", None)
            if not isinstance(task_spec, CatchingEvent) or definition is None:
                continue
            parts = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
            if any(isinstance(part, MessageEventDefinition | SignalEventDefinition) for part in parts):
                return True
    return False


def _waiting_definition(workflow: BpmnWorkflow, kind: str, name: str):
    """The catch event definition (of the parser's own class) waiting for this message or signal."""
    wanted = MessageEventDefinition if kind == "message" else SignalEventDefinition
    for task in workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        parts = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
        for part in parts:
            if isinstance(part, wanted) and part.name == name:
                return part
    return None


def _open_tasks(workflow: BpmnWorkflow) -> list:
    """The unfinished tasks of the instance and of its subprocesses."""
    parts = [workflow, *workflow.subprocesses.values()]
    return list({task.id: task for part in parts for task in part.get_tasks(state=TaskState.NOT_FINISHED_MASK)}
                .values())


def _latest_data(workflow: BpmnWorkflow) -> dict:
    done = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.last_state_change]
    return max(done, key=lambda t: t.last_state_change).data if done else {}


def _ready_human_task(workflow: BpmnWorkflow, task_id: str):
    try:
        task = workflow.get_task_from_id(UUID(str(task_id)))
    except (ValueError, SpiffWorkflowException):
        task = None
    if task is None:
        raise EngineError(f"task {task_id} is not part of this instance")
    if not task.task_spec.manual:
        raise EngineError(f"task {task_id} is not a human task")
    if task.state != TaskState.READY:
        raise EngineError(f"task {task_id} is {TaskState.get_name(task.state).lower()}, not ready")
    return task


def _step(workflow: BpmnWorkflow, dialect: str, rules: Rules, body) -> Snapshot:
    """Run ``body`` then the engine; a failure inside becomes an incident, not an exception."""
    completed: list = []
    running: list = []
    incident = None
    try:
        body()
        _run_engine(workflow, completed, running, rules)
        workflow.refresh_timers()
        _run_engine(workflow, completed, running, rules, settled=True)
    except SpiffWorkflowException as exc:
        incident = _incident(workflow, exc)
    except RecursionError:
        incident = _failed(workflow, running, EngineError("the process loops too deeply for the engine"))
    except EngineError:
        raise
    except Exception as exc:  # the engine trips over some models with KeyError, AttributeError...
        incident = _failed(workflow, running, EngineError(f"the engine failed: {type(exc).__name__}: {exc}"))
    return _snapshot(workflow, dialect, completed, incident)


def _failed(workflow: BpmnWorkflow, running: list, error: EngineError) -> Incident:
    """Mark the task the engine was running as failed, so the incident can be retried."""
    task = running[-1] if running else None
    if task is not None and not task.has_state(TaskState.FINISHED_MASK):
        task.error()
    exc = WorkflowException(str(error))
    exc.task = task
    return _incident(workflow, exc)


class Rules(NamedTuple):
    """Which of the rules the engine lacks can apply to a process (its specs have the elements)."""

    idle_service_tasks: bool  # service tasks without a connector
    event_subprocesses: bool  # (event) subprocesses that may never start


def _rules_that_apply(specs) -> Rules:
    task_specs = [spec for process in (specs[0], *specs[1].values()) for spec in process.task_specs.values()]
    return Rules(idle_service_tasks=any(type(spec) is PlainServiceTask for spec in task_specs),
                 event_subprocesses=any(isinstance(spec, SubWorkflowTask) for spec in task_specs))


def _run_engine(workflow: BpmnWorkflow, completed: list, running: list, rules: Rules, settled: bool = False) -> None:
    """Engine steps, plus two rules the engine lacks (see docs/decisions.md):
    service tasks without a connector complete as no-ops, and event subprocesses that never
    started end with their parent instead of keeping it open forever. A rule whose elements the
    process does not have is not looked for (each look walks the task tree).

    ``settled``: the workflow was run to a wait before (only timers were refreshed since), so if the
    engine has nothing to run, neither rule can apply and the walks over the tasks are skipped.
    """
    for _ in range(1000):
        before = len(running)
        _engine_steps(workflow, running.append, completed.append)
        if settled and len(running) == before:
            return
        settled = False
        idle = [t for t in workflow.get_tasks(state=TaskState.STARTED) if type(t.task_spec) is PlainServiceTask] \
            if rules.idle_service_tasks else []
        for task in idle:
            task.complete()
            completed.append(task)
        if not idle and not (rules.event_subprocesses and _end_untriggered_event_subprocesses(workflow)):
            return


def _engine_steps(workflow: BpmnWorkflow, will_complete_task, did_complete_task) -> None:
    """``BpmnWorkflow.do_engine_steps`` (SpiffWorkflow 3.2), walking a (sub)process for READY engine
    tasks only when the workflow has one.

    SpiffWorkflow walks the task tree of every active subprocess until a walk finds nothing to
    run, then the whole tree again, and repeats all of it until nothing ran; the loop was two
    fifths of firing a timer, and most of its walks find nothing. A look over the tasks a walk can
    reach (no tree walk) tells first whether any READY engine task exists there; when one does, the
    walk is SpiffWorkflow's own, so tasks run in the same order.
    """
    while _engine_pass(workflow, will_complete_task, did_complete_task):
        pass
    workflow.refresh_timers()


def _engine_pass(workflow: BpmnWorkflow, will_complete_task, did_complete_task) -> bool:
    def update_workflow(wf) -> int:
        if not _has_ready_engine_task(workflow, wf):
            return 0
        count = 0
        for task in wf.get_tasks(state=TaskState.READY):
            if not task.task_spec.manual:
                will_complete_task(task)
                task.run()
                count += 1
                did_complete_task(task)
        return count

    active_subprocesses = workflow.get_active_subprocesses()
    for subprocess in sorted(active_subprocesses, key=lambda v: v.depth, reverse=True):
        count = None
        while count is None or count > 0:
            count = update_workflow(subprocess)
        if subprocess.parent_task_id is not None:
            task = workflow.get_task_from_id(subprocess.parent_task_id)
            task.task_spec._update(task)
    count = update_workflow(workflow)
    return count > 0 or len(workflow.get_active_subprocesses()) > len(active_subprocesses)


def _has_ready_engine_task(workflow: BpmnWorkflow, wf) -> bool:
    """Could a walk of ``wf`` (the workflow or one of its subprocesses) find a READY task that is not
    a person's? It reaches ``wf``'s own tasks and those of the subprocesses inside it."""
    processes = [workflow, *workflow.subprocesses.values()] if wf is workflow else \
        [wf, *(sp for sp in workflow.subprocesses.values() if sp is not wf and _inside(sp, wf, workflow))]
    for process in processes:
        for task in process.tasks.values():
            if task.state == TaskState.READY and not task.task_spec.manual:
                return True
    return False


def _inside(subprocess, wf, workflow: BpmnWorkflow) -> bool:
    """Is ``subprocess`` nested (at any depth) in the subprocess ``wf``?"""
    process = subprocess
    while process is not workflow and process is not None:
        process = process.parent_workflow
        if process is wf:
            return True
    return False


_ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def _end_untriggered_event_subprocesses(workflow: BpmnWorkflow) -> bool:
    """Where a (sub)process waits only on event subprocesses whose start never fired, cancel them."""
    ended = False
    for process in [workflow, *workflow.subprocesses.values()]:
        # Looks over the process's own tasks first, not walks: no end waits here, or something
        # other than a subprocess is still active.
        if not any(isinstance(t.task_spec, _EndJoin) and t.state == TaskState.WAITING for t in process.tasks.values()):
            continue
        if not all(isinstance(t.task_spec, _EndJoin | SubWorkflowTask)
                   for t in process.tasks.values() if t.has_state(_ACTIVE)):
            continue
        tasks = process.get_tasks(state=_ACTIVE, skip_subprocesses=True)
        joins = [t for t in tasks if isinstance(t.task_spec, _EndJoin) and t.state == TaskState.WAITING]
        others = [t for t in tasks if not isinstance(t.task_spec, _EndJoin)]
        if not joins or not others or not all(_untriggered_event_subprocess(workflow, t) for t in others):
            continue
        for task in others:
            workflow.cancel(workflow.subprocesses[task.id])
            task.cancel()
        for join in joins:
            join.task_spec._update(join)
        ended = True
    return ended


def _untriggered_event_subprocess(workflow: BpmnWorkflow, task) -> bool:
    """An embedded subprocess still parked on its start event (only event subprocesses park there).

    Judged by state, not by spec class: the parser builds nested event subprocesses as plain ones.
    """
    if not isinstance(task.task_spec, SubWorkflowTask) or task.id not in workflow.subprocesses:
        return False
    inner = workflow.subprocesses[task.id]
    waiting = inner.get_tasks(state=TaskState.WAITING)
    started = [t for t in inner.get_tasks(state=TaskState.FINISHED_MASK) if t.task_spec.name != "Start"]
    return bool(waiting) and not started and all(isinstance(t.task_spec, StartEvent) for t in waiting)


def _incident(workflow: BpmnWorkflow, exc: Exception) -> Incident:
    task = getattr(exc, "task", None)
    if task is None:
        failed = workflow.get_tasks(state=TaskState.ERROR)
        task = failed[0] if failed else None
    notes = getattr(exc, "notes", None) or []
    message = str(exc.args[0] if exc.args else exc)
    cause = _wrapped(exc)
    if cause is not None and str(cause) not in message:
        message += ": " + (str(cause) if isinstance(cause, ScriptError) else f"{type(cause).__name__}: {cause}")
    if notes:
        message += " (" + "; ".join(str(n) for n in notes) + ")"
    return Incident(
        task_id=str(task.id) if task is not None else "",
        bpmn_id=(task.task_spec.bpmn_id or task.task_spec.name) if task is not None else "",
        message=message, line=getattr(exc, "line_number", None) or None,
        error_line=getattr(exc, "error_line", "") or "",
    )


def _still_failed(task) -> Incident:
    """A task that failed in an earlier step and was not retried in this one."""
    return Incident(task_id=str(task.id), bpmn_id=task.task_spec.bpmn_id or task.task_spec.name,
                    message="a task failed", raised=False)


def _wrapped(exc: Exception) -> BaseException | None:
    """The error the engine wrapped without its words ("Error evaluating expression ..."): raised while
    handling it, and named by its ``error_type``."""
    context = exc.__cause__ or exc.__context__
    if context is not None and getattr(exc, "error_type", "") == type(context).__name__:
        return context
    return None


def _human_ready(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _snapshot(workflow: BpmnWorkflow, dialect: str, completed: list, incident: Incident | None) -> Snapshot:
    # One walk over the task tree for both what waits for a person and what failed.
    tasks = workflow.get_tasks(state=TaskState.READY | TaskState.ERROR)
    ready = [ReadyTask(task_id=str(t.id), info=(info := describe(t.task_spec)), due_at=_task_due(t, info),
                       assignee=_task_assignee(t, info))
             for t in tasks if t.state == TaskState.READY and t.task_spec.manual]
    waiting = _waiting_events(workflow)
    incidents = [incident] if incident is not None else []
    incidents += [_still_failed(t) for t in tasks
                  if t.state == TaskState.ERROR and (incident is None or str(t.id) != incident.task_id)]
    if incidents:
        status = "error"
    elif workflow.completed:
        status = "completed"
    elif ready:
        status = "running"
    else:
        status = "waiting"
    return Snapshot(
        state=serializer.dump_state(workflow, dialect), status=status, ready_tasks=ready, waiting=waiting,
        escalations=[e for t in completed if (e := _escalation(t)) is not None],
        completed_ids={str(t.id) for t in completed if t.has_state(TaskState.COMPLETED)},
        thrown=[e for e in (_thrown(ev) for ev in workflow.get_events()) if e is not None],
        incidents=incidents,
    )


def _task_assignee(task, info) -> str:
    """The username a task's ``assignee`` property names (an expression over the task data)."""
    expression = info.properties.get("assignee")
    if not expression:
        return ""
    try:
        value = task.workflow.script_engine.evaluate(task, expression)
    except Exception:  # a bad expression leaves the task to its lane's candidates
        return ""
    return str(value) if isinstance(value, str | int) else ""


def _task_due(task, info) -> dt.datetime | None:
    """A task's due date from its ``dueDate`` (expression or ISO literal) or ``dueIn`` (duration)."""
    try:
        if info.properties.get("dueDate"):
            value = task.workflow.script_engine.evaluate(task, info.properties["dueDate"])
            return _due(value) if value else None
        if info.properties.get("dueIn"):
            duration = TimerEventDefinition.parse_iso_duration(info.properties["dueIn"].strip())
            start = task.last_state_change and dt.datetime.fromtimestamp(task.last_state_change, dt.UTC)
            start = start or dt.datetime.now(dt.UTC)
            return start + TimerEventDefinition.get_timedelta_from_start(duration, start)
    except Exception:  # a bad due expression must not stop the process; the task just has no due date
        return None
    return None


def _waiting_events(workflow: BpmnWorkflow) -> list[WaitingEvent]:
    """Every catch event the instance waits on; a multiple event (event gateway) counts each part."""
    waiting = []
    for task in workflow.event_manager.tasks.values():
        definition = task.task_spec.event_definition
        parts = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
        for part in parts:
            details = part.details(task)
            kind = _EVENT_KINDS.get(details.event_type, details.event_type)
            waiting.append(WaitingEvent(kind=kind, name=str(details.name or part.name or ""),
                                        due_at=_due(details.value) if kind == "timer" else None))
    return waiting


def _due(value) -> dt.datetime | None:
    if isinstance(value, dict):
        value = value.get("next")
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59, 59), dt.UTC)
    try:
        return TimerEventDefinition.get_datetime(str(value))
    except (TypeError, ValueError):
        return None


def _escalation(task) -> RaisedEscalation | None:
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    if not isinstance(spec, ThrowingEvent) or not isinstance(definition, EscalationEventDefinition):
        return None
    code = str(definition.code or "")
    activity = _boundary_host(task)
    return RaisedEscalation(
        event_task_id=str(task.id), code=code, name=str(definition.name or spec.bpmn_name or ""),
        level=escalation_level(code, spec.bpmn_name or ""), lane=spec.lane or "",
        attached_task_id=_open_human_task(task.workflow.top_workflow, activity),
        activity_task_id=str(activity.id) if activity is not None else None,
    )


def _boundary_host(task):
    """The activity a boundary event path hangs off (the late task or subprocess)."""
    node = task.parent
    while node is not None:
        if isinstance(node.task_spec, BoundaryEventSplit):
            hosts = [c for c in node.children if not isinstance(c.task_spec, CatchingEvent)]
            return hosts[0] if hosts else None
        node = node.parent
    return None


def _open_human_task(workflow: BpmnWorkflow, activity) -> str | None:
    """The host itself if a person does it, else the first task waiting for a person inside it."""
    if activity is None:
        return None
    if activity.task_spec.manual:
        return str(activity.id)
    inner = workflow.subprocesses.get(activity.id)
    ready = inner.get_tasks(state=TaskState.READY, manual=True) if inner is not None else []
    return str(ready[0].id) if ready else None


def _thrown(event) -> ThrownEvent | None:
    definition = event.event_definition
    kind = {"MessageEventDefinition": "message", "SignalEventDefinition": "signal"}.get(type(definition).__name__)
    if kind is None:
        return None
    return ThrownEvent(kind=kind, name=str(definition.name), payload=event.payload,
                       correlations=dict(event.correlations or {}))
