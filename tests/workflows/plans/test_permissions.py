"""Scope at the service level: schools stay in their lane, cooperating departments cannot close."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from workflows.org.models import Membership
from workflows.plans.models import QuarterlyReport
from workflows.plans.services.cycles import cycle_open, quarter_open
from workflows.plans.services.work_items import (
    work_item_apply_close,
    work_item_close,
    work_item_dispatch,
    work_item_start,
    work_items_visible_to,
)
from workflows.processes.errors import Conflict, Forbidden, NotFound
from workflows.processes.models import HumanTaskState
from workflows.processes.selectors import inbox_for_user
from workflows.processes.services.events import event_deliver
from workflows.processes.services.human_tasks import human_task_complete

pytestmark = pytest.mark.django_db


def _user(plan, unit_code: str, role: str):
    return Membership.objects.get(unit__code=unit_code, role=role).user


def test_a_liaison_cannot_complete_another_schools_report(yunxi):
    cycle = cycle_open(cycle_id=yunxi.cycles.get(half=1).pk)
    quarter_open(quarter_id=cycle.quarters.get(quarter=1).pk)
    wenqiao = QuarterlyReport.objects.get(quarter__cycle=cycle, school__code="wenqiao-central-primary")
    task = wenqiao.instance.human_tasks.get(state=HumanTaskState.READY)
    other_liaison = _user(yunxi, "yuehua-no2-primary", "liaison")
    own_liaison = _user(yunxi, "wenqiao-central-primary", "liaison")
    assert task not in inbox_for_user(user=other_liaison)
    assert task in inbox_for_user(user=own_liaison)
    with pytest.raises(NotFound):
        human_task_complete(task_id=task.pk, actor=other_liaison, data={})


def test_a_cooperating_department_sees_but_cannot_close_a_work_item(yunxi):
    item = yunxi.work_items.get(number=1)  # lead: 资助中心, cooperating: 后勤中心
    office, lead_head = _user(yunxi, "yunxi-office", "office_director"), _user(yunxi, "aid-center", "department_head")
    cooperating = _user(yunxi, "logistics-center", "department_head")
    assert item in work_items_visible_to(cooperating)
    assert item not in work_items_visible_to(_user(yunxi, "edu-it-center", "department_head"))
    run = work_item_start(work_item_id=item.pk, actor=office)
    human_task_complete(task_id=run.instance.human_tasks.get(bpmn_id="assign_work_item").pk, actor=office, data={})
    with time_machine.travel(dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        with pytest.raises(Forbidden):  # the dispatch step is the lead department's
            work_item_dispatch(run_id=run.pk, actor=cooperating, instructions="x", due_date=dt.date(2024, 3, 20))
        work_item_dispatch(run_id=run.pk, actor=lead_head, instructions="核查", due_date=dt.date(2024, 3, 20),
                           school_ids=[yunxi.schools.first().pk])
    event_deliver(kind="message", name="school_tasks_done", instance_id=run.instance_id)
    with pytest.raises(Forbidden):
        work_item_apply_close(run_id=run.pk, actor=cooperating, result="完成")
    work_item_apply_close(run_id=run.pk, actor=lead_head, result="完成")
    with pytest.raises(Forbidden):
        work_item_close(run_id=run.pk, actor=cooperating)
    with pytest.raises(Forbidden):
        work_item_close(run_id=run.pk, actor=lead_head)
    assert work_item_close(run_id=run.pk, actor=office).closed_at is not None


def test_the_lead_department_starts_its_work_item_where_the_plan_lets_it_and_only_once(yunxi):
    item = yunxi.work_items.get(number=1)  # lead: 资助中心, cooperating: 后勤中心
    lead_head = _user(yunxi, "aid-center", "department_head")
    cooperating = _user(yunxi, "logistics-center", "department_head")
    with pytest.raises(Forbidden):
        work_item_start(work_item_id=item.pk, actor=cooperating)
    yunxi.departments_start_work_items = False
    yunxi.save(update_fields=["departments_start_work_items"])
    with pytest.raises(Forbidden):  # this plan leaves starting to the office
        work_item_start(work_item_id=item.pk, actor=lead_head)
    yunxi.departments_start_work_items = True
    yunxi.save(update_fields=["departments_start_work_items"])
    run = work_item_start(work_item_id=item.pk, actor=lead_head)
    assert run.instance.human_tasks.get(state="ready").bpmn_id == "dispatch_school_tasks"  # the plan assigned it
    with pytest.raises(Conflict):
        work_item_start(work_item_id=item.pk, actor=lead_head)
    assert item.runs.count() == 1
