"""kill -9 a Celery worker in the middle of a timer sweep: after a restart every due timer fired exactly once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.conf import settings

from tests.builders import chain, definitions, process, timer_boundary, user_task
from tests.workflows.processes.test_live_worker import ROOT, _database_url
from workflows.processes.models import AuditAction, AuditEvent, ProcessInstance
from workflows.processes.runtime import process_for
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.instances import instance_start

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
INSTANCES = 300


def _worker(tmp_path, name: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "DUBAN_TIMER_SWEEP_SECONDS": "1",
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "DUBAN_VAR_DIR": str(tmp_path)}
    log = open(tmp_path / f"{name}.log", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "service", "worker", "--beat", "--concurrency", "2", "--loglevel",
         "WARNING", "--schedule", str(tmp_path / f"{name}-schedule"), "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _fired() -> Counter:
    return Counter(AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED).values_list("instance_id", flat=True))


def test_killed_mid_sweep_then_restarted_fires_each_timer_once(office_user, tmp_path):
    content = definitions(process("crash", '<bpmn:startEvent id="start"/>' + user_task("work") + user_task("late")
                                  + timer_boundary("deadline", "work", "PT4S", interrupting=True)
                                  + chain("start", "work") + chain("deadline", "late")))
    definition = definition_deploy(files={"crash.bpmn": content}, actor=office_user).definitions[0]
    process_for(definition)
    for _ in range(INSTANCES):
        instance_start(definition=definition, actor=office_user)
    first = _worker(tmp_path, "first")
    deadline = time.monotonic() + 90
    while not _fired() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # worker, its pool and beat, without any chance to clean up
    first.wait(10)
    killed_after = sum(_fired().values())
    second = _worker(tmp_path, "second")
    try:
        while sum(_fired().values()) < INSTANCES and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        second.wait(20)
    fired = _fired()
    print(f"timers fired before the kill: {killed_after} of {INSTANCES}")
    assert killed_after > 0  # the kill landed once the sweep had begun
    assert len(fired) == INSTANCES and set(fired.values()) == {1}, (killed_after, Counter(fired.values()))
    assert ProcessInstance.objects.filter(human_tasks__bpmn_id="late", human_tasks__state="ready").count() \
        == INSTANCES


def test_two_workers_with_two_beats_never_double_escalate(office_user, tmp_path):
    from tests.builders import escalation, escalation_throw
    from workflows.processes.models import Escalation

    content = definitions(process(
        "raced", '<bpmn:startEvent id="start"/>' + user_task("work") + timer_boundary("late", "work", "PT3S")
        + escalation_throw("chase_it", "esc") + '<bpmn:endEvent id="chased"/>'
        + chain("start", "work") + chain("late", "chase_it", "chased")), head=escalation("esc", "chase"))
    definition = definition_deploy(files={"raced.bpmn": content}, actor=office_user).definitions[0]
    for _ in range(100):
        instance_start(definition=definition, actor=office_user)
    workers = [_worker(tmp_path, "a"), _worker(tmp_path, "b")]
    deadline = time.monotonic() + 90
    try:
        while Escalation.objects.count() < 100 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # both beats keep sweeping: nothing more may happen
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(20)
    per_instance = Counter(Escalation.objects.values_list("instance_id", flat=True))
    assert len(per_instance) == 100 and set(per_instance.values()) == {1}
    assert set(_fired().values()) == {1}


def test_killed_mid_fan_out_then_restarted_gives_each_school_one_report(office_user, tmp_path):
    from pathlib import Path

    from workflows.plans.models import QuarterlyReport
    from workflows.plans.services.seed import plan_load
    from workflows.processes.services.definitions import definition_deploy_folder

    definition_deploy_folder(folder=Path(ROOT) / "bpmn")
    schools = 300
    plan_load(data={
        "bureau": {"code": "crash-bureau", "name": "局"}, "plan": {"code": "crash-plan", "title": "计划", "year": 2026},
        "units": [{"code": "crash-office", "name": "办公室", "kind": "office"},
                  {"code": "crash-dept", "name": "股室", "kind": "department"}]
                 + [{"code": f"crash-s{i:03d}", "name": f"学校{i}", "kind": "school"} for i in range(schools)],
        "work_items": [{"number": 1, "title": "工作", "departments": ["crash-dept"]}],
        "cycles": [{"year": 2026, "half": 1}]})
    os.environ["DUBAN_CYCLE_TICK_SECONDS"] = "1"
    try:
        first = _worker(tmp_path, "fan-first")
        deadline = time.monotonic() + 120
        while QuarterlyReport.objects.count() < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        killed_after = QuarterlyReport.objects.count()
        second = _worker(tmp_path, "fan-second")
        try:
            while QuarterlyReport.objects.filter(quarter__quarter=1).count() < schools \
                    and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(20)
    finally:
        del os.environ["DUBAN_CYCLE_TICK_SECONDS"]
    print(f"reports started before the kill: {killed_after} of {schools}")
    assert 0 < killed_after < schools
    q1 = QuarterlyReport.objects.filter(quarter__quarter=1)
    assert q1.count() == schools == q1.values("school").distinct().count()
    assert q1.filter(instance__isnull=True).count() == 0
    orphans = ProcessInstance.objects.filter(definition__key="quarterly_report", quarterly_report__isnull=True)
    assert orphans.count() == 0
