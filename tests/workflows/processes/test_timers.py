"""Timers fire from the sweep: boundary timers, escalations as rows, next_timer_at kept in step."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.builders import (
    chain,
    definitions,
    escalation,
    escalation_throw,
    process,
    timer_boundary,
    user_task,
)
from tests.workflows.processes.helpers import ready, start
from workflows.notifications.models import Notification, NotificationKind
from workflows.processes.audit import audit_verify
from workflows.processes.heartbeat import seconds_since_sweep
from workflows.processes.models import (
    AuditAction,
    AuditEvent,
    Escalation,
    EscalationLevel,
    HumanTaskState,
    InstanceStatus,
)
from workflows.processes.services import timers
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_suspend
from workflows.processes.services.timers import due_instance_ids, timer_sweep
from workflows.processes.tasks import sweep_timers

pytestmark = pytest.mark.django_db

LADDER = definitions(
    process("ladder",
            '<bpmn:startEvent id="start"/>' + user_task("report") + '<bpmn:endEvent id="end"/>'
            + timer_boundary("remind_before", "report", "PT1H")
            + escalation_throw("raise_reminder", "esc_reminder") + '<bpmn:endEvent id="reminder_done"/>'
            + timer_boundary("supervise_after", "report", "P2D")
            + escalation_throw("raise_supervise", "esc_supervise") + '<bpmn:endEvent id="supervise_done"/>'
            + chain("start", "report", "end") + chain("remind_before", "raise_reminder", "reminder_done")
            + chain("supervise_after", "raise_supervise", "supervise_done"),
            lanes={"liaison": ["start", "report", "end"], "principal": ["raise_reminder", "reminder_done"],
                   "office": ["raise_supervise", "supervise_done"]}),
    head=escalation("esc_reminder", "reminder") + escalation("esc_supervise", "supervise"),
)
DEADLINE = definitions(process(
    "deadline", '<bpmn:startEvent id="start"/>' + user_task("report") + user_task("handle_overdue")
    + '<bpmn:endEvent id="end"/>' + timer_boundary("too_late", "report", "PT2H", interrupting=True)
    + chain("start", "report", "end") + chain("too_late", "handle_overdue")))


def _later(hours: float):
    return time_machine.travel(timezone.now() + dt.timedelta(hours=hours), tick=False)


def test_non_interrupting_ladder_raises_each_level_once(office_user, schools, person):
    instance = start(LADDER, actor=office_user, unit=schools["A"])
    office = office_user.memberships.get().unit
    instance.refresh_from_db()
    first_due = instance.next_timer_at
    assert first_due and abs((first_due - timezone.now()).total_seconds() - 3600) < 60
    assert due_instance_ids() == []
    with _later(1.1):
        assert timer_sweep() == 1
        assert timer_sweep() == 0
    reminder = Escalation.objects.get(level=EscalationLevel.REMINDER)
    assert reminder.target_role == "principal" and reminder.target_unit == schools["A"]
    assert reminder.human_task.bpmn_id == "report" and reminder.closed_at is None
    assert ready(instance)[0].bpmn_id == "report"  # the task stays open
    with _later(49):
        assert timer_sweep() == 1
    supervise = Escalation.objects.get(level=EscalationLevel.SUPERVISE)
    assert (supervise.target_role, supervise.target_unit) == ("office_director", office)
    assert AuditEvent.objects.filter(action=AuditAction.ESCALATED).count() == 2
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={})
    assert not Escalation.objects.filter(closed_at__isnull=True).exists()
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and instance.next_timer_at is None


def test_interrupting_deadline_cancels_the_task_and_opens_the_next(office_user):
    instance = start(DEADLINE, actor=office_user)
    with _later(3):
        assert timer_sweep() == 1
    rows = {t.bpmn_id: t.state for t in instance.human_tasks.all()}
    assert rows == {"report": HumanTaskState.CANCELLED, "handle_overdue": HumanTaskState.READY}
    assert AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED, instance_id=instance.pk).count() == 1


def test_suspended_instances_are_not_swept(office_user):
    instance = start(DEADLINE, actor=office_user)
    instance_suspend(instance_id=instance.pk, actor=office_user)
    with _later(3):
        assert timer_sweep() == 0
    assert ready(instance)[0].bpmn_id == "report"


def test_bare_pt1s_timer_deploys_and_fires(office_user):
    content = definitions(process("tick", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait">'
                                  '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration>'
                                  '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
                                  + user_task("after") + chain("start", "wait", "after")))
    instance = start(content, actor=office_user)
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING
    with _later(0.001):
        assert timer_sweep() == 1
    assert ready(instance)[0].bpmn_id == "after"


def _deadline_instances(count: int, actor) -> list:
    return [start(DEADLINE, actor=actor) for _ in range(count)]


def _fired_once(instance) -> bool:
    fired = AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED, instance_id=instance.pk).count() == 1
    return fired and [t.bpmn_id for t in ready(instance)] == ["handle_overdue"]


def test_a_sweep_fires_more_instances_than_one_chunk(office_user):
    instances = _deadline_instances(timers.CHUNK + 3, office_user)
    with _later(3):
        assert timer_sweep() == len(instances)
        assert timer_sweep() == 0
    assert all(_fired_once(i) for i in instances)
    assert audit_verify() == []  # a chunk's events, written together, chain per instance
    for instance in instances:
        actions = list(AuditEvent.objects.filter(instance_id=instance.pk).order_by("id").values_list("action",
                                                                                                    flat=True))
        assert actions == ["instance.started", "task.created", "timer.fired", "task.cancelled", "task.created"]


def test_a_failing_instance_rolls_back_alone_and_fires_on_a_later_sweep(office_user, monkeypatch):
    first, broken, last = _deadline_instances(3, office_user)
    apply = timers.snapshots_apply

    def apply_then_fail(steps):
        apply(steps)
        if any(step.instance.pk == broken.pk for step in steps):
            raise RuntimeError("projection failed")
    monkeypatch.setattr(timers, "snapshots_apply", apply_then_fail)
    with _later(3):
        assert timer_sweep() == 2
        assert due_instance_ids() == [broken.pk]
        assert [t.bpmn_id for t in ready(broken)] == ["report"]
        assert not AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED, instance_id=broken.pk).exists()
        monkeypatch.setattr(timers, "snapshots_apply", apply)
        assert timer_sweep() == 1
    assert all(_fired_once(i) for i in (first, broken, last))


def test_the_beat_task_fires_every_due_batch(office_user, settings):
    settings.DUBAN_SWEEP_BATCH = 2
    instances = _deadline_instances(5, office_user)
    with _later(3):
        assert sweep_timers() == len(instances)
    assert all(_fired_once(i) for i in instances)
    assert seconds_since_sweep() is not None


def test_draining_stops_at_a_short_batch_when_an_instance_keeps_failing(office_user, settings, monkeypatch):
    settings.DUBAN_SWEEP_BATCH = 2
    instances = _deadline_instances(4, office_user)

    def always_fail(steps):
        raise RuntimeError("broken")
    monkeypatch.setattr(timers, "snapshots_apply", always_fail)
    with _later(3):
        assert timers.timer_sweep_until_done(seconds=60) == 0
    assert not any(_fired_once(i) for i in instances)


def test_a_chunk_of_different_instances_gives_each_its_own_rows(office_user, schools, person):
    """Fired together, each instance gets the escalation, notices and task rows it gets alone."""
    principals = {code: person(f"pr_{code}", unit, "principal") for code, unit in schools.items()}
    ladders = {code: start(LADDER, actor=office_user, unit=unit) for code, unit in schools.items()}
    deadlines = _deadline_instances(2, office_user)
    with _later(3):  # the ladders' reminders and the deadlines are due: one chunk fires all four
        assert timer_sweep() == 4
    for code, instance in ladders.items():
        reminder = Escalation.objects.get(instance=instance)
        assert (reminder.level, reminder.target_unit, reminder.closed_at) == (EscalationLevel.REMINDER,
                                                                              schools[code], None)
        assert reminder.human_task == ready(instance)[0]
        notices = list(Notification.objects.filter(kind=NotificationKind.ESCALATION).filter(
            link=f"/board/?escalation={reminder.pk}#escalation-{reminder.pk}").values_list("user__username", flat=True))
        assert notices == [principals[code].username]
    assert all(_fired_once(i) for i in deadlines)
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 2
    assert audit_verify() == []
    with _later(3):
        human_task_complete(task_id=ready(ladders["A"])[0].pk, actor=office_user, data={})
    assert list(Escalation.objects.filter(closed_at__isnull=True).values_list("instance", flat=True)) == [
        ladders["B"].pk]  # completing A's task closes A's escalation only
