"""Walk bpmn/quarterly_report.bpmn: approve, return-and-resubmit, and the escalation ladder."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from workflows.processes.errors import Invalid
from workflows.processes.models import Escalation, HumanTaskState, InstanceStatus
from workflows.processes.services.definitions import definition_deploy_folder
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start
from workflows.processes.services.timers import timer_sweep

pytestmark = pytest.mark.django_db
BPMN = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.fixture
def report(office_user, schools, person):
    definition = next(d for r in definition_deploy_folder(folder=BPMN) for d in r.definitions
                      if d.key == "quarterly_report")
    now = timezone.now()
    data = {"reminder_at": now + dt.timedelta(days=5), "due_at": now + dt.timedelta(days=7),
            "supervise_at": now + dt.timedelta(days=10)}
    instance = instance_start(definition=definition, actor=office_user, unit=schools["A"], data=data)
    return instance, person("li_a", schools["A"], "liaison"), person("pr_a", schools["A"], "principal"), now


def _ready(instance):
    return list(instance.human_tasks.filter(state=HumanTaskState.READY))


def test_liaison_fills_principal_approves(report):
    instance, liaison, principal, now = report
    (fill,) = _ready(instance)
    assert (fill.bpmn_id, fill.candidate_role) == ("fill_report", "liaison")
    assert abs((fill.due_at - (now + dt.timedelta(days=7))).total_seconds()) < 1
    human_task_complete(task_id=fill.pk, actor=liaison, data={"progress": "已完成", "figures": {"students": 12}})
    (sign,) = _ready(instance)
    assert sign.candidate_role == "principal"
    human_task_complete(task_id=sign.pk, actor=principal, data={"decision": "approve"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


def test_return_needs_a_comment_and_goes_back_to_the_liaison(report):
    instance, liaison, principal, _ = report
    human_task_complete(task_id=_ready(instance)[0].pk, actor=liaison, data={"progress": "初稿"})
    sign = _ready(instance)[0]
    with pytest.raises(Invalid) as info:
        human_task_complete(task_id=sign.pk, actor=principal, data={"decision": "return"})
    assert "comment" in info.value.details
    human_task_complete(task_id=sign.pk, actor=principal, data={"decision": "return", "comment": "补充佐证材料"})
    (again,) = _ready(instance)
    assert again.bpmn_id == "fill_report"
    human_task_complete(task_id=again.pk, actor=liaison, data={"progress": "修改稿"})
    human_task_complete(task_id=_ready(instance)[0].pk, actor=principal, data={"decision": "approve"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.COMPLETED


def test_reminder_chase_supervise_each_once_then_closed_on_submission(report, office_user, schools):
    instance, liaison, principal, now = report
    office = office_user.memberships.get().unit
    for days, level in ((5.1, "reminder"), (7.1, "chase"), (10.1, "supervise")):
        with time_machine.travel(now + dt.timedelta(days=days), tick=False):
            assert timer_sweep() == 1
        assert Escalation.objects.filter(level=level).count() == 1
    targets = {e.level: (e.target_role, e.target_unit) for e in Escalation.objects.all()}
    assert targets == {"reminder": ("liaison", schools["A"]), "chase": ("principal", schools["A"]),
                       "supervise": ("office_director", office)}
    human_task_complete(task_id=_ready(instance)[0].pk, actor=liaison, data={"progress": "迟交"})
    human_task_complete(task_id=_ready(instance)[0].pk, actor=principal, data={"decision": "approve"})
    assert not Escalation.objects.filter(closed_at__isnull=True).exists()
