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
