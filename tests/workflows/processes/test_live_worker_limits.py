"""A real Celery worker and beat: a timer cycle far too fast, built by an expression or written straight into a
definition row past the deploy-time check, becomes an incident on its own instance in a sweep; another instance's
PT2S timer still fires; reading and terminating the bad instances over HTTP answer at once."""
from __future__ import annotations

import hashlib
import time

import pytest
from django.test import Client
from django.utils import timezone

from tests.workflows.processes.helpers import ready, start
from tests.workflows.processes.test_hostile_limits import _hostile
from tests.workflows.processes.test_live_worker import DEADLINE, worker  # noqa: F401 (the fixture)
from workflows.engine import Limits, compile_package
from workflows.processes.models import Deployment, InstanceStatus, ProcessDefinition, ProcessInstance
from workflows.processes.services.instances import instance_start

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _written_in(actor) -> ProcessDefinition:
    """limit_cycle_by_expression with ``R/PT0.001S`` written in, compiled with the minimum lifted and stored as a
    definition row directly (as if deployed before the check existed)."""
    content = _hostile("limit_cycle_by_expression").replace(b">every<", b">R/PT0.001S<")
    (compiled,) = compile_package({"fast.bpmn": content}, Limits(timer_min_interval=0)).processes
    deployment = Deployment.objects.create(sha256=hashlib.sha256(content).hexdigest(), deployed_by=actor)
    return ProcessDefinition.objects.create(deployment=deployment, key="written_in", version=1, name="written in",
                                            dialect=compiled.dialect, spec=compiled.spec, activated_at=timezone.now())


def _settled(bad: list[int], deadline: ProcessInstance) -> bool:
    statuses = set(ProcessInstance.objects.filter(pk__in=bad).values_list("status", flat=True))
    return statuses == {InstanceStatus.ERROR} and bool(ready(deadline, "handle_late"))


def test_a_too_fast_cycle_is_an_incident_and_another_instances_timer_fires(office_user, worker,  # noqa: F811
                                                                          tmp_path):
    by_expression = start(_hostile("limit_cycle_by_expression"), actor=office_user, data={"every": "R/PT0.001S"})
    written_in = instance_start(definition=_written_in(office_user), actor=office_user)
    deadline = start(DEADLINE, actor=office_user)
    began = time.monotonic()
    while time.monotonic() - began < 60 and not _settled([by_expression.pk, written_in.pk], deadline):
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(0.5)
    log = (tmp_path / "worker.log").read_text()[-3000:]
    assert [t.bpmn_id for t in ready(deadline)] == ["handle_late"], log
    client = Client()
    client.force_login(office_user)
    for bad in (by_expression, written_in):
        incident = bad.incidents.get()
        assert incident.bpmn_id == "remind", log
        assert "repeats every 0.001 seconds; the shortest interval allowed is 1 minute" in incident.message
        asked = time.monotonic()
        assert client.get(f"/api/instances/{bad.pk}/").json()["status"] == InstanceStatus.ERROR
        answer = client.post(f"/api/instances/{bad.pk}/terminate/", {"reason": "too fast"},
                             content_type="application/json")
        assert answer.status_code == 200, answer.content
        assert time.monotonic() - asked < 5
        bad.refresh_from_db()
        assert bad.status == InstanceStatus.TERMINATED
    assert worker.poll() is None  # the worker goes on
