"""The consistency checker finds rows that disagree with the engine state."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.builders import chain, definitions, process, simple_user_process, timer_boundary, user_task
from tests.workflows.processes.helpers import ready, start
from workflows.processes.models import HumanTask, ProcessInstance
from workflows.processes.services.consistency import consistency_problems

pytestmark = pytest.mark.django_db


def test_agreeing_rows_pass_and_tampered_rows_are_named(office_user):
    content = definitions(process("timed", '<bpmn:startEvent id="start"/>' + user_task("work")
                                  + timer_boundary("late", "work", "P3D") + '<bpmn:endEvent id="end"/>'
                                  + chain("start", "work", "end") + chain("late", "end").replace("f_", "g_")))
    timed = start(content, actor=office_user)
    plain = start(simple_user_process("plain"), actor=office_user)
    assert list(consistency_problems()) == []
    call_command("check_consistency")
    HumanTask.objects.filter(pk=ready(plain)[0].pk).update(state="completed")
    timed.refresh_from_db()
    ProcessInstance.objects.filter(pk=timed.pk).update(next_timer_at=timed.next_timer_at + dt.timedelta(days=1))
    problems = list(consistency_problems())
    assert len(problems) == 2
    assert any(f"instance {plain.pk}" in p and "ready" in p for p in problems)
    assert any(f"instance {timed.pk}" in p and "timer" in p for p in problems)
    with pytest.raises(CommandError, match="2 inconsistencies"):
        call_command("check_consistency")
