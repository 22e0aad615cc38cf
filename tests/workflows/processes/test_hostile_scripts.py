"""Hostile scripts (tests/workflows/engine/hostile/script_*.bpmn): refused at deploy, or an incident on their
own instance while the other instances of the same timer sweep go on."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import override

from tests.builders import chain, definitions, process, user_task
from tests.workflows.processes.helpers import deploy, ready
from workflows.processes.errors import Invalid
from workflows.processes.models import InstanceStatus, ProcessDefinition
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.instances import instance_start
from workflows.processes.services.timers import timer_sweep

pytestmark = pytest.mark.django_db
HOSTILE = Path(__file__).resolve().parents[1] / "engine" / "hostile"
PATIENT = definitions(process("patient", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait">'
                                         '<bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration>'
                                         '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
                              + user_task("after_the_wait") + chain("start", "wait", "after_the_wait")))


def _hostile(name: str) -> bytes:
    return (HOSTILE / f"{name}.bpmn").read_bytes()


def _sweep_after_the_wait() -> float:
    began = time.monotonic()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5), tick=False):
        timer_sweep()
    return time.monotonic() - began


@pytest.mark.parametrize("name, line, refusal", [
    ("script_print", 2, "print() is not available"),
    ("script_frame_walk", 2, '"gi_frame" is a restricted name'),
])
def test_a_script_refused_at_deploy_names_the_element_and_line(name, line, refusal, office_user):
    with pytest.raises(Invalid) as info, override("en"):  # the refusal in English
        definition_deploy(files={f"{name}.bpmn": _hostile(name)}, actor=office_user)
    issue = info.value.details["issues"][0]
    assert (issue["element_id"], issue["line"]) == ("run", 12 + line - 1)  # the refused line of the file
    assert refusal in issue["message"]
    assert "RestrictedPython" not in issue["message"] and "_print_" not in issue["message"]
    assert not ProcessDefinition.objects.exists()


@pytest.mark.parametrize("name", ["script_os_via_json", "script_os_via_statistics"])
def test_a_module_reached_through_another_module_runs_no_command(name, office_user, tmp_path):
    marker = tmp_path / "ran"
    instance = instance_start(definition=deploy(_hostile(name), actor=office_user), actor=office_user,
                              data={"marker": str(marker)})
    _sweep_after_the_wait()
    instance.refresh_from_db()
    incident = instance.incidents.get()
    assert instance.status == InstanceStatus.ERROR
    assert (incident.bpmn_id, incident.line) == ("run", 2)
    assert "is not available in BPMN scripts" in incident.message
    assert not marker.exists()


@pytest.mark.parametrize("name, message", [
    ("script_big_power", "longer than 0.5 s"),
    ("script_big_string", "more than 64 MB of memory"),
    ("script_type_internals", "'mro' is not available"),
])
def test_a_breach_is_an_incident_on_its_instance_and_the_rest_of_the_sweep_fires(name, message, office_user,
                                                                                  settings):
    settings.DUBAN_SCRIPT_TIME_LIMIT = 0.5
    settings.DUBAN_SCRIPT_MEMORY_LIMIT_MB = 64
    hostile = instance_start(definition=deploy(_hostile(name), actor=office_user), actor=office_user)
    patient = instance_start(definition=deploy(PATIENT, name="patient.bpmn", actor=office_user), actor=office_user)
    took = _sweep_after_the_wait()
    hostile.refresh_from_db()
    assert hostile.status == InstanceStatus.ERROR
    incident = hostile.incidents.get()
    assert incident.bpmn_id == "run" and message in incident.message
    assert [t.bpmn_id for t in ready(patient)] == ["after_the_wait"]
    assert took < 10  # the 30-second power was stopped at its limit, not run to the end


def test_the_sandbox_recovers_after_a_breach(office_user, settings):
    settings.DUBAN_SCRIPT_MEMORY_LIMIT_MB = 64
    instance_start(definition=deploy(_hostile("script_big_string"), actor=office_user), actor=office_user)
    _sweep_after_the_wait()
    adds = definitions(process("adds", '<bpmn:startEvent id="start"/><bpmn:scriptTask id="add"><bpmn:script>'
                                       'total = sum(n for n in numbers)</bpmn:script></bpmn:scriptTask>'
                               + user_task("look") + chain("start", "add", "look")))
    instance = instance_start(definition=deploy(adds, name="adds.bpmn", actor=office_user), actor=office_user,
                              data={"numbers": [1, 2, 3]})
    assert instance.status != InstanceStatus.ERROR
    assert ready(instance)[0].bpmn_id == "look"
