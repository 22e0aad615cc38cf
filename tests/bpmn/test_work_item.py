"""Walk bpmn/work_item.bpmn: assign, dispatch, wait for the schools, apply, close (销号)."""
from __future__ import annotations

import pytest

from workflows.org.models import Unit, UnitKind
from workflows.processes.models import HumanTaskState, InstanceStatus
from workflows.processes.services.events import event_deliver
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start

pytestmark = pytest.mark.django_db


def test_work_item_from_assignment_to_closing(shipped, office_user, bureau, person):
    lead = Unit.objects.create(code="lead", name="资助中心", kind=UnitKind.DEPARTMENT, parent=bureau)
    head = person("head", lead, "department_head")
    run = instance_start(definition=shipped["work_item"], actor=office_user, unit=lead,
                         refs={"lane_units": {"department_head": lead.pk}}, data={"started_by": "office"})

    def step():
        return run.human_tasks.filter(state=HumanTaskState.READY).first()

    assert step().bpmn_id == "assign_work_item"
    human_task_complete(task_id=step().pk, actor=office_user, data={})
    dispatch = step()
    assert (dispatch.bpmn_id, dispatch.candidate_unit) == ("dispatch_school_tasks", lead)
    human_task_complete(task_id=dispatch.pk, actor=head, data={})
    assert step() is None  # waiting for the schools
    event_deliver(kind="message", name="school_tasks_done", instance_id=run.pk)
    human_task_complete(task_id=step().pk, actor=head, data={"result": "完成"})
    close = step()
    assert (close.bpmn_id, close.candidate_role) == ("close_work_item", "office_director")
    human_task_complete(task_id=close.pk, actor=office_user, data={})
    run.refresh_from_db()
    assert run.status == InstanceStatus.COMPLETED


def test_a_work_item_its_department_starts_goes_straight_to_dispatch(shipped, bureau, person):
    """The plan itself assigned the item: no assignment step for the office."""
    lead = Unit.objects.create(code="lead", name="资助中心", kind=UnitKind.DEPARTMENT, parent=bureau)
    head = person("head", lead, "department_head")
    run = instance_start(definition=shipped["work_item"], actor=head, unit=lead,
                         refs={"lane_units": {"department_head": lead.pk}}, data={"started_by": "department"})
    ready = run.human_tasks.get(state=HumanTaskState.READY)
    assert (ready.bpmn_id, ready.candidate_unit) == ("dispatch_school_tasks", lead)
