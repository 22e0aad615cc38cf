"""Third-party BPMN runs as its authors meant, or is refused naming the element, its line and, for
another engine's expression language, the language and what to write instead. Each test is a minimal
file of its own showing one shape."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, escalation, escalation_throw, flow, process
from workflows.engine import BpmnValidationError, Process, compile_package

ACTIVITI = 'xmlns:activiti="http://activiti.org/bpmn" '
CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '


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


@pytest.mark.parametrize(("definition", "warned"), [
    ('<bpmn:messageEventDefinition messageRef="apply"/>', None),
    ('<bpmn:signalEventDefinition signalRef="go"/>', None),
    ("<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>", None),
    ("<bpmn:timerEventDefinition><bpmn:timeDuration>wait_for</bpmn:timeDuration></bpmn:timerEventDefinition>",
     "built by an expression"),
    ("<bpmn:conditionalEventDefinition><bpmn:condition>ready</bpmn:condition></bpmn:conditionalEventDefinition>",
     "no condition"),
])
def test_a_start_event_nothing_can_trigger_deploys_with_a_warning_on_it(definition, warned):
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start">', definition, "</bpmn:startEvent>", '<bpmn:userTask id="review"/>',
        chain("start", "review"))), head='<bpmn:message id="apply" name="apply"/><bpmn:signal id="go" name="go"/>')
    found = [(w.element_id, warned in w.message) for w in _compiled(content).warnings]
    assert found == ([] if warned is None else [("start", True)])


def _escalation_in_a_subprocess(inner_interrupting: str, boundary: bool = True) -> bytes:
    """A subprocess raising an escalation that an event subprocess inside it and an interrupting
    boundary event on it both catch."""
    body = _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:subProcess id="sub">', '<bpmn:startEvent id="sub_start"/>',
        escalation_throw("raise", "late"), '<bpmn:userTask id="after_raise"/>', '<bpmn:endEvent id="sub_end"/>',
        chain("sub_start", "raise", "after_raise", "sub_end"),
        '<bpmn:subProcess id="handler" triggeredByEvent="true">',
        f'<bpmn:startEvent id="inner_catch" isInterrupting="{inner_interrupting}">',
        '<bpmn:escalationEventDefinition escalationRef="late"/></bpmn:startEvent>',
        '<bpmn:userTask id="inner_task"/>', '<bpmn:endEvent id="inner_end"/>',
        chain("inner_catch", "inner_task", "inner_end"), "</bpmn:subProcess>", "</bpmn:subProcess>",
        '<bpmn:userTask id="outer_task"/>', '<bpmn:endEvent id="outer_end"/>', '<bpmn:endEvent id="end"/>',
        chain("start", "sub", "end"), chain("outer_catch", "outer_task", "outer_end"),
        '<bpmn:boundaryEvent id="outer_catch" attachedToRef="sub" cancelActivity="true">'
        '<bpmn:escalationEventDefinition escalationRef="late"/></bpmn:boundaryEvent>' if boundary else "")
    return definitions(process("p", body), head=escalation("late", "LATE"))


def _ready(snapshot) -> list[str]:
    return sorted(t.info.bpmn_id for t in snapshot.ready_tasks)


def _complete_all(compiled, snapshot):
    engine = Process(compiled.spec, compiled.dialect)
    while snapshot.ready_tasks:
        snapshot = engine.complete(snapshot.state, snapshot.ready_tasks[0].task_id, {})
    return snapshot


@pytest.mark.parametrize("dialect", ["spiff", "camunda"])
@pytest.mark.parametrize(("inner_interrupting", "ready"), [("true", ["inner_task"]),
                                                           ("false", ["after_raise", "inner_task"])])
def test_an_escalation_goes_to_the_event_subprocess_inside_before_the_boundary_event(dialect, inner_interrupting,
                                                                                     ready):
    content = _escalation_in_a_subprocess(inner_interrupting)
    if dialect == "camunda":
        content = content.replace(b"xmlns:xsi", CAMUNDA.encode() + b"xmlns:xsi").replace(
            b'<bpmn:userTask id="outer_task"/>', b'<bpmn:userTask id="outer_task" camunda:assignee="office"/>')
    compiled, started = _start(content)
    assert compiled.dialect == dialect
    assert started.status == "running" and _ready(started) == ready  # the boundary's outer_task never starts
    done = _complete_all(compiled, started)
    assert done.status == "completed"


def test_without_an_event_subprocess_inside_the_boundary_event_catches_the_escalation():
    compiled, started = _start(_escalation_in_a_subprocess("true").replace(b'escalationRef="late"/></bpmn:start',
                                                                            b'escalationRef="other"/></bpmn:start')
                               .replace(b"</bpmn:definitions>", escalation("other", "OTHER").encode()
                                        + b"</bpmn:definitions>"))
    assert _ready(started) == ["outer_task"]
    assert _complete_all(compiled, started).status == "completed"


def test_an_error_event_subprocess_waits_for_its_error_then_interrupts_the_process():
    content = definitions(process("p", _lines(
        '<bpmn:startEvent id="start"/>', '<bpmn:parallelGateway id="fork"/>', '<bpmn:userTask id="check"/>',
        '<bpmn:userTask id="report"/>', '<bpmn:endEvent id="fail"><bpmn:errorEventDefinition errorRef="bad"/>'
        "</bpmn:endEvent>", '<bpmn:endEvent id="end"/>', chain("start", "fork", "check", "fail"),
        chain("fork", "report", "end"), '<bpmn:subProcess id="handler" triggeredByEvent="true">',
        '<bpmn:startEvent id="on_error"><bpmn:errorEventDefinition errorRef="bad"/></bpmn:startEvent>',
        '<bpmn:userTask id="repair"/>', '<bpmn:endEvent id="repaired"/>', chain("on_error", "repair", "repaired"),
        "</bpmn:subProcess>")), head='<bpmn:error id="bad" errorCode="BAD"/>')
    compiled, started = _start(content)
    assert _ready(started) == ["check", "report"]  # the handler waits (it used to start with the process)
    engine = Process(compiled.spec, compiled.dialect)
    check = next(t for t in started.ready_tasks if t.info.bpmn_id == "check")
    failed = engine.complete(started.state, check.task_id, {})
    assert _ready(failed) == ["repair"]  # report is cancelled by the interrupting handler
    assert _complete_all(compiled, failed).status == "completed"
