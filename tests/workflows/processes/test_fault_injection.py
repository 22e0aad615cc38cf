"""A failure between the engine step and the projection writes leaves nothing half-written."""
from __future__ import annotations

from unittest import mock

import pytest

from tests.builders import chain, definitions, process, user_task
from tests.workflows.processes.helpers import ready, start
from workflows.processes import projection
from workflows.processes.models import AuditEvent, HumanTask, HumanTaskState, ProcessInstance
from workflows.processes.services.human_tasks import human_task_complete

pytestmark = pytest.mark.django_db(transaction=True)
TWO_STEPS = definitions(process("two_steps", '<bpmn:startEvent id="start"/>' + user_task("first")
                                + user_task("second") + chain("start", "first", "second")))


@pytest.mark.parametrize("where", ["_sync_tasks", "_raise_escalations", "_close_escalations", "audit_record"])
def test_a_fault_during_projection_rolls_everything_back_and_the_retry_works(where, office_user):
    instance = start(TWO_STEPS, actor=office_user)
    task = ready(instance)[0]
    before = (bytes(ProcessInstance.objects.get(pk=instance.pk).state), AuditEvent.objects.count(),
              list(HumanTask.objects.values_list("pk", "state")))
    with mock.patch.object(projection, where, side_effect=RuntimeError("injected database fault")):
        with pytest.raises(RuntimeError, match="injected"):
            human_task_complete(task_id=task.pk, actor=office_user, data={"answer": 42})
    after = (bytes(ProcessInstance.objects.get(pk=instance.pk).state), AuditEvent.objects.count(),
             list(HumanTask.objects.values_list("pk", "state")))
    assert after == before  # state, audit and rows exactly as before the attempt
    human_task_complete(task_id=task.pk, actor=office_user, data={"answer": 42})
    assert HumanTask.objects.get(pk=task.pk).state == HumanTaskState.COMPLETED
    assert [t.bpmn_id for t in ready(instance)] == ["second"]
