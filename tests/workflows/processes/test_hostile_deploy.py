"""Every refused upload answers with a validation error and stores nothing."""
from __future__ import annotations

import pytest
from django.utils.translation import override

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


def test_more_hostile_uploads_are_refused_or_contained(office_user):
    zero_cycle = definitions(process("spin", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="tick">'
                                     '<bpmn:timerEventDefinition><bpmn:timeCycle>R/PT0S</bpmn:timeCycle>'
                                     '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
                                     + chain("start", "tick")))
    with pytest.raises(Invalid) as info, override("en"):  # the refusal in English
        definition_deploy(files={"spin.bpmn": zero_cycle}, actor=office_user)
    assert "zero length" in info.value.details["issues"][0]["message"]
    huge = b"<x>" + b"a" * (50 * 1024 * 1024) + b"</x>"
    with pytest.raises(Invalid):
        definition_deploy(files={"huge.bpmn": huge}, actor=office_user)
    for script in ("x = getattr(1, '__class__')", "g = (c for c in ().__class__.__mro__)",
                   "s = '{0.__class__}'.format(1)"):
        with pytest.raises(Invalid):
            definition_deploy(files={"s.bpmn": _script(script)}, actor=office_user)
    assert not ProcessDefinition.objects.exists()


def test_a_zero_cycle_from_an_expression_is_an_incident_not_a_hang(office_user):
    from tests.workflows.processes.helpers import start
    from workflows.processes.models import InstanceStatus

    content = definitions(process("spin2", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="tick">'
                                  '<bpmn:timerEventDefinition><bpmn:timeCycle>every</bpmn:timeCycle>'
                                  '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
                                  + chain("start", "tick")))
    instance = start(content, actor=office_user, data={"every": "R/PT0S"})
    instance.refresh_from_db()
    assert instance.status == InstanceStatus.ERROR
    assert "zero length" in instance.incidents.get().message
