"""An instance's answer (its start and its detail) stays small whatever the instance holds: a summary
of its tasks, incidents and history with their counts, its data when small, and links to the rest."""
from __future__ import annotations

import json

import pytest

from tests.builders import chain, definitions, process
from workflows.processes.services.definitions import definition_deploy

pytestmark = pytest.mark.django_db

FAN_OUT = definitions(process("visit_schools", "\n".join([
    '<bpmn:startEvent id="start"/>',
    '<bpmn:userTask id="visit" name="Visit">',
    '<bpmn:multiInstanceLoopCharacteristics isSequential="false">',
    "<bpmn:loopDataInputRef>schools</bpmn:loopDataInputRef>", '<bpmn:inputDataItem id="school"/>',
    "</bpmn:multiInstanceLoopCharacteristics>", "</bpmn:userTask>", '<bpmn:endEvent id="end"/>',
    chain("start", "visit", "end")])))


@pytest.fixture
def fan_out(world):
    return definition_deploy(files={"visit.bpmn": FAN_OUT}).definitions[0]


def _start(client, schools: int) -> tuple[int, dict]:
    answer = client.post("/api/instances/", {"key": "visit_schools", "data": {
        "schools": [f"学校-{n:04d}" for n in range(schools)]}}, content_type="application/json")
    assert answer.status_code == 201, answer.content
    return len(answer.content), answer.json()


def test_starting_a_thousand_item_multi_instance_answers_a_small_summary(fan_out, clients):
    size, body = _start(clients["office"], 1000)
    assert size < 20_000, size
    assert body["counts"]["tasks"] == 1000 and len(body["tasks"]) == 10
    assert body["data"] is None  # 1,000 schools are over the inline limit: read them from the link
    assert body["links"]["tasks"] == f"/api/instances/{body['id']}/tasks/"
    assert clients["office"].get(body["links"]["tasks"], {"page_size": 200}).json()["count"] == 1000
    data = clients["office"].get(body["links"]["data"]).json()
    assert len(data["schools"]) == 1000 and data["schools"][-1] == "学校-0999"
    history = clients["office"].get(body["links"]["history"]).json()
    assert history["count"] == body["counts"]["history"] and history["results"][0]["action"] == "instance.started"


def test_a_small_instance_answers_everything_it_holds(fan_out, clients):
    _, body = _start(clients["office"], 3)
    assert body["counts"]["tasks"] == 3 and len(body["tasks"]) == 3
    assert body["data"]["schools"] == ["学校-0000", "学校-0001", "学校-0002"]
    detail = clients["office"].get(f"/api/instances/{body['id']}/").json()
    assert detail["counts"] == body["counts"] and json.dumps(detail["tasks"]) == json.dumps(body["tasks"])


def test_the_links_answer_only_within_the_readers_scope(fan_out, clients):
    _, body = _start(clients["office"], 3)
    for link in body["links"].values():
        assert clients["liaison_b"].get(link).status_code == 404, link
