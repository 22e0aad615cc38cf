"""A real Celery worker and beat, started here, fire a PT2S boundary timer with no help from the test."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.builders import chain, definitions, process, timer_boundary, user_task
from tests.workflows.processes.helpers import start
from workflows.processes.models import AuditAction, AuditEvent, HumanTaskState, ProcessInstance

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]

DEADLINE = definitions(process(
    "live_deadline", '<bpmn:startEvent id="start"/>' + user_task("report") + user_task("handle_late")
    + '<bpmn:endEvent id="end"/>' + timer_boundary("late", "report", '"PT2S"', interrupting=True)
    + chain("start", "report", "end") + chain("late", "handle_late")))


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def live_worker(tmp_path, beat: bool = True):
    """A Celery worker (and beat, unless told not to) on this test's database, logging to tmp_path."""
    env = {**os.environ, "DATABASE_URL": _database_url(), "DUBAN_TIMER_SWEEP_SECONDS": "1",
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL, "DUBAN_VAR_DIR": str(tmp_path)}
    with open(tmp_path / "worker.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "service", "worker", *(["--beat"] if beat else []),
             "--concurrency", "1", "--loglevel", "INFO", "--schedule", str(tmp_path / "beat-schedule"),
             "--without-mingle", "--without-gossip"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def worker(tmp_path):
    with live_worker(tmp_path) as proc:
        yield proc


def test_worker_and_beat_fire_a_pt2s_boundary_timer(office_user, worker, tmp_path):
    instance = start(DEADLINE, actor=office_user)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        states = dict(ProcessInstance.objects.get(pk=instance.pk).human_tasks.values_list("bpmn_id", "state"))
        if states.get("handle_late") == HumanTaskState.READY:
            break
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(0.5)
    assert states == {"report": HumanTaskState.CANCELLED, "handle_late": HumanTaskState.READY}, \
        (tmp_path / "worker.log").read_text()[-3000:]
    assert AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED, instance_id=instance.pk).count() == 1
