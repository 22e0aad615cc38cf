"""What the service learns after each engine step, in plain data (no SpiffWorkflow objects)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .specs import UserTaskInfo

ESCALATION_LEVELS = {"reminder": "reminder", "remind": "reminder", "提醒": "reminder",
                     "chase": "chase", "催办": "chase", "supervise": "supervise", "督办": "supervise"}


@dataclass(frozen=True)
class ReadyTask:
    """A READY user, manual or untyped task waiting for a person."""

    task_id: str
    info: UserTaskInfo
    due_at: dt.datetime | None = None
    assignee: str = ""  # a username, from the task's ``assignee`` property evaluated in its data


@dataclass(frozen=True)
class RaisedEscalation:
    """An escalation event that was thrown during this step."""

    event_task_id: str
    code: str
    name: str
    level: str
    lane: str
    attached_task_id: str | None = None  # a human task to show and chase (inside a subprocess: one open there)
    activity_task_id: str | None = None  # the activity the boundary event hangs on; the escalation ends with it


@dataclass(frozen=True)
class Incident:
    """A task that raised: the instance is in error until retried.

    ``raised``: it raised in this step (the message is its cause); a task that failed in an earlier
    step and still waits for a retry is listed with ``raised`` false, its cause kept where it was
    recorded then.
    """

    task_id: str
    bpmn_id: str
    message: str
    line: int | None = None
    error_line: str = ""
    raised: bool = True


@dataclass(frozen=True)
class ThrownEvent:
    """A message or signal thrown that nothing inside the instance caught."""

    kind: str
    name: str
    payload: object = None
    correlations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class WaitingEvent:
    """A catch event (message, signal, timer...) the instance is parked on."""

    kind: str
    name: str
    due_at: dt.datetime | None = None


@dataclass
class Snapshot:
    """The result of one engine step: the state to store and its projections."""

    state: bytes
    status: str
    ready_tasks: list[ReadyTask]
    waiting: list[WaitingEvent]
    escalations: list[RaisedEscalation] = field(default_factory=list)
    thrown: list[ThrownEvent] = field(default_factory=list)
    incidents: list[Incident] = field(default_factory=list)  # one per failed task, the one raised now first
    completed_ids: set[str] = field(default_factory=set)  # tasks (activities) completed during this step

    @property
    def incident(self) -> Incident | None:
        """The step's incident: the task that raised now, else one that failed before."""
        return self.incidents[0] if self.incidents else None

    @property
    def next_timer_at(self) -> dt.datetime | None:
        due = [w.due_at for w in self.waiting if w.kind == "timer" and w.due_at is not None]
        return min(due) if due else None


def escalation_level(code: str, name: str) -> str:
    """Map an escalation code (or name) to duban's ladder; unknown codes count as a chase."""
    for word in (code or "", name or ""):
        level = ESCALATION_LEVELS.get(word.strip().lower())
        if level:
            return level
    return "chase"
