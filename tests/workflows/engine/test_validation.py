"""Uploads that must be refused with an error naming the file, element, type and line."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, flow, process
from workflows.engine import BpmnValidationError, Process, compile_package


def _issues(content: bytes, name: str = "upload.bpmn"):
    with pytest.raises(BpmnValidationError) as info:
        compile_package({name: content})
    return info.value.issues


def _line_of(content: bytes, needle: str) -> int:
    return next(i for i, line in enumerate(content.decode().splitlines(), 1) if needle in line)


def test_malformed_xml_names_file_and_line():
    content = definitions(process("p", '<bpmn:startEvent id="start">'))
    issue = _issues(content, "broken.bpmn")[0]
    assert issue.file == "broken.bpmn"
    assert "malformed XML" in issue.message
    assert issue.line is not None


def test_xxe_payload_is_refused_without_reading_the_file():
    content = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               + definitions(process("p", '<bpmn:startEvent id="s" name="&xxe;"/>')).split(b"?>", 1)[1])
    issue = _issues(content)[0]
    assert "DOCTYPE" in issue.message
    assert "root:" not in str(issue)


def test_billion_laughs_is_refused():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
    content = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]><lolz>&lol9;</lolz>'.encode()
    assert "DOCTYPE" in _issues(content)[0].message


def test_flow_to_missing_id_names_the_flow_and_its_line():
    body = '<bpmn:startEvent id="start"/><bpmn:endEvent id="end"/>' + flow("to_nowhere", "start", "ghost")
    content = definitions(process("p", body))
    issue = _issues(content)[0]
    assert issue.element_id == "to_nowhere"
    assert issue.element_type == "sequenceFlow"
    assert issue.line == _line_of(content, 'id="to_nowhere"')
    assert "ghost" in issue.message


def test_complex_gateway_is_refused():
    body = ('<bpmn:startEvent id="start"/><bpmn:complexGateway id="cx"/><bpmn:endEvent id="end"/>'
            + chain("start", "cx", "end"))
    content = definitions(process("p", body))
    issue = _issues(content)[0]
    assert (issue.element_id, issue.element_type) == ("cx", "complexGateway")
    assert issue.line == _line_of(content, 'id="cx"')


def test_link_event_is_refused():
    body = ('<bpmn:startEvent id="start"/><bpmn:intermediateThrowEvent id="jump">'
            '<bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>' + chain("start", "jump"))
    issue = _issues(definitions(process("p", body)))[0]
    assert issue.element_id == "jump"
    assert "link" in issue.message


@pytest.mark.parametrize("script", [
    "__import__('os').system('id')",
    "x = ().__class__.__base__.__subclasses__()",
    "import os",
])
def test_unsafe_scripts_are_refused_at_deploy(script):
    body = (f'<bpmn:startEvent id="start"/><bpmn:scriptTask id="evil"><bpmn:script>{script}</bpmn:script>'
            '</bpmn:scriptTask><bpmn:endEvent id="end"/>' + chain("start", "evil", "end"))
    content = definitions(process("p", body))
    issue = _issues(content)[0]
    assert (issue.element_id, issue.element_type) == ("evil", "scriptTask")
    assert issue.line == _line_of(content, "<bpmn:script>")
    assert "refused" in issue.message


def test_unsafe_gateway_condition_is_refused():
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" default="f2"/>'
            '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>' + chain("start", "gw")
            + flow("f1", "gw", "e1", "().__class__ == 1") + flow("f2", "gw", "e2"))
    issue = _issues(definitions(process("p", body)))[0]
    assert issue.element_id == "f1"


def test_non_executable_process_is_refused():
    content = definitions(process("p", '<bpmn:startEvent id="s"/>', executable=False))
    issue = _issues(content)[0]
    assert issue.element_id == "p"
    assert "not executable" in issue.message


def test_foreign_script_language_is_refused():
    body = ('<bpmn:startEvent id="start"/><bpmn:scriptTask id="groovy" scriptFormat="groovy">'
            '<bpmn:script>println "hi"</bpmn:script></bpmn:scriptTask>' + chain("start", "groovy"))
    issues = _issues(definitions(process("p", body)))
    assert any("groovy" in i.message and i.element_id == "groovy" for i in issues)


def test_engine_validation_error_gets_a_line_number():
    # a timer without any time specification: SpiffWorkflow's own check, whose error lacks lines
    body = ('<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait">'
            '<bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>'
            + chain("start", "wait", "end"))
    content = definitions(process("p", body))
    issue = _issues(content)[0]
    assert issue.element_id == "wait"
    assert issue.line == _line_of(content, 'id="wait"')


def test_not_bpmn_at_all():
    assert "BPMN" in _issues(b"<html><body>hi</body></html>")[0].message


def test_qualified_references_are_resolved():
    head = '<bpmn:message id="Message_1" name="report_in"/>'
    body = ('<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait">'
            '<bpmn:messageEventDefinition messageRef="tns:Message_1"/></bpmn:intermediateCatchEvent>'
            '<bpmn:endEvent id="end"/>' + chain("start", "wait", "end"))
    compiled = compile_package({"q.bpmn": definitions(process("p", body), head=head)})
    assert [p.key for p in compiled.processes] == ["p"]


def test_id_less_flows_get_ids_and_implicit_ends_an_end_event():
    body = ('<bpmn:startEvent id="start"/><bpmn:userTask id="work"/><bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow sourceRef="start" targetRef="work"/>')
    compiled = compile_package({"p.bpmn": definitions(process("p", body))}).processes[0]
    engine = Process(compiled.spec, compiled.dialect)
    started = engine.start()
    assert [t.info.bpmn_id for t in started.ready_tasks] == ["work"]  # the id-less flow was kept
    done = engine.complete(started.state, started.ready_tasks[0].task_id)
    assert done.status == "completed"  # "work" has no outgoing flow: its path ends there
