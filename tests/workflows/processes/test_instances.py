"""Instance lifecycle: statuses, suspend/resume/terminate, incidents and retry, data round trip."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.builders import chain, definitions, process, simple_user_process, user_task
from tests.workflows.processes.helpers import ready, start
from workflows.processes.errors import Conflict
from workflows.processes.models import (
    AuditAction,
    AuditEvent,
    HumanTaskState,
    Incident,
    InstanceStatus,
    ProcessInstance,
)
from workflows.processes.runtime import process_for
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import (
    instance_resume,
    instance_retry,
    instance_suspend,
    instance_terminate,
)

pytestmark = pytest.mark.django_db

FAILING = definitions(process("calc", '<bpmn:startEvent id="start"/>' + user_task("enter")
                              + '<bpmn:scriptTask id="divide"><bpmn:script>share = total / count</bpmn:script>'
                              '</bpmn:scriptTask>' + user_task("check") + '<bpmn:endEvent id="end"/>'
                              + chain("start", "enter", "divide", "check", "end")))


def test_start_stores_business_refs_and_state_as_bytes(office_user):
    instance = start(simple_user_process("p"), actor=office_user, business_key="WI-1", refs={"item": 1})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING
    assert instance.business_key == "WI-1"
    assert bytes(instance.state)[:2] == b"\x1f\x8b"  # gzip, not json(b)


def test_suspended_instance_refuses_completion_until_resumed(office_user):
    instance = start(simple_user_process("p"), actor=office_user)
    task = ready(instance)[0]
    instance_suspend(instance_id=instance.pk, actor=office_user)
    with pytest.raises(Conflict):
        human_task_complete(task_id=task.pk, actor=office_user, data={})
    with pytest.raises(Conflict):
        instance_suspend(instance_id=instance.pk, actor=office_user)
    assert instance_resume(instance_id=instance.pk, actor=office_user).status == InstanceStatus.RUNNING
    human_task_complete(task_id=task.pk, actor=office_user, data={})
    assert ProcessInstance.objects.get(pk=instance.pk).status == InstanceStatus.COMPLETED


def test_terminate_cancels_open_tasks(office_user):
    instance = start(simple_user_process("p"), actor=office_user)
    instance_terminate(instance_id=instance.pk, actor=office_user, reason="duplicate")
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.TERMINATED and instance.ended_at
    assert instance.human_tasks.get().state == HumanTaskState.CANCELLED
    assert AuditEvent.objects.filter(action=AuditAction.TERMINATED, instance_id=instance.pk).exists()
    with pytest.raises(Conflict):
        instance_terminate(instance_id=instance.pk, actor=office_user)


def test_failing_script_raises_an_incident_that_can_be_retried(office_user):
    instance = start(FAILING, actor=office_user)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={"total": 10, "count": 0})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.ERROR
    incident = Incident.objects.get(instance=instance, resolved_at__isnull=True)
    assert incident.bpmn_id == "divide" and incident.line == 1 and "ZeroDivisionError" in incident.message
    assert incident.error_line == "share = total / count"
    instance_retry(instance_id=instance.pk, actor=office_user, data={"count": 4})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING
    assert [t.bpmn_id for t in ready(instance)] == ["check"]
    assert Incident.objects.get(pk=incident.pk).resolved_at is not None
    assert process_for(instance.definition).data(bytes(instance.state))["share"] == 2.5


THREE_BRANCHES = definitions(process("calc", "".join([
    '<bpmn:startEvent id="start"/>', '<bpmn:parallelGateway id="fork"/>', user_task("enter_a"), user_task("enter_b"),
    user_task("enter_c"), '<bpmn:scriptTask id="divide"><bpmn:script>share = total / count</bpmn:script>'
    '</bpmn:scriptTask>', '<bpmn:scriptTask id="average"><bpmn:script>mean = sum(marks) / len(marks)'
    '</bpmn:script></bpmn:scriptTask>', '<bpmn:parallelGateway id="join"/>', '<bpmn:endEvent id="end"/>',
    chain("start", "fork", "enter_a", "divide", "join", "end"), chain("fork", "enter_b", "average", "join"),
    chain("fork", "enter_c", "join")])))


def _open_incidents(instance) -> dict[str, str]:
    return dict(Incident.objects.filter(instance=instance, resolved_at__isnull=True).values_list("bpmn_id", "message"))


def test_each_failed_task_keeps_its_own_incident_and_cause_until_it_is_retried(office_user):
    instance = start(THREE_BRANCHES, actor=office_user)
    by_id = {t.bpmn_id: t for t in ready(instance)}
    human_task_complete(task_id=by_id["enter_a"].pk, actor=office_user, data={"total": 10, "count": 0})
    human_task_complete(task_id=by_id["enter_b"].pk, actor=office_user, data={"marks": 7})
    human_task_complete(task_id=by_id["enter_c"].pk, actor=office_user, data={})  # a later step, raising nothing
    instance.refresh_from_db()
    incidents = _open_incidents(instance)
    assert instance.status == InstanceStatus.ERROR and sorted(incidents) == ["average", "divide"]
    assert "ZeroDivisionError" in incidents["divide"] and "TypeError" in incidents["average"]
    assert Incident.objects.filter(instance=instance).count() == 2  # none resolved and raised again as "a task failed"

    instance_retry(instance_id=instance.pk, actor=office_user, data={"count": 4, "marks": [3, 5]})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED and _open_incidents(instance) == {}
    assert process_for(instance.definition).data(bytes(instance.state))["mean"] == 4


def test_a_retry_that_fails_again_records_its_new_cause(office_user):
    instance = start(FAILING, actor=office_user)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={"total": 10, "count": 0})
    instance_retry(instance_id=instance.pk, actor=office_user, data={"count": "two"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.ERROR and "TypeError" in _open_incidents(instance)["divide"]
    assert Incident.objects.filter(instance=instance, resolved_at__isnull=False).count() == 1


def test_task_data_round_trips_exactly(office_user):
    data = {f"k{i:02d}": i for i in range(40)}
    data.update({"nested": {"a": [1, {"b": "二"}], "when": dt.datetime(2024, 7, 10, 9, 0, tzinfo=dt.UTC)},
                 "day": dt.date(2024, 3, 31), "amount": Decimal("12345.67"), "text": "岳云教体函〔2024〕8号"})
    instance = start(definitions(process("p", '<bpmn:startEvent id="start"/>' + user_task("a") + user_task("b")
                                         + chain("start", "a", "b"))), actor=office_user, data=data)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={"extra": 1})
    instance.refresh_from_db()
    stored = process_for(instance.definition).data(bytes(instance.state))
    assert stored == {**data, "extra": 1}


def test_the_instance_page_shows_an_open_incident_while_in_error_or_suspended(office_user, client):
    client.force_login(office_user)
    instance = start(FAILING, actor=office_user)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={"total": 10, "count": 0})
    detail = client.get(f"/api/instances/{instance.pk}/").json()
    assert detail["status"] == "error" and [i["bpmn_id"] for i in detail["incidents"]] == ["divide"]
    instance_suspend(instance_id=instance.pk, actor=office_user)
    assert [i["bpmn_id"] for i in client.get(f"/api/instances/{instance.pk}/").json()["incidents"]] == ["divide"]
    instance_resume(instance_id=instance.pk, actor=office_user)
    instance_retry(instance_id=instance.pk, actor=office_user, data={"count": 4})
    detail = client.get(f"/api/instances/{instance.pk}/").json()
    assert detail["status"] == "running" and detail["incidents"] == []
    assert [(t["bpmn_id"], t["state"]) for t in detail["tasks"]] == [("enter", "completed"), ("check", "ready")]
    assert [h["action"] for h in detail["history"]][-1] == "task.created"
