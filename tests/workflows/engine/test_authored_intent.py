"""Third-party BPMN runs as its authors meant, or is refused naming the element, its line and, for
another engine's expression language, the language and what to write instead. Each test is a minimal
file of its own showing one shape."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, flow, process
from workflows.engine import BpmnValidationError, Process, compile_package

ACTIVITI = 'xmlns:activiti="http://activiti.org/bpmn" '


def _lines(*elements: str) -> str:
    return "\n".join(elements)  # one element a line, so that a refusal's line is the element's


def _compiled(content: bytes):
    return compile_package({"p.bpmn": content})


def _start(content: bytes, data: dict | None = None):
    compiled = _compiled(content).processes[0]
    return compiled, Process(compiled.spec, compiled.dialect).start(data or {})


def _refusal(content: bytes):
    with pytest.raises(BpmnValidationError) as info:
        _compiled(content)
    [issue] = info.value.issues
    return issue


def _line_of(content: bytes, needle: str) -> int:
    return next(i for i, line in enumerate(content.decode().splitlines(), 1) if needle in line)


def _gateway(condition: str) -> bytes:
    return definitions(process("p", _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:exclusiveGateway id="gw" default="other"/>',
        '<bpmn:userTask id="flagged"/>', '<bpmn:userTask id="plain"/>', chain("start", "gw"),
        flow("if_flag", "gw", "flagged", condition), flow("other", "gw", "plain"))))


def test_a_service_task_with_no_implementation_completes_as_a_no_op_with_a_warning():
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:serviceTask id="lookup" name="Look up"/>',
        '<bpmn:userTask id="check"/>', '<bpmn:endEvent id="end"/>', chain("start", "lookup", "check", "end"))))
    assert [(w.element_id, "no connector" in w.message) for w in _compiled(content).warnings] == [("lookup", True)]
    compiled, started = _start(content)
    assert started.status == "running" and [t.info.bpmn_id for t in started.ready_tasks] == ["check"]
    done = Process(compiled.spec, compiled.dialect).complete(started.state, started.ready_tasks[0].task_id, {})
    assert done.status == "completed"  # the stored state reads back with the plain service task in it


@pytest.mark.parametrize(("data", "path"), [({"flag": True}, "flagged"), ({}, "plain")])
def test_a_condition_may_ask_whether_a_variable_is_set_through_vars(data, path):
    _, started = _start(_gateway("'flag' in vars()"), data)
    assert started.incident is None and [t.info.bpmn_id for t in started.ready_tasks] == [path]


def test_an_expression_that_fails_says_why_in_its_incident():
    _, started = _start(_gateway("len(count) > 1"), {"count": 3})
    assert started.status == "error" and started.incident.bpmn_id == "gw"
    assert "TypeError: object of type 'int' has no len()" in started.incident.message


def _collection_loop(attributes: str) -> bytes:
    body = _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:userTask id="visit">',
        f'<bpmn:multiInstanceLoopCharacteristics isSequential="false" {attributes}>',
        "<bpmn:loopDataInputRef>schools</bpmn:loopDataInputRef>", '<bpmn:inputDataItem id="school"/>',
        "</bpmn:multiInstanceLoopCharacteristics>", "</bpmn:userTask>", '<bpmn:endEvent id="end"/>',
        chain("start", "visit", "end"))
    return definitions(process("p", body)).replace(b"xmlns:xsi", ACTIVITI.encode() + b"xmlns:xsi")


@pytest.mark.parametrize("attributes", ['activiti:collection="schools" activiti:elementVariable="school"',
                                        'activiti:elementVariable="school"'])
def test_a_multi_instance_reads_its_collection_from_activiti_or_the_standard_reference(attributes):
    compiled, started = _start(_collection_loop(attributes), {"schools": ["a", "b", "c"]})
    assert compiled.dialect == "camunda"
    assert [t.info.bpmn_id for t in started.ready_tasks] == ["visit"] * 3


def test_a_missing_collection_is_the_multi_instances_incident():
    _, started = _start(_collection_loop('activiti:collection="schools"'))
    assert started.status == "error" and started.incident.bpmn_id == "visit"
    assert "'schools'" in started.incident.message and "does not hold" in started.incident.message


def test_a_flow_straight_back_to_its_task_is_refused_naming_the_flow_and_its_line():
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:task id="again"/>', chain("start", "again"),
        flow("back", "again", "again"))))
    issue = _refusal(content)
    assert (issue.element_id, issue.line) == ("back", _line_of(content, 'id="back"'))
    assert "straight back" in issue.message and "exclusive gateway" in issue.message


@pytest.mark.parametrize(("condition", "language", "instead"), [
    ("=fraud", "FEEL", "without the leading ="),
    ("${execution.getVariable('amount') &gt; 100}", "JUEL", "name the variable itself"),
    ("${fn:contains(tags, 'late')}", "JUEL", "name the variable itself"),
])
def test_a_foreign_condition_language_is_named_with_what_to_write(condition, language, instead):
    content = _gateway(condition)
    issue = _refusal(content)
    assert (issue.element_id, issue.line) == ("if_flag", _line_of(content, 'id="if_flag"'))
    assert language in issue.message and instead in issue.message and "syntax error" not in issue.message


def test_a_cron_timer_cycle_is_named_with_the_iso_form_to_write():
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:intermediateCatchEvent id="every_five">',
        "<bpmn:timerEventDefinition>", "<bpmn:timeCycle>0/5 0/1 * 1/1 * ?</bpmn:timeCycle>",
        "</bpmn:timerEventDefinition>", "</bpmn:intermediateCatchEvent>", '<bpmn:endEvent id="end"/>',
        chain("start", "every_five", "end"))))
    issue = _refusal(content)
    assert (issue.element_id, issue.line) == ("every_five", _line_of(content, "<bpmn:timeCycle>"))
    assert "cron" in issue.message and "R/PT5M" in issue.message


def test_an_event_naming_a_message_the_file_does_not_define_is_refused_naming_it():
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start">', '<bpmn:messageEventDefinition messageRef="application"/>',
        "</bpmn:startEvent>", '<bpmn:userTask id="review"/>', chain("start", "review"))))
    issue = _refusal(content)
    assert issue.element_id == "start" and "'application'" in issue.message
    assert issue.line == _line_of(content, "messageEventDefinition")


@pytest.mark.parametrize(("definition", "trigger"), [
    ('<bpmn:messageEventDefinition messageRef="apply"/>', "a message"),
    ('<bpmn:signalEventDefinition signalRef="go"/>', "a signal"),
    ("<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>", "a timer"),
])
def test_a_process_only_a_trigger_can_start_deploys_with_a_warning_on_its_start(definition, trigger):
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start">', definition, "</bpmn:startEvent>", '<bpmn:userTask id="review"/>',
        chain("start", "review"))), head='<bpmn:message id="apply" name="apply"/><bpmn:signal id="go" name="go"/>')
    [warning] = _compiled(content).warnings
    assert warning.element_id == "start" and trigger in warning.message and "no task" in warning.message
    with_plain = content.replace(b'<bpmn:userTask id="review"/>', b'<bpmn:userTask id="review"/>\n'
                                 b'<bpmn:startEvent id="by_hand"/><bpmn:sequenceFlow id="hand" sourceRef="by_hand" '
                                 b'targetRef="review"/>')
    assert _compiled(with_plain).warnings == []
