"""Human tasks as rows: candidates from lanes, claim, draft, complete, conflicts and scope."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, process, simple_user_process, user_task
from tests.workflows.processes.helpers import deploy, ready, start
from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.processes.models import AuditAction, AuditEvent, HumanTaskState, InstanceStatus
from workflows.processes.selectors import inbox_for_user
from workflows.processes.services.human_tasks import (
    human_task_claim,
    human_task_complete,
    human_task_delegate,
    human_task_save_draft,
    human_task_unclaim,
)
from workflows.processes.services.instances import instance_start

pytestmark = pytest.mark.django_db
FORM = b'{"type":"object","properties":{"students":{"type":"integer","minimum":0}},"required":["students"]}'


@pytest.fixture
def school_task(office_user, schools, person):
    definition = deploy(simple_user_process("report", lane="liaison", form="f.json"), actor=office_user,
                        extra={"f.json": FORM})
    instance = instance_start(definition=definition, actor=office_user, unit=schools["A"],
                              business_key="2024Q1-A", refs={"cycle": "2024H1"})
    return ready(instance)[0], person("li_a", schools["A"], "liaison"), person("li_b", schools["B"], "liaison")


def test_lane_and_unit_make_the_candidates(school_task, schools):
    task, liaison_a, liaison_b = school_task
    assert (task.candidate_role, task.candidate_unit) == ("liaison", schools["A"])
    assert task.instance.refs == {"cycle": "2024H1"}
    assert list(inbox_for_user(user=liaison_a)) == [task]
    assert list(inbox_for_user(user=liaison_b)) == []


def test_claim_draft_complete(school_task):
    task, liaison_a, _ = school_task
    human_task_claim(task_id=task.pk, actor=liaison_a)
    human_task_save_draft(task_id=task.pk, actor=liaison_a, data={"students": 3})
    task.refresh_from_db()
    assert task.assignee == liaison_a and task.draft == {"students": 3}
    done = human_task_complete(task_id=task.pk, actor=liaison_a, data={"students": 3})
    assert done.state == HumanTaskState.COMPLETED and done.completed_by == liaison_a
    assert done.instance.status == InstanceStatus.COMPLETED
    actions = list(AuditEvent.objects.filter(instance_id=task.instance_id).values_list("action", flat=True))
    for action in (AuditAction.STARTED, AuditAction.CLAIMED, AuditAction.DRAFT_SAVED, AuditAction.TASK_COMPLETED):
        assert action in actions


def test_invalid_form_data_names_the_field_and_changes_nothing(school_task):
    task, liaison_a, _ = school_task
    revision = task.instance.revision
    with pytest.raises(Invalid) as info:
        human_task_complete(task_id=task.pk, actor=liaison_a, data={"students": -1})
    assert "students" in info.value.details
    with pytest.raises(Invalid) as info:
        human_task_complete(task_id=task.pk, actor=liaison_a, data={})
    assert "students" in info.value.details
    task.refresh_from_db()
    assert task.state == HumanTaskState.READY and task.instance.revision == revision


def test_reserved_key_in_form_data_is_refused(school_task):
    task, liaison_a, _ = school_task
    with pytest.raises(Invalid):
        human_task_complete(task_id=task.pk, actor=liaison_a, data={"students": 1, "x": {"typename": "Task"}})


def test_double_submit_is_a_conflict(school_task):
    task, liaison_a, _ = school_task
    human_task_complete(task_id=task.pk, actor=liaison_a, data={"students": 1})
    with pytest.raises(Conflict):
        human_task_complete(task_id=task.pk, actor=liaison_a, data={"students": 2})
    assert AuditEvent.objects.filter(action=AuditAction.TASK_COMPLETED).count() == 1


def test_another_schools_liaison_cannot_see_or_complete(school_task):
    task, _, liaison_b = school_task
    with pytest.raises(NotFound):
        human_task_complete(task_id=task.pk, actor=liaison_b, data={"students": 1})
    with pytest.raises(NotFound):
        human_task_claim(task_id=task.pk, actor=liaison_b)


def test_task_claimed_by_someone_else_is_a_conflict(school_task, schools, person):
    task, liaison_a, _ = school_task
    colleague = person("li_a2", schools["A"], "liaison")
    human_task_claim(task_id=task.pk, actor=liaison_a)
    with pytest.raises(Conflict):
        human_task_claim(task_id=task.pk, actor=colleague)
    with pytest.raises(Conflict):
        human_task_complete(task_id=task.pk, actor=colleague, data={"students": 1})
    assert list(inbox_for_user(user=colleague)) == []
    human_task_unclaim(task_id=task.pk, actor=liaison_a)
    assert list(inbox_for_user(user=colleague)) == [task]


def test_wrong_role_in_the_right_unit_is_forbidden(school_task, schools, person):
    task, _, _ = school_task
    principal = person("pr_a", schools["A"], "principal")
    with pytest.raises(Forbidden):
        human_task_complete(task_id=task.pk, actor=principal, data={"students": 1})


def test_parallel_user_tasks_each_in_their_lane(office_user, schools, person):
    body = ('<bpmn:startEvent id="start"/><bpmn:parallelGateway id="split"/>' + user_task("fill")
            + user_task("sign") + '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
            + chain("start", "split", "fill", "join", "end") + chain("split", "sign", "join").replace("f_", "g_"))
    content = definitions(process("par", body, lanes={"liaison": ["fill"], "principal": ["sign", "start"]}))
    instance = start(content, actor=office_user, unit=schools["A"])
    by_id = {t.bpmn_id: t for t in ready(instance)}
    assert {t.candidate_role for t in by_id.values()} == {"liaison", "principal"}
    human_task_complete(task_id=by_id["fill"].pk, actor=office_user, data={"a": 1})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.RUNNING
    human_task_complete(task_id=by_id["sign"].pk, actor=office_user, data={"b": 2})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


def test_lane_less_task_without_unit_goes_to_the_starter(django_user_model):
    starter = django_user_model.objects.create_user("starter")
    other = django_user_model.objects.create_user("other")
    instance = start(simple_user_process("mine"), actor=starter)
    task = ready(instance)[0]
    assert list(inbox_for_user(user=starter)) == [task]
    with pytest.raises(NotFound):
        human_task_complete(task_id=task.pk, actor=other, data={})


def test_delegating_asks_about_the_colleague_not_about_the_one_who_delegates(school_task, schools, person):
    task, liaison_a, liaison_b = school_task
    with pytest.raises(Invalid):  # liaison_a may act; liaison_b, of another school, may not take it
        human_task_delegate(task_id=task.pk, actor=liaison_a, to_user=liaison_b)
    colleague = person("li_a2", schools["A"], "liaison")
    delegated = human_task_delegate(task_id=task.pk, actor=liaison_a, to_user=colleague)
    assert delegated.assignee == colleague
    assert list(inbox_for_user(user=colleague)) == [task]


def test_the_office_acts_on_any_task_and_is_not_mistaken_for_a_holder(school_task, office_user):
    task, liaison_a, _ = school_task
    done = human_task_complete(task_id=task.pk, actor=office_user, data={"students": 2})
    assert done.state == HumanTaskState.COMPLETED and done.completed_by == office_user
