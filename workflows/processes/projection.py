"""Write what an engine step produced: instance row, human tasks, escalations, incidents, audit.

Always called inside the transaction that holds the instance's row lock, right after the step,
so the rows never disagree with the stored state.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, transaction
from django.utils import timezone

from workflows.compiled import insert_returning, save_fields
from workflows.engine import Snapshot
from workflows.org.models import Unit
from workflows.org.roles import candidates_for_role, role_for_lane, unit_for_role

from . import notices
from .audit import audit_record, audit_record_new_chains
from .models import (
    AuditAction,
    AuditEvent,
    Escalation,
    EventSubscription,
    HumanTask,
    HumanTaskState,
    Incident,
    InstanceStatus,
    KeptMessage,
    ProcessInstance,
)
from .runtime import process_for
from .signals import instance_finished

_TERMINAL = (InstanceStatus.COMPLETED, InstanceStatus.TERMINATED)
_SAVED = ("state", "status", "next_timer_at", "revision", "ended_at", "updated_at")


@dataclass
class Step:
    """One engine step of one instance whose row lock the transaction holds, to be written."""

    instance: ProcessInstance
    snapshot: Snapshot
    actor: AbstractBaseUser | None = None
    completed_guid: str | None = None  # the task the actor completed
    task_rows: list[HumanTask] | None = None  # the open and completed rows, if already read under the lock
    open_escalations: bool | None = None  # whether the instance had open escalations (None: not known)
    # Worked out while writing:
    rows: dict[str, HumanTask] = field(default_factory=dict, init=False)  # task rows as the step left them
    done_before: set[str] = field(default_factory=set, init=False)  # bpmn ids of the completed tasks
    finishing: bool = field(default=False, init=False)  # the step ends the instance
    may_have_incident: bool = field(default=False, init=False)  # an open incident may need resolving


def snapshot_apply(*, instance: ProcessInstance, snapshot: Snapshot, actor: AbstractBaseUser | None,
                   completed_guid: str | None = None, task_rows: list[HumanTask] | None = None) -> None:
    """Store the snapshot's state and bring every projection row in line with it.

    ``task_rows``: the instance's open and completed task rows, if the caller read them under the
    instance's lock already (they are updated in place).
    """
    snapshots_apply([Step(instance, snapshot, actor, completed_guid, task_rows)])


def snapshots_apply(steps: list[Step]) -> None:
    """``snapshot_apply`` for the steps of several locked instances (a chunk of timers) at once.

    Each kind of row is read and written for all of them together, so a chunk costs about the
    queries of one step; the rows are those the steps would write one by one.
    """
    now = timezone.now()
    for step in steps:
        instance, snapshot = step.instance, step.snapshot
        step.finishing = snapshot.status in _TERMINAL and instance.status not in _TERMINAL
        # Only an instance in error (or suspended, or ending) can have an open incident to resolve.
        step.may_have_incident = instance.status not in (InstanceStatus.RUNNING, InstanceStatus.WAITING)
        instance.state = snapshot.state
        instance.status = snapshot.status
        instance.next_timer_at = snapshot.next_timer_at
        instance.revision += 1
        if snapshot.status in _TERMINAL and instance.ended_at is None:
            instance.ended_at = now
    save_fields([step.instance for step in steps], _SAVED)  # a chunk's rows in one round trip
    _sync_tasks(steps, now)
    _raise_escalations(steps, now)
    _close_escalations(steps, now)
    for step in steps:
        instance, snapshot = step.instance, step.snapshot
        if snapshot.incidents or step.may_have_incident:
            _sync_incidents(instance, snapshot, now)
        if process_for(instance.definition).catches_messages_or_signals:  # else it never has subscriptions
            _sync_subscriptions(instance, snapshot)
        if snapshot.status == InstanceStatus.COMPLETED:
            audit_record(action=AuditAction.COMPLETED, actor=step.actor, instance=instance)
        if step.finishing:
            instance_finished.send(sender=ProcessInstance, instance=instance, status=snapshot.status)
        if snapshot.thrown:
            events = [{"kind": e.kind, "name": e.name, "payload": e.payload, "correlations": e.correlations}
                      for e in snapshot.thrown]
            transaction.on_commit(lambda source=instance.pk, events=events: _route_later(source, events))


def is_plain_start(snapshot: Snapshot) -> bool:
    """A first step that only opened tasks and waits for them or for timers: nothing else to project."""
    return (snapshot.status not in _TERMINAL and not snapshot.escalations and not snapshot.incidents
            and not snapshot.thrown and not any(w.kind in ("message", "signal") for w in snapshot.waiting))


def snapshots_apply_new(pairs: list[tuple[ProcessInstance, Snapshot]], actor: AbstractBaseUser | None) -> None:
    """``snapshot_apply`` for instances created in this transaction whose first step was plain.

    They have no rows yet (tasks, escalations, incidents, subscriptions, audit), so nothing is read
    back and every row is written in bulk: the rows are those the one-by-one path writes.
    """
    if not all(is_plain_start(snapshot) for _, snapshot in pairs):
        raise ValueError("snapshots_apply_new takes plain first steps only")
    now = timezone.now()
    rows, events = [], []
    candidates = _candidates([(instance, [t.info.lane for t in snapshot.ready_tasks]) for instance, snapshot in pairs])
    for instance, snapshot in pairs:
        events.append(AuditEvent(action=AuditAction.STARTED, actor=_actor(actor), instance_id=instance.pk,
                                 definition_id=instance.definition_id, at=now, detail={
                                     "key": instance.definition.key, "version": instance.definition.version,
                                     "business_key": instance.business_key}))
        for ready in snapshot.ready_tasks:
            role = role_for_lane(ready.info.lane)
            row = _new_row(instance, ready, now, candidates[instance.pk, role][0])
            rows.append(row)
            events.append(AuditEvent(action=AuditAction.TASK_CREATED, instance_id=instance.pk, at=now,
                                     definition_id=instance.definition_id, task_guid=str(row.task_guid),
                                     detail={"bpmn_id": row.bpmn_id, "name": row.name}))
    insert_returning(rows)
    notices.new_instances_tasks_opened(rows, _known_holders(candidates))
    audit_record_new_chains(events)


# (instance id, role) -> (the candidate unit, its holders of the role; None where they were not read)
Candidates = dict[tuple[int, str], tuple[Unit | None, list | None]]


def _candidates(wanted: list[tuple[ProcessInstance, list[str]]]) -> Candidates:
    """The candidate unit (``candidate_unit``) of each instance's lanes' roles, with the holders of
    the role there: one query per role for all instances at once (per kind of unit)."""
    found: Candidates = {}
    resolve: dict[str, dict[int, ProcessInstance]] = {}
    for instance, lanes in wanted:
        for role in {role_for_lane(lane) for lane in lanes}:
            if instance.unit is None or ((instance.refs or {}).get("lane_units") or {}).get(role):
                found[instance.pk, role] = (candidate_unit(instance, role), None)
            else:
                resolve.setdefault(role, {})[instance.pk] = instance
    for role, instances in resolve.items():
        by_unit = candidates_for_role(role, list({i.unit.pk: i.unit for i in instances.values()}.values()))
        found.update({(pk, role): by_unit[i.unit.pk] for pk, i in instances.items()})
    return found


def _known_holders(candidates: Candidates) -> dict[tuple[int, str], list]:
    """The holders that came with the candidate units: (unit id, role) -> people."""
    return {(unit.pk, role): people for (_, role), (unit, people) in candidates.items()
            if unit is not None and people is not None and role}


def _actor(actor: AbstractBaseUser | None):
    return actor if actor is not None and actor.is_authenticated else None


def _take_kept_later(instance_id: int) -> None:
    from .tasks import take_kept_messages

    take_kept_messages.delay(instance_id)


def _route_later(source_id: int, events: list[dict]) -> None:
    from .tasks import route_thrown_events

    route_thrown_events.delay(source_id, json.loads(json.dumps(events, default=str)))


def _sync_tasks(steps: list[Step], now) -> None:
    """Bring the task rows in line; each step's ``rows``: the rows read or written, as they now stand."""
    unread = [step.instance.pk for step in steps if step.task_rows is None]
    read: dict[int, list[HumanTask]] = {pk: [] for pk in unread}
    if unread:
        for row in HumanTask.objects.filter(instance_id__in=unread,
                                            state__in=(HumanTaskState.READY, HumanTaskState.COMPLETED)):
            read[row.instance_id].append(row)
    opened: list[tuple[Step, list]] = []
    closed: list[HumanTask] = []
    moved: list[HumanTask] = []
    for step in steps:
        rows = step.task_rows if step.task_rows is not None else read[step.instance.pk]
        step.rows = {str(row.task_guid): row for row in rows}
        open_before = {str(row.task_guid) for row in rows if row.state == HumanTaskState.READY}
        step.done_before = _close_rows(step, rows, now, closed)
        opened.append((step, [t for t in step.snapshot.ready_tasks if t.task_id not in open_before]))
        moved += _follow_due_dates(step, open_before)
    save_fields(closed, ("state", "completed_at", "completed_by"))
    save_fields(moved, ("due_at",))
    wanted = [(step.instance, [t.info.lane for t in tasks]) for step, tasks in opened if tasks]
    candidates = _candidates(wanted) if wanted else {}
    new = [(step, _new_row(step.instance, t, now, candidates[step.instance.pk, role_for_lane(t.info.lane)][0]))
           for step, tasks in opened for t in tasks]
    insert_returning([row for _, row in new])
    notices.tasks_opened([(row, step.done_before) for step, row in new], _known_holders(candidates))
    for step, row in new:
        step.rows[str(row.task_guid)] = row
        audit_record(action=AuditAction.TASK_CREATED, instance=step.instance, task_guid=str(row.task_guid),
                     detail={"bpmn_id": row.bpmn_id, "name": row.name})


def _follow_due_dates(step: Step, open_before: set[str]) -> list[HumanTask]:
    """The rows still open whose due date the engine moved (an extension granted), set to it."""
    moved = []
    for ready in step.snapshot.ready_tasks:
        row = step.rows.get(ready.task_id)
        if ready.task_id in open_before and row is not None and row.due_at != ready.due_at:
            row.due_at = ready.due_at
            moved.append(row)
    return moved


def _close_rows(step: Step, rows: list[HumanTask], now, closed: list[HumanTask]) -> set[str]:
    """Mark the open rows the step left (completed by the actor, or cancelled), adding them to ``closed``;
    the bpmn ids of the instance's completed tasks (a task opened again among them was returned)."""
    ready = {t.task_id for t in step.snapshot.ready_tasks}
    done_before = {row.bpmn_id for row in rows if row.state == HumanTaskState.COMPLETED}
    for row in rows:
        guid = str(row.task_guid)
        if row.state != HumanTaskState.READY or guid in ready:
            continue
        done = guid == step.completed_guid
        actor = step.actor
        row.state = HumanTaskState.COMPLETED if done else HumanTaskState.CANCELLED
        row.completed_at = now
        row.completed_by = actor if done and actor is not None and actor.is_authenticated else None
        closed.append(row)
        if done:
            done_before.add(row.bpmn_id)
        else:
            audit_record(action=AuditAction.TASK_CANCELLED, actor=None, instance=step.instance, task_guid=guid)
    return done_before


def _new_row(instance: ProcessInstance, ready, now, unit: Unit | None) -> HumanTask:
    """The row of a task the step opened; ``unit``: its candidate unit (``candidate_unit``)."""
    info = ready.info
    role = role_for_lane(info.lane)
    # A task naming its person gets them; a lane-less task in an instance without a unit goes to
    # whoever started the instance.
    assignee = _user(ready.assignee) if ready.assignee else None
    if assignee is None and not role and unit is None:
        assignee = instance.started_by
    return HumanTask(
        instance=instance, task_guid=uuid.UUID(ready.task_id), bpmn_id=info.bpmn_id, name=info.name[:255],
        documentation=info.documentation, lane=info.lane, candidate_role=role, candidate_unit=unit,
        assignee=assignee, due_at=ready.due_at, form_key=_form_key(info), created_at=now,
    )


def candidate_unit(instance: ProcessInstance, role: str):
    """The unit whose holders of ``role`` act: named in the instance's ``lane_units``, else resolved."""
    named = ((instance.refs or {}).get("lane_units") or {}).get(role)
    if named:
        unit = Unit.objects.filter(pk=named).first()
        if unit is not None:
            return unit
    return unit_for_role(role, instance.unit)


def _user(username: str):
    return get_user_model().objects.filter(username=username).first()


def _form_key(info) -> str:
    if info.form_key:
        return info.form_key
    return f"inline:{info.bpmn_id}" if info.form_schema else ""


def _close_escalations(steps: list[Step], now) -> None:
    """An escalation closes when the activity it hangs on completes (a task or a whole subprocess),
    or when the instance ends; not when an interrupting timer cancels it (someone must still act).

    The open escalations of the steps' instances are read in one plain query and matched here: a
    filter OR-ing each instance's completed activities cost Django more than the database.
    """
    checked = {step.instance.pk: step for step in steps
               # none was open under the lock and the step raised none: nothing to close
               if step.open_escalations is not False or step.snapshot.escalations}
    if not checked:
        return
    open_rows = Escalation.objects.filter(instance_id__in=list(checked), closed_at__isnull=True)
    closing = [pk for pk, instance_id, activity in open_rows.values_list("pk", "instance_id", "activity_guid")
               if _closes(checked[instance_id], activity)]
    if closing:
        Escalation.objects.filter(pk__in=closing, closed_at__isnull=True).update(closed_at=now)


def _closes(step: Step, activity: uuid.UUID | None) -> bool:
    """Whether the step ends what an open escalation on ``activity`` hangs on."""
    if step.instance.status in _TERMINAL:
        return True
    if activity is None:
        return False
    return str(activity) in step.snapshot.completed_ids or (
        step.completed_guid is not None and uuid.UUID(step.completed_guid) == activity)


def _raise_escalations(steps: list[Step], now) -> None:
    raising = [step for step in steps if step.snapshot.escalations]
    if not raising:
        return
    # Under the instances' locks: what is not there yet can be created without a race.
    known = set(Escalation.objects.filter(
        instance_id__in=[step.instance.pk for step in raising],
        event_guid__in=[uuid.UUID(r.event_task_id) for step in raising for r in step.snapshot.escalations],
    ).values_list("instance_id", "event_guid"))
    new: list[tuple[Step, object, HumanTask | None]] = []
    for step in raising:
        for raised in step.snapshot.escalations:
            key = (step.instance.pk, uuid.UUID(raised.event_task_id))
            if key in known:
                continue
            known.add(key)
            task = None
            if raised.attached_task_id:
                task = step.rows.get(raised.attached_task_id) or step.instance.human_tasks.filter(
                    task_guid=raised.attached_task_id).first()
            new.append((step, raised, task))
    if not new:
        return
    candidates = _candidates([(step.instance, [raised.lane]) for step, raised, _ in new])
    escalations = []
    for step, raised, task in new:
        instance = step.instance
        role = role_for_lane(raised.lane)
        escalations.append(Escalation(
            instance=instance, event_guid=uuid.UUID(raised.event_task_id), human_task=task, level=raised.level,
            code=raised.code, name=raised.name[:255],
            activity_guid=uuid.UUID(raised.activity_task_id) if raised.activity_task_id else None,
            target_role=role, target_unit=candidates[instance.pk, role][0], raised_at=now,
            closed_at=now if instance.status in _TERMINAL else None))
    _insert_escalations(escalations)
    notices.escalations_raised(escalations, _known_holders(candidates))
    for (step, _, task), escalation in zip(new, escalations, strict=True):
        audit_record(action=AuditAction.ESCALATED, instance=step.instance,
                     task_guid=str(task.task_guid) if task else "",
                     detail={"level": escalation.level, "code": escalation.code, "target_role": escalation.target_role})


def _insert_escalations(rows: list[Escalation]) -> None:
    """Insert in one statement where the database returns the ids (the notices link to them), else one by one."""
    if connections[Escalation.objects.db].features.can_return_rows_from_bulk_insert:
        insert_returning(rows)
    else:
        for row in rows:
            row.save(force_insert=True)


def _sync_incidents(instance, snapshot, now) -> None:
    """One open incident per failed task, keeping the cause it was raised with until the task is
    retried (it raises again: a new incident) or no longer failed (retried, cancelled, the instance
    ended)."""
    open_rows = {row.task_guid: row.pk for row in
                 Incident.objects.filter(instance=instance, resolved_at__isnull=True).only("pk", "task_guid")}
    failing = {incident.task_id: incident for incident in snapshot.incidents}
    ended = [pk for guid, pk in open_rows.items() if guid not in failing or failing[guid].raised]
    if ended:
        Incident.objects.filter(pk__in=ended).update(resolved_at=now)
    for incident in snapshot.incidents:
        if incident.task_id in open_rows and not incident.raised:
            continue
        Incident.objects.create(instance=instance, task_guid=incident.task_id, bpmn_id=incident.bpmn_id,
                                message=incident.message, line=incident.line, error_line=incident.error_line,
                                raised_at=now)
        audit_record(action=AuditAction.INCIDENT, instance=instance, task_guid=incident.task_id,
                     detail={"bpmn_id": incident.bpmn_id, "message": incident.message[:500], "line": incident.line})


def _sync_subscriptions(instance, snapshot) -> None:
    wanted = {(w.kind, w.name) for w in snapshot.waiting if w.kind in ("message", "signal") and w.name}
    current = {(s.kind, s.name): s.pk for s in instance.subscriptions.all()}
    stale = [pk for key, pk in current.items() if key not in wanted]
    if stale:
        EventSubscription.objects.filter(pk__in=stale).delete()
    added = wanted - current.keys()
    EventSubscription.objects.bulk_create(
        [EventSubscription(instance=instance, kind=k, name=n[:255]) for k, n in added])
    names = [n for k, n in added if k == "message"]
    if names and KeptMessage.objects.filter(instance=instance, name__in=names).exists():
        transaction.on_commit(lambda instance_id=instance.pk: _take_kept_later(instance_id))
