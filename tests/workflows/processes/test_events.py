"""Messages, call activities and caught escalations through the service layer."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, escalation, process, user_task
from tests.workflows.processes.helpers import ready, start
from workflows.processes.errors import Conflict, NotFound
from workflows.processes.models import AuditAction, AuditEvent, Escalation, InstanceStatus
from workflows.processes.runtime import process_for
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.events import event_deliver
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start, instance_suspend

pytestmark = pytest.mark.django_db

MESSAGES = '<bpmn:message id="msg_approved" name="approval_received"/>'
WAITS_FOR_MESSAGE = definitions(process(
    "await_approval", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="approval">'
    '<bpmn:messageEventDefinition messageRef="msg_approved"/></bpmn:intermediateCatchEvent>'
    + user_task("act") + chain("start", "approval", "act")), head=MESSAGES)
SENDS_MESSAGE = definitions(process(
    "send_approval", '<bpmn:startEvent id="start"/>' + user_task("decide")
    + '<bpmn:intermediateThrowEvent id="notify"><bpmn:messageEventDefinition messageRef="msg_approved"/>'
    '</bpmn:intermediateThrowEvent><bpmn:endEvent id="end"/>' + chain("start", "decide", "notify", "end")),
    head=MESSAGES)


def test_message_from_outside_reaches_the_waiting_instance(office_user):
    instance = start(WAITS_FOR_MESSAGE, actor=office_user, business_key="WI-7")
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.WAITING
    with pytest.raises(NotFound):
        event_deliver(kind="message", name="nobody_waits", payload={})
    assert event_deliver(kind="message", name="approval_received", business_key="WI-7",
                         payload={"approved_by": "李莉"}) == [instance.pk]
    assert [t.bpmn_id for t in ready(instance)] == ["act"]
    assert AuditEvent.objects.filter(action=AuditAction.MESSAGE, instance_id=instance.pk).exists()


def test_message_to_a_suspended_instance_is_refused(office_user):
    instance = start(WAITS_FOR_MESSAGE, actor=office_user)
    instance_suspend(instance_id=instance.pk, actor=office_user)
    with pytest.raises(Conflict):
        event_deliver(kind="message", name="approval_received", instance_id=instance.pk)


def test_message_thrown_by_one_instance_is_routed_to_the_other(office_user, django_capture_on_commit_callbacks):
    waiting = start(WAITS_FOR_MESSAGE, actor=office_user)
    sender = start(SENDS_MESSAGE, actor=office_user)
    with django_capture_on_commit_callbacks(execute=True):
        human_task_complete(task_id=ready(sender)[0].pk, actor=office_user, data={"ok": True})
    assert [t.bpmn_id for t in ready(waiting)] == ["act"]


CHILD = definitions(process("school_step", '<bpmn:startEvent id="start"/>' + user_task("do_step")
                            + '<bpmn:scriptTask id="double"><bpmn:script>result = value * 2</bpmn:script>'
                            '</bpmn:scriptTask><bpmn:endEvent id="end"/>' + chain("start", "do_step", "double", "end")))
PARENT = definitions(process("parent_flow", '<bpmn:startEvent id="start"/>'
                             '<bpmn:callActivity id="call_step" calledElement="school_step"/>'
                             + user_task("after") + chain("start", "call_step", "after")))


def test_call_activity_runs_the_called_process_and_returns_its_data(office_user):
    result = definition_deploy(files={"parent.bpmn": PARENT, "child.bpmn": CHILD}, actor=office_user)
    parent = next(d for d in result.definitions if d.key == "parent_flow")
    instance = instance_start(definition=parent, actor=office_user)
    (step,) = ready(instance)
    assert step.bpmn_id == "do_step"
    human_task_complete(task_id=step.pk, actor=office_user, data={"value": 21})
    assert [t.bpmn_id for t in ready(instance)] == ["after"]
    instance.refresh_from_db()
    assert process_for(instance.definition).data(bytes(instance.state))["result"] == 42


def test_call_activity_without_its_process_is_refused(office_user):
    from workflows.processes.errors import Invalid

    with pytest.raises(Invalid) as info:
        definition_deploy(files={"parent.bpmn": PARENT}, actor=office_user)
    assert "school_step" in str(info.value.details)


CAUGHT = definitions(process(
    "caught_escalation",
    '<bpmn:startEvent id="start"/><bpmn:subProcess id="work"><bpmn:startEvent id="w_start"/>'
    + user_task("prepare") + '<bpmn:endEvent id="give_up"><bpmn:escalationEventDefinition escalationRef="esc"/>'
    '</bpmn:endEvent>' + chain("w_start", "prepare", "give_up") + '</bpmn:subProcess>'
    '<bpmn:boundaryEvent id="on_escalation" attachedToRef="work"><bpmn:escalationEventDefinition escalationRef="esc"/>'
    '</bpmn:boundaryEvent>' + user_task("office_handles") + '<bpmn:endEvent id="end"/>'
    + chain("start", "work", "end") + chain("on_escalation", "office_handles")),
    head=escalation("esc", "supervise"))


def test_escalation_end_event_is_caught_by_the_boundary_and_recorded(office_user):
    instance = start(CAUGHT, actor=office_user)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={})
    assert [t.bpmn_id for t in ready(instance)] == ["office_handles"]
    assert Escalation.objects.get(instance=instance).level == "supervise"
