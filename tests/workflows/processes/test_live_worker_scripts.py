"""A real Celery worker and beat: scripts past their CPU or memory limit after a timer become incidents
on their own instances, and another instance's timer in the same sweep still fires."""
from __future__ import annotations

import time

import pytest

from tests.workflows.processes.helpers import ready, start
from tests.workflows.processes.test_hostile_scripts import PATIENT, _hostile
from tests.workflows.processes.test_live_worker import worker  # noqa: F401 (the fixture)
from workflows.processes.models import InstanceStatus, ProcessInstance

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _settled(instance_ids: list[int], patient_id: int) -> bool:
    statuses = dict(ProcessInstance.objects.filter(pk__in=instance_ids).values_list("pk", "status"))
    patient = ProcessInstance.objects.get(pk=patient_id)
    return all(s == InstanceStatus.ERROR for s in statuses.values()) and bool(ready(patient))


def test_cpu_and_memory_breaches_are_incidents_and_the_other_timer_fires(office_user, worker, tmp_path):  # noqa: F811
    power = start(_hostile("script_big_power"), actor=office_user)
    string = start(_hostile("script_big_string"), actor=office_user)
    patient = start(PATIENT, actor=office_user)
    began = time.monotonic()
    while time.monotonic() - began < 90 and not _settled([power.pk, string.pk], patient.pk):
        assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
        time.sleep(0.5)
    log = (tmp_path / "worker.log").read_text()[-3000:]
    assert [t.bpmn_id for t in ready(patient)] == ["after_the_wait"], log
    assert "longer than 2 s" in power.incidents.get().message, log
    assert "more than 256 MB of memory" in string.incidents.get().message, log
    assert time.monotonic() - began < 60  # the 30-second power was stopped at its limit
    assert worker.poll() is None  # the worker goes on
