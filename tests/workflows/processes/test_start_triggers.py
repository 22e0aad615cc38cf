"""Processes start the way their authors meant: by the message, signal or timer their start event
waits for, with the other start events left alone; a signal reaches every instance waiting for it."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import time_machine
from django.test import Client

from tests.builders import chain, definitions, process, user_task
from tests.workflows.processes.helpers import deploy, start
from tests.workflows.processes.test_live_worker import live_worker
from workflows.processes.models import HumanTaskState, ProcessInstance, StartTrigger
from workflows.processes.runtime import process_for
from workflows.processes.services.definitions import definition_activate
from workflows.processes.tasks import sweep_timers

pytestmark = pytest.mark.django_db

HEAD = '<bpmn:message id="apply" name="application_received"/><bpmn:signal id="go" name="term_begins"/>'


def _starting_by(definition: str, pid: str = "p", plain_start: bool = True, timer: str = "") -> bytes:
    """A process started by hand (``by_hand`` opens ``by_hand_task``) or by its trigger (``review``)."""
    if timer:
        definition = f"<bpmn:timerEventDefinition>{timer}</bpmn:timerEventDefinition>"
    body = ('<bpmn:startEvent id="triggered">' + definition + "</bpmn:startEvent>" + user_task("review")
            + '<bpmn:endEvent id="end"/>' + chain("triggered", "review", "end"))
    if plain_start:
        body += '<bpmn:startEvent id="by_hand"/>' + user_task("by_hand_task") + chain("by_hand", "by_hand_task")
    return definitions(process(pid, body), head=HEAD)


MESSAGE_START = '<bpmn:messageEventDefinition messageRef="apply"/>'
SIGNAL_START = '<bpmn:signalEventDefinition signalRef="go"/>'


def _office(office_user) -> Client:
    client = Client()
    client.force_login(office_user)
    return client


def _ready(instance_id: int) -> list[str]:
    return sorted(ProcessInstance.objects.get(pk=instance_id).human_tasks.filter(
        state=HumanTaskState.READY).values_list("bpmn_id", flat=True))


def test_a_message_starts_the_process_its_start_event_waits_for_with_data_and_business_key(office_user):
    deploy(_starting_by(MESSAGE_START))
    answer = _office(office_user).post("/api/messages/", {
        "name": "application_received", "business_key": "APP-7", "data": {"school": "A"}},
        content_type="application/json")
    assert answer.status_code == 201 and answer.json()["delivered"] == []
    [instance_id] = answer.json()["started"]
    instance = ProcessInstance.objects.get(pk=instance_id)
    assert instance.business_key == "APP-7" and _ready(instance_id) == ["review"]  # not the plain start's task
    assert process_for(instance.definition).data(bytes(instance.state))["school"] == "A"


def test_a_message_nothing_waits_for_and_nothing_starts_by_is_a_404_that_changes_nothing(office_user):
    deploy(_starting_by(MESSAGE_START))
    answer = _office(office_user).post("/api/messages/", {"name": "unknown"}, content_type="application/json")
    assert answer.status_code == 404 and "unknown" in answer.json()["message"]
    assert not ProcessInstance.objects.exists()


def test_a_message_goes_to_the_instance_waiting_for_it_before_it_starts_another(office_user):
    waiting = definitions(process("waits", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="hear">'
                                  + MESSAGE_START + "</bpmn:intermediateCatchEvent>" + user_task("act")
                                  + chain("start", "hear", "act")), head=HEAD)
    deploy(_starting_by(MESSAGE_START))
    instance = start(waiting, actor=office_user)
    answer = _office(office_user).post("/api/messages/", {"name": "application_received"},
                                       content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"delivered": [instance.pk], "started": []}
    assert _ready(instance.pk) == ["act"]


def test_a_signal_reaches_two_waiting_instances_and_starts_the_process_that_starts_by_it(office_user):
    waiting = definitions(process("waits", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="hear">'
                                  + SIGNAL_START + "</bpmn:intermediateCatchEvent>" + user_task("act")
                                  + chain("start", "hear", "act")), head=HEAD)
    first, second = start(waiting, actor=office_user), start(waiting, actor=office_user)
    deploy(_starting_by(SIGNAL_START, pid="by_signal", plain_start=False))
    answer = _office(office_user).post("/api/signals/", {"name": "term_begins"}, content_type="application/json")
    assert answer.status_code == 201
    assert sorted(answer.json()["delivered"]) == sorted([first.pk, second.pk])
    [started] = answer.json()["started"]
    assert _ready(first.pk) == _ready(second.pk) == ["act"] and _ready(started) == ["review"]
    assert ProcessInstance.objects.get(pk=started).definition.key == "by_signal"


def test_messages_and_signals_are_the_offices(person, schools):
    liaison = person("li", schools["A"], "liaison")
    client = Client()
    client.force_login(liaison)
    assert client.post("/api/signals/", {"name": "term_begins"}, content_type="application/json").status_code == 403


def test_a_timer_start_event_starts_an_instance_at_each_repetition_on_a_ticking_clock(office_user):
    definition = deploy(_starting_by("", timer="<bpmn:timeCycle>R2/PT1H</bpmn:timeCycle>"))
    [trigger] = StartTrigger.objects.filter(definition=definition)
    deployed_at = trigger.next_at - dt.timedelta(hours=1)
    with time_machine.travel(deployed_at + dt.timedelta(minutes=59), tick=True):
        sweep_timers()
        assert not ProcessInstance.objects.exists()
    with time_machine.travel(deployed_at + dt.timedelta(hours=1, seconds=5), tick=True):
        sweep_timers()
        sweep_timers()  # one start per repetition, however often beat sweeps
        [first] = ProcessInstance.objects.all()
        assert _ready(first.pk) == ["review"]
    with time_machine.travel(deployed_at + dt.timedelta(hours=5), tick=True):
        sweep_timers()  # the second and last repetition; those missed meanwhile are not run late
        sweep_timers()
    assert ProcessInstance.objects.count() == 2
    assert StartTrigger.objects.get(pk=trigger.pk).next_at is None


def test_only_the_active_version_starts_by_its_timer(office_user):
    first = deploy(_starting_by("", timer="<bpmn:timeDuration>PT1H</bpmn:timeDuration>"))
    second = deploy(_starting_by("", timer="<bpmn:timeDuration>PT2H</bpmn:timeDuration>").replace(b"review",
                                                                                                  b"check"))
    assert StartTrigger.objects.get(definition=first).next_at is None
    definition_activate(key="p", version=first.version, actor=office_user)
    assert StartTrigger.objects.get(definition=second).next_at is None
    assert StartTrigger.objects.get(definition=first).next_at is not None


@pytest.mark.live
@pytest.mark.django_db(transaction=True)
def test_beat_starts_a_timer_start_process_on_its_own(tmp_path):
    deploy(_starting_by("", pid="soon", plain_start=False, timer="<bpmn:timeDuration>PT2S</bpmn:timeDuration>"))
    with live_worker(tmp_path) as worker:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ProcessInstance.objects.exists():
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            time.sleep(0.5)
    [instance] = ProcessInstance.objects.all()
    assert instance.definition.key == "soon" and _ready(instance.pk) == ["review"]
