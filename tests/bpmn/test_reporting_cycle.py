"""Walk bpmn/reporting_cycle.bpmn: two quarters, two reviews, a returned then approved bulletin."""
from __future__ import annotations

import pytest

from workflows.org.models import Unit, UnitKind
from workflows.processes.models import HumanTaskState, InstanceStatus
from workflows.processes.services.events import event_deliver
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start

pytestmark = pytest.mark.django_db


def test_cycle_waits_for_each_quarter_then_bulletin_loops_until_approved(shipped, office_user, bureau, person):
    group = Unit.objects.create(code="group", name="领导小组", kind=UnitKind.LEADING_GROUP, parent=bureau)
    leader = person("leader", group, "leader")
    cycle = instance_start(definition=shipped["reporting_cycle"], actor=office_user, unit=bureau)

    def step():
        cycle.refresh_from_db()
        return cycle.human_tasks.filter(state=HumanTaskState.READY).first()

    assert step() is None and cycle.status == InstanceStatus.WAITING
    event_deliver(kind="message", name="quarter_closed", instance_id=cycle.pk)
    review = step()
    assert (review.bpmn_id, review.candidate_unit.kind) == ("review_first_summary", "office")
    human_task_complete(task_id=review.pk, actor=office_user, data={})
    assert step() is None
    event_deliver(kind="message", name="quarter_closed", instance_id=cycle.pk)
    human_task_complete(task_id=step().pk, actor=office_user, data={})
    human_task_complete(task_id=step().pk, actor=office_user, data={})  # draft
    approve = step()
    assert (approve.bpmn_id, approve.candidate_unit) == ("approve_bulletin", group)
    human_task_complete(task_id=approve.pk, actor=leader, data={"decision": "return", "comment": "改"})
    assert step().bpmn_id == "draft_bulletin"
    human_task_complete(task_id=step().pk, actor=office_user, data={})
    human_task_complete(task_id=step().pk, actor=leader, data={"decision": "approve"})
    cycle.refresh_from_db()
    assert cycle.status == InstanceStatus.COMPLETED
