"""Every decision keeps its words: two returns with their reasons and a sign-off stay in the history and the
audit, and each page shows only the decision that holds; on a ticking clock."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from workflows.processes.models import AuditAction, AuditEvent, HumanTaskState
from workflows.processes.services.definitions import definition_deploy_folder
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start

pytestmark = pytest.mark.django_db
BPMN = Path(__file__).resolve().parents[3] / "bpmn"


def _ready(instance):
    (task,) = instance.human_tasks.filter(state=HumanTaskState.READY)
    return task


def _page(user, task) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/tasks/{task.pk}/").content.decode()


def test_two_returns_and_a_sign_off_keep_their_words(office_user, schools, person):
    definition = next(d for r in definition_deploy_folder(folder=BPMN) for d in r.definitions
                      if d.key == "quarterly_report")
    liaison, principal = person("li_a", schools["A"], "liaison"), person("pr_a", schools["A"], "principal")
    now = timezone.now()
    with time_machine.travel(now, tick=True) as clock:
        instance = instance_start(definition=definition, actor=office_user, unit=schools["A"], data={
            "reminder_at": now + dt.timedelta(days=5), "due_at": now + dt.timedelta(days=7),
            "supervise_at": now + dt.timedelta(days=10)})
        for round_, reason in enumerate(("补充佐证材料", "数据与台账不一致")):
            human_task_complete(task_id=_ready(instance).pk, actor=liaison, data={"progress": f"第{round_ + 1}稿"})
            clock.shift(dt.timedelta(hours=3))
            sign = _ready(instance)
            assert "退回修改意见" not in _page(principal, sign)  # a sign-off shows no earlier return
            human_task_complete(task_id=sign.pk, actor=principal, data={"decision": "return", "comment": reason})
            clock.shift(dt.timedelta(hours=3))
            refill = _page(liaison, _ready(instance))
            assert reason in refill  # the reason that holds now
            assert round_ == 0 or "补充佐证材料" not in refill  # not the first one
        human_task_complete(task_id=_ready(instance).pk, actor=liaison, data={"progress": "第3稿"})
        second_sign_off = _page(principal, _ready(instance))
        assert "补充佐证材料" not in second_sign_off and "数据与台账不一致" not in second_sign_off
        human_task_complete(task_id=_ready(instance).pk, actor=principal, data={"decision": "approve"})

    decisions = [(e.actor.username, e.detail["decision"], e.detail["comment"]) for e in AuditEvent.objects.filter(
        instance_id=instance.pk, action=AuditAction.TASK_COMPLETED, detail__has_key="decision").order_by("at", "id")]
    assert decisions == [("pr_a", "return", "补充佐证材料"), ("pr_a", "return", "数据与台账不一致"),
                         ("pr_a", "approve", "")]
    client = Client()
    client.force_login(office_user)
    detail = client.get(f"/api/instances/{instance.pk}/").json()  # a summary: the whole history is behind its link
    history = client.get(detail["links"]["history"], {"page_size": 200}).json()["results"]
    assert len(history) == detail["counts"]["history"] > len(detail["history"])
    words = [(h["actor"], h["detail"].get("decision"), h["detail"].get("comment")) for h in history
             if "decision" in h["detail"]]
    assert words == decisions
