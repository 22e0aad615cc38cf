"""School tasks are judged on time or late by the due moment in force: an extension the department granted
counts; on a ticking clock, through the services the people use."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from workflows.org.models import Membership, Unit
from workflows.plans.services.work_items import lead_department, work_item_dispatch, work_item_start
from workflows.processes.models import HumanTaskState
from workflows.processes.runtime import process_for
from workflows.processes.services.human_tasks import human_task_complete

pytestmark = pytest.mark.django_db
SCHOOLS = {"wenqiao-central-primary": ("xieguoping", "luoting"), "yuehua-no2-primary": ("hejianjun", "xulin"),
           "yunxi-primary": ("zengzhiming", "tanghui")}
START = dt.datetime(2024, 4, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _user(name):
    return get_user_model().objects.get(username=name)


def _do(instance, actor, data):
    task = instance.human_tasks.get(state=HumanTaskState.READY)
    human_task_complete(task_id=task.pk, actor=_user(actor), data=data)
    return task.bpmn_id


def test_on_time_late_and_overdue_by_the_due_moment_in_force(yunxi, django_capture_on_commit_callbacks):
    item = yunxi.work_items.get(number=1)
    head = Membership.objects.filter(unit=lead_department(item), role="department_head").first().user.username
    with time_machine.travel(START, tick=True) as clock, django_capture_on_commit_callbacks(execute=True):
        run = work_item_start(work_item_id=item.pk, actor=_user("lili"))
        _do(run.instance, "lili", {})  # the office assigns it to the lead department
        schools = {code: Unit.objects.get(code=code) for code in SCHOOLS}
        tasks = {t.school.code: t for t in work_item_dispatch(
            run_id=run.pk, actor=_user(head), instructions="核查资助对象", due_date=dt.date(2024, 4, 10),
            school_ids=[s.pk for s in schools.values()])}
        for code, (principal, liaison) in SCHOOLS.items():
            _do(tasks[code].instance, principal, {"responsible": liaison, "planned_date": "2024-04-09"})
        extended = tasks["wenqiao-central-primary"].instance
        data = process_for(extended.definition).data(bytes(extended.state))
        new_due = data["due_at"] + dt.timedelta(days=7)
        _do(extended, "luoting", {"action": "request_extension", "new_due_at": new_due.isoformat(), "reason": "对象多"})
        _do(extended, head, {"decision": "approve", "comment": "同意延期"})
        clock.move_to(data["due_at"] + dt.timedelta(days=2))  # past the first due moment for everyone
        for code in ("wenqiao-central-primary", "yuehua-no2-primary"):
            instance = tasks[code].instance
            _do(instance, SCHOOLS[code][1], {"action": "report", "progress": "已完成核查"})
            _do(instance, head, {"decision": "approve"})
        client = Client()
        client.force_login(_user(head))
        answer = client.get(f"/api/work-item-runs/{run.pk}/school-tasks/")
    assert answer.status_code == 200
    timeliness = {row["school_code"]: row["timeliness"] for row in answer.json()}
    assert timeliness == {"wenqiao-central-primary": "on_time", "yuehua-no2-primary": "late",
                          "yunxi-primary": "overdue"}
    school = Client()
    school.force_login(_user("luoting"))
    assert school.get(f"/api/work-item-runs/{run.pk}/school-tasks/").status_code in (403, 404)


def test_every_step_of_a_school_task_shows_its_due_moment_from_the_first(yunxi, django_capture_on_commit_callbacks):
    """The principal's sign-for step carries the dispatch's due moment (18:00 local on the due day),
    and so does the responsible person's report after it."""
    item = yunxi.work_items.get(number=1)
    head = Membership.objects.filter(unit=lead_department(item), role="department_head").first().user.username
    with time_machine.travel(START, tick=True), django_capture_on_commit_callbacks(execute=True):
        run = work_item_start(work_item_id=item.pk, actor=_user("lili"))
        _do(run.instance, "lili", {})
        school = Unit.objects.get(code="wenqiao-central-primary")
        (task,) = work_item_dispatch(run_id=run.pk, actor=_user(head), instructions="核查资助对象",
                                     due_date=dt.date(2024, 4, 10), school_ids=[school.pk])
        due = dt.datetime(2024, 4, 10, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        assert task.instance.human_tasks.get(bpmn_id="sign_receipt").due_at == due
        _do(task.instance, "xieguoping", {"responsible": "luoting", "planned_date": "2024-04-09"})
        assert task.instance.human_tasks.get(bpmn_id="report_progress").due_at == due
