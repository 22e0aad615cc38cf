"""Walk bpmn/school_task.bpmn: receipt, named person, return, extension granted or refused."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from workflows.org.models import Unit, UnitKind
from workflows.processes.errors import Invalid
from workflows.processes.models import HumanTaskState, InstanceStatus
from workflows.processes.runtime import process_for
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_task(shipped, office_user, bureau, schools, person):
    department = Unit.objects.create(code="dept", name="资助中心", kind=UnitKind.DEPARTMENT, parent=bureau)
    people = {"principal": person("pr", schools["A"], "principal"), "teacher": person("teacher", schools["A"], "staff"),
              "head": person("head", department, "department_head")}
    now = timezone.now()
    instance = instance_start(
        definition=shipped["school_task"], actor=office_user, unit=schools["A"],
        refs={"lane_units": {"department_head": department.pk}},
        data={"instructions": "核查", "action": None, "extensions": 0, "reminder_at": now + dt.timedelta(days=3),
              "due_at": now + dt.timedelta(days=5), "supervise_at": now + dt.timedelta(days=8)})
    return instance, people, department


def _next(instance):
    return instance.human_tasks.get(state=HumanTaskState.READY)


def test_named_person_reports_department_returns_then_approves(school_task):
    instance, people, department = school_task
    sign = _next(instance)
    assert (sign.bpmn_id, sign.candidate_role) == ("sign_receipt", "principal")
    human_task_complete(task_id=sign.pk, actor=people["principal"],
                        data={"responsible": "teacher", "planned_date": "2030-01-01"})
    report = _next(instance)
    assert (report.bpmn_id, report.assignee) == ("report_progress", people["teacher"])
    with pytest.raises(Invalid):  # a report needs its progress text
        human_task_complete(task_id=report.pk, actor=people["teacher"], data={"action": "report"})
    human_task_complete(task_id=report.pk, actor=people["teacher"], data={"action": "report", "progress": "初稿"})
    review = _next(instance)
    assert (review.candidate_role, review.candidate_unit) == ("department_head", department)
    human_task_complete(task_id=review.pk, actor=people["head"], data={"decision": "return", "comment": "补充"})
    again = _next(instance)
    assert again.bpmn_id == "report_progress" and again.assignee == people["teacher"]
    human_task_complete(task_id=again.pk, actor=people["teacher"], data={"action": "report", "progress": "终稿"})
    human_task_complete(task_id=_next(instance).pk, actor=people["head"], data={"decision": "approve"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


@pytest.mark.parametrize("decision", ["approve", "return"])
def test_extension_request_moves_the_dates_only_when_granted(school_task, decision):
    instance, people, _ = school_task
    human_task_complete(task_id=_next(instance).pk, actor=people["principal"],
                        data={"responsible": "teacher", "planned_date": "2030-01-01"})
    before = process_for(instance.definition).data(bytes(instance.state))
    new_due = before["due_at"] + dt.timedelta(days=7)
    human_task_complete(task_id=_next(instance).pk, actor=people["teacher"], data={
        "action": "request_extension", "new_due_at": new_due.isoformat(), "reason": "对象多"})
    decide = _next(instance)
    assert decide.bpmn_id == "review_extension"
    human_task_complete(task_id=decide.pk, actor=people["head"], data={"decision": decision, "comment": "意见"})
    instance.refresh_from_db()
    after = process_for(instance.definition).data(bytes(instance.state))
    report = _next(instance)
    assert report.bpmn_id == "report_progress"
    if decision == "approve":
        assert after["due_at"] == new_due and after["extensions"] == 1
        assert after["supervise_at"] - before["supervise_at"] == dt.timedelta(days=7)
        assert abs((report.due_at - new_due).total_seconds()) < 1
    else:
        assert after["due_at"] == before["due_at"] and after["extensions"] == 0
