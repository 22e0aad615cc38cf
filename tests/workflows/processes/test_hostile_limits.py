"""Hostile shapes (tests/workflows/engine/hostile/limit_*.bpmn) through the service: refused at deploy with
file, element and line, or an incident on their own instance while another instance's timer fires in the
same sweep; a cycle behind by many repetitions fires one per sweep; the limits come from the settings."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django.utils.translation import override

from tests.builders import chain, definitions, process, user_task
from tests.workflows.processes.helpers import deploy, ready, start
from tests.workflows.processes.test_hostile_scripts import PATIENT
from workflows.engine import parser
from workflows.processes.errors import Invalid
from workflows.processes.models import AuditAction, AuditEvent, InstanceStatus, ProcessDefinition
from workflows.processes.runtime import process_for
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.instances import instance_start, instance_terminate
from workflows.processes.services.timers import timer_sweep, timer_sweep_until_done

pytestmark = pytest.mark.django_db
HOSTILE = Path(__file__).resolve().parents[1] / "engine" / "hostile"


def _hostile(name: str) -> bytes:
    return (HOSTILE / f"{name}.bpmn").read_bytes()


def _later(seconds: float):
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


@pytest.mark.parametrize("names, element, line, refusal", [
    (["limit_cycle_too_fast"], "remind", 11, "(DUBAN_TIMER_MIN_INTERVAL_SECONDS)"),
    (["limit_cycle_too_many"], "remind", 11, "(DUBAN_TIMER_MAX_REPETITIONS)"),
    (["limit_calls_itself"], "again", 6, "calls its own process"),
    (["limit_calls_back_a", "limit_calls_back_b"], "call_b", 6, "calls its own process"),
    (["limit_cardinality"], "each", 9, "(DUBAN_MAX_MULTI_INSTANCE)"),
])
def test_a_hostile_shape_is_refused_naming_its_element_and_line(names, element, line, refusal, office_user):
    with pytest.raises(Invalid) as info, override("en"):  # the refusal in English
        definition_deploy(files={f"{n}.bpmn": _hostile(n) for n in names}, actor=office_user)
    issue = info.value.details["issues"][0]
    assert (issue["file"], issue["element_id"], issue["line"]) == (f"{names[0]}.bpmn", element, line)
    assert refusal in issue["message"]
    assert not ProcessDefinition.objects.exists()


def test_the_limits_come_from_the_settings(office_user, settings):
    settings.DUBAN_TIMER_MIN_INTERVAL_SECONDS = 0.0005
    assert deploy(_hostile("limit_cycle_too_fast"), actor=office_user).key == "limit_cycle_too_fast"
    settings.DUBAN_MAX_BPMN_ELEMENTS = 3
    simple = definitions(process("simple", '<bpmn:startEvent id="start"/>' + user_task("fill")
                                 + '<bpmn:endEvent id="end"/>' + chain("start", "fill", "end")))
    with pytest.raises(Invalid) as info, override("en"):  # the refusal in English
        deploy(simple, name="simple.bpmn", actor=office_user)
    assert "the file has 5 flow elements" in info.value.details["issues"][0]["message"]
    settings.DUBAN_MAX_BPMN_ELEMENTS, settings.DUBAN_MAX_MULTI_INSTANCE = 5000, 2
    instance = start(_hostile("limit_cardinality_by_expression"), actor=office_user, data={"count": 3})
    assert instance.status == InstanceStatus.ERROR
    assert "3 instances; at most 2 are allowed" in instance.incidents.get().message


def test_a_bad_cycle_is_an_incident_on_its_instance_and_another_timer_fires_in_the_same_sweep(office_user):
    bad = start(_hostile("limit_cycle_by_expression"), actor=office_user, data={"every": "R/PT0.001S"})
    patient = instance_start(definition=deploy(PATIENT, name="patient.bpmn", actor=office_user), actor=office_user)
    began = time.monotonic()
    with _later(5):
        assert timer_sweep() == 2
    assert time.monotonic() - began < 10
    bad.refresh_from_db()
    incident = bad.incidents.get()
    assert (bad.status, bad.next_timer_at, incident.bpmn_id) == (InstanceStatus.ERROR, None, "remind")
    assert "repeats every 0.001 seconds; the shortest interval allowed is 1 minute" in incident.message
    assert [t.bpmn_id for t in ready(patient)] == ["after_the_wait"]
    assert process_for(bad.definition).data(bytes(bad.state))["every"] == "R/PT0.001S"  # reads at once
    assert instance_terminate(instance_id=bad.pk, actor=office_user).status == InstanceStatus.TERMINATED


BEHIND = definitions(process(
    "behind", '<bpmn:startEvent id="start"/>' + user_task("report") + '<bpmn:endEvent id="end"/>'
    '<bpmn:boundaryEvent id="remind" attachedToRef="report" cancelActivity="false"><bpmn:timerEventDefinition>'
    '<bpmn:timeCycle>R5/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
    + user_task("reminded") + chain("start", "report", "end") + chain("remind", "reminded")))


def test_a_cycle_behind_by_many_repetitions_fires_one_repetition_per_sweep(office_user, settings):
    settings.DUBAN_SWEEP_BATCH = 1  # every batch is full: the sweep goes on until nothing is left to take
    instance = start(BEHIND, actor=office_user)
    began = timezone.now()
    fired = AuditEvent.objects.filter(action=AuditAction.TIMER_FIRED, instance_id=instance.pk)
    with _later(600):  # all five repetitions are overdue
        assert timer_sweep_until_done(seconds=60) == 1
        instance.refresh_from_db()
        assert (fired.count(), len(ready(instance, "reminded"))) == (1, 1)
        assert abs((instance.next_timer_at - began).total_seconds() - 120) < 5  # the next one, already past
        assert timer_sweep_until_done(seconds=60) == 1
        assert (fired.count(), len(ready(instance, "reminded"))) == (2, 2)


def test_a_self_call_deployed_before_the_check_is_an_incident_not_a_hang(office_user, monkeypatch):
    monkeypatch.setattr(parser, "call_cycle_issues", lambda sources: [])  # as deployed before the check
    definition = deploy(_hostile("limit_calls_itself"), actor=office_user)
    monkeypatch.undo()
    began = time.monotonic()
    instance = instance_start(definition=definition, actor=office_user)
    assert time.monotonic() - began < 10
    assert instance.status == InstanceStatus.ERROR
    incident = instance.incidents.get()
    assert incident.bpmn_id == "again"
    assert "nested 21 deep; at most 20 are allowed (DUBAN_MAX_SUBPROCESS_DEPTH)" in incident.message
