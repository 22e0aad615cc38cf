"""PostgreSQL: concurrent completions on one instance never lose data or complete twice."""
from __future__ import annotations

import threading

import pytest
from django.db import connections

from tests.builders import chain, definitions, process, user_task
from tests.workflows.processes.helpers import ready, start
from workflows.processes.errors import Conflict
from workflows.processes.models import AuditAction, AuditEvent, InstanceStatus, ProcessInstance
from workflows.processes.runtime import process_for
from workflows.processes.services.human_tasks import human_task_complete

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = definitions(process(
    "two_sections", '<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>' + user_task("section_a")
    + user_task("section_b") + '<bpmn:parallelGateway id="join"/>' + user_task("review")
    + chain("start", "split", "section_a", "join", "review") + chain("split", "section_b", "join").replace("f_", "g_")))


def _together(*calls):
    """Run the calls in threads released at the same moment; return their results or exceptions."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # collected and asserted by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_parallel_tasks_completed_at_once_both_keep_their_data(office_user):
    for attempt in range(5):
        instance = start(PARALLEL, actor=office_user)
        a, b = ready(instance, "section_a")[0], ready(instance, "section_b")[0]
        results = _together(
            lambda a=a, n=attempt: human_task_complete(task_id=a.pk, actor=office_user,
                                                       data={"a": n, "shared_a": "甲"}),
            lambda b=b, n=attempt: human_task_complete(task_id=b.pk, actor=office_user,
                                                       data={"b": n, "shared_b": "乙"}),
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        instance = ProcessInstance.objects.get(pk=instance.pk)
        assert [t.bpmn_id for t in ready(instance)] == ["review"]
        data = process_for(instance.definition).data(bytes(instance.state))
        assert {data["a"], data["b"]} == {attempt} and (data["shared_a"], data["shared_b"]) == ("甲", "乙")


def test_double_submit_at_the_same_moment_completes_once(office_user):
    instance = start(PARALLEL, actor=office_user)
    task = ready(instance, "section_a")[0]
    results = _together(*[lambda n=n: human_task_complete(task_id=task.pk, actor=office_user, data={"n": n})
                           for n in range(4)])
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    assert AuditEvent.objects.filter(action=AuditAction.TASK_COMPLETED, instance_id=instance.pk).count() == 1
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.RUNNING


def test_concurrent_sweeps_fire_each_due_timer_once(office_user):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from tests.builders import timer_boundary
    from workflows.processes.services.timers import timer_sweep

    content = definitions(process(
        "swept", '<bpmn:startEvent id="start"/>' + user_task("report") + user_task("late")
        + timer_boundary("deadline", "report", "PT1H", interrupting=True)
        + chain("start", "report") + chain("deadline", "late")))
    instances = [start(content, actor=office_user) for _ in range(12)]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        fired = _together(timer_sweep, timer_sweep, timer_sweep)
    assert sum(fired) == len(instances)
    for instance in instances:
        assert AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED, instance_id=instance.pk).count() == 1
        assert [t.bpmn_id for t in ready(instance)] == ["late"]
