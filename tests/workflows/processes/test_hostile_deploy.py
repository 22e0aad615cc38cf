"""Every refused upload answers with a validation error and stores nothing."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, flow, process
from workflows.processes.errors import Invalid
from workflows.processes.models import AuditEvent, Deployment, ProcessDefinition
from workflows.processes.services.definitions import definition_deploy

pytestmark = pytest.mark.django_db


def _script(code: str) -> bytes:
    return definitions(process("p", f'<bpmn:startEvent id="start"/><bpmn:scriptTask id="evil"><bpmn:script>{code}'
                                    '</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="end"/>'
                                    + chain("start", "evil", "end")))


HOSTILE = {
    "malformed": definitions(process("p", '<bpmn:startEvent id="start">')),
    "xxe": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
    "billion_laughs": b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><l>&b;</l>',
    "missing_flow_target": definitions(process("p", '<bpmn:startEvent id="start"/>' + flow("f", "start", "nope"))),
    "complex_gateway": definitions(process("p", '<bpmn:startEvent id="start"/><bpmn:complexGateway id="cx"/>'
                                                + chain("start", "cx"))),
    "link_event": definitions(process("p", '<bpmn:startEvent id="start"/><bpmn:intermediateThrowEvent id="l">'
                                           '<bpmn:linkEventDefinition name="x"/></bpmn:intermediateThrowEvent>'
                                           + chain("start", "l"))),
    "import_os": _script("__import__('os').system('id')"),
    "subclasses": _script("x = ().__class__.__base__.__subclasses__()"),
    "huge": b"<a>" + b"x" * (6 * 1024 * 1024) + b"</a>",
    "deep": definitions("<bpmn:extensionElements>" + "<x>" * 200 + "</x>" * 200 + "</bpmn:extensionElements>"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload_is_refused_and_nothing_is_stored(name, office_user):
    with pytest.raises(Invalid) as info:
        definition_deploy(files={f"{name}.bpmn": HOSTILE[name]}, actor=office_user)
    issues = info.value.details["issues"]
    assert issues and all(i["file"] == f"{name}.bpmn" and i["message"] for i in issues)
    assert not Deployment.objects.exists() and not ProcessDefinition.objects.exists()
    assert not AuditEvent.objects.exists()
