"""The limits on what one process may ask of the engine (tests/workflows/engine/hostile/limit_*.bpmn):
refused at deploy naming the element and line, or an incident on the instance when a value is built at run time."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
import time_machine
from SpiffWorkflow.util.task import TaskState

from tests.builders import chain, definitions, process, user_task
from workflows.engine import BpmnValidationError, Limits, Process, compile_package, parser
from workflows.engine.cycles import cycle_refusal, parse_cycle

HOSTILE = Path(__file__).resolve().parent / "hostile"


def _files(*names: str) -> dict[str, bytes]:
    return {f"{name}.bpmn": (HOSTILE / f"{name}.bpmn").read_bytes() for name in names}


def _refused(files: dict[str, bytes]) -> list:
    with pytest.raises(BpmnValidationError) as info:
        compile_package(files)
    return info.value.issues


def _process(files: dict[str, bytes], limits: Limits | None = None, key: str | None = None) -> Process:
    compiled = next(p for p in compile_package(files).processes if key in (None, p.key))
    return Process(compiled.spec, compiled.dialect, limits=limits)


def _later(seconds: float):
    return time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds), tick=False)


def _ran(process: Process, state: bytes, name: str) -> int:
    """How many times the element ``name`` ran (its completed tasks)."""
    tasks = process._load(state).get_tasks()
    return sum(1 for t in tasks if t.task_spec.name == name and t.state == TaskState.COMPLETED)


@pytest.mark.parametrize("value, refusal", [
    ("R/PT0.001S", "repeats every 0.001 seconds; the shortest interval allowed is 1 minute"),
    ("R1000000/PT1M", "repeats 1,000,000 times; at most 1,000 repetitions are allowed"),
    ("R1000000/PT1S", "repeats every 1 second"),
    ("R3/2024-01-01T00:00:00Z/PT10S", "repeats every 10 seconds"),
    ("R/PT0S", "zero length"),
    ("R-5/PT1H", "negative repetition count"),
    ("R1000/PT1M", None), ("R/PT15M", None), ("R6/P1D", None), ("PT5S", None), ("not a cycle", None),
])
def test_a_cycle_is_checked_against_the_minimum_interval_and_the_maximum_count(value, refusal):
    found = cycle_refusal(value, Limits())
    assert found is None if refusal is None else refusal in found
    assert parse_cycle("R/PT15M") == (None, 900.0) and parse_cycle("R6/P1D") == (6, 86400.0)


@pytest.mark.parametrize("name, refusal", [
    ("limit_cycle_too_fast", "'R/PT0.001S' repeats every 0.001 seconds; the shortest interval allowed is 1 minute "
                             "(DUBAN_TIMER_MIN_INTERVAL_SECONDS)"),
    ("limit_cycle_too_many", "'R1000000/PT1M' repeats 1,000,000 times; at most 1,000 repetitions are allowed "
                             "(DUBAN_TIMER_MAX_REPETITIONS)"),
])
def test_a_literal_cycle_past_a_limit_is_refused_at_its_event_and_line(name, refusal):
    (issue,) = _refused(_files(name))
    assert (issue.file, issue.element_id, issue.element_type, issue.line) == (f"{name}.bpmn", "remind",
                                                                              "boundaryEvent", 11)
    assert refusal in issue.message


def test_an_unbounded_cycle_deploys_with_a_warning_and_repeats_the_maximum_number_of_times():
    body = ('<bpmn:startEvent id="start"/>' + user_task("report") + '<bpmn:endEvent id="end"/>'
            '<bpmn:boundaryEvent id="remind" attachedToRef="report" cancelActivity="false"><bpmn:timerEventDefinition>'
            '<bpmn:timeCycle>R/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:endEvent id="reminded"/>' + chain("start", "report", "end") + chain("remind", "reminded"))
    files = {"p.bpmn": definitions(process("p", body))}
    (warning,) = compile_package(files).warnings
    assert warning.element_id == "remind" and "repeats at most 1,000 times" in warning.message
    process_ = _process(files, Limits(timer_max_repetitions=2))
    state = process_.start().state
    for minute in range(1, 5):
        with _later(60 * minute + 1):
            state = process_.fire_timers(state).state
    assert _ran(process_, state, "reminded") == 2


def test_a_cycle_behind_by_many_repetitions_fires_one_per_step():
    body = ('<bpmn:startEvent id="start"/>' + user_task("report") + '<bpmn:endEvent id="end"/>'
            '<bpmn:boundaryEvent id="remind" attachedToRef="report" cancelActivity="false"><bpmn:timerEventDefinition>'
            '<bpmn:timeCycle>R5/PT1M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:endEvent id="reminded"/>' + chain("start", "report", "end") + chain("remind", "reminded"))
    process_ = _process({"p.bpmn": definitions(process("p", body))})
    started = dt.datetime.now(dt.UTC)
    state = process_.start().state
    with _later(600):  # ten minutes later: all five repetitions are overdue
        snapshot = process_.fire_timers(state)
        assert _ran(process_, snapshot.state, "reminded") == 1
        (waiting,) = snapshot.waiting
        assert abs((waiting.due_at - started).total_seconds() - 120) < 5  # the second repetition, already past
        assert _ran(process_, process_.fire_timers(snapshot.state).state, "reminded") == 2


def test_a_cycle_built_by_an_expression_past_a_limit_is_an_incident_not_a_spin():
    process_ = _process(_files("limit_cycle_by_expression"))
    state = process_.start({"every": "R/PT0.001S"}).state
    began = time.monotonic()
    with _later(2):
        snapshot = process_.fire_timers(state)
    assert time.monotonic() - began < 5
    assert snapshot.status == "error" and snapshot.incident.bpmn_id == "remind"
    assert "repeats every 0.001 seconds; the shortest interval allowed is 1 minute" in snapshot.incident.message
    assert [w.due_at for w in snapshot.waiting] == [None]  # nothing left for the sweep to pick up
    fine = process_.start({"every": "R3/PT1H"})
    with _later(2):
        assert process_.fire_timers(fine.state).status == "running"


def test_a_cycle_started_under_other_limits_is_held_to_todays():
    """A state from before the limits (or under looser ones) stops at its next repetition."""
    content = (HOSTILE / "limit_cycle_by_expression.bpmn").read_bytes().replace(b">every<", b">R/PT1S<")
    (compiled,) = compile_package({"p.bpmn": content}, Limits(timer_min_interval=0)).processes
    loose = Process(compiled.spec, compiled.dialect, limits=Limits(timer_min_interval=0))
    with _later(2):
        state = loose.fire_timers(loose.start().state).state  # the task opens, the cycle starts
    with _later(5):
        snapshot = Process(compiled.spec, compiled.dialect).fire_timers(state)
    assert snapshot.status == "error" and snapshot.incident.bpmn_id == "remind"
    assert "repeats every 1 second; the shortest interval allowed is 1 minute" in snapshot.incident.message


def test_a_call_activity_calling_its_own_process_is_refused():
    (issue,) = _refused(_files("limit_calls_itself"))
    assert (issue.file, issue.element_id, issue.element_type, issue.line) == ("limit_calls_itself.bpmn", "again",
                                                                              "callActivity", 6)
    assert "calls its own process (limit_calls_itself → limit_calls_itself)" in issue.message


def test_processes_calling_each_other_are_refused_in_each_file():
    issues = _refused(_files("limit_calls_back_a", "limit_calls_back_b"))
    assert sorted((i.file, i.element_id, i.line) for i in issues) == [
        ("limit_calls_back_a.bpmn", "call_b", 6), ("limit_calls_back_b.bpmn", "call_a", 6)]
    assert "limit_calls_back_a → limit_calls_back_b → limit_calls_back_a" in issues[0].message


def test_a_call_to_a_process_not_in_the_upload_is_refused_so_no_cycle_forms_through_deployed_ones():
    (issue,) = _refused(_files("limit_calls_back_a"))
    assert "limit_calls_back_b" in issue.message and "not found" in issue.message


def test_a_self_call_that_slipped_past_deploy_stops_at_the_depth_limit(monkeypatch):
    monkeypatch.setattr(parser, "call_cycle_issues", lambda sources: [])  # as deployed before the check
    process_ = _process(_files("limit_calls_itself"), Limits(max_subprocess_depth=5))
    began = time.monotonic()
    snapshot = process_.start()
    assert time.monotonic() - began < 5
    assert snapshot.status == "error" and snapshot.incident.bpmn_id == "again"
    assert "nested 6 deep; at most 5 are allowed (DUBAN_MAX_SUBPROCESS_DEPTH)" in snapshot.incident.message


def test_call_activities_nested_past_the_depth_limit_are_an_incident():
    files = {f"level{n}.bpmn": definitions(process(f"level{n}", '<bpmn:startEvent id="start"/>' + (
        f'<bpmn:callActivity id="call" calledElement="level{n + 1}"/>' if n < 3 else user_task("work"))
        + chain("start", "call" if n < 3 else "work"))) for n in range(4)}
    assert _process(files, Limits(max_subprocess_depth=3), key="level0").start().status == "running"
    snapshot = _process(files, Limits(max_subprocess_depth=2), key="level0").start()
    assert snapshot.status == "error" and "at most 2 are allowed" in snapshot.incident.message


def test_a_literal_cardinality_past_the_limit_is_refused_at_its_activity_and_line():
    (issue,) = _refused(_files("limit_cardinality"))
    assert (issue.element_id, issue.element_type, issue.line) == ("each", "userTask", 9)
    assert "10,000,000 instances; at most 10,000 are allowed (DUBAN_MAX_MULTI_INSTANCE)" in issue.message


def test_a_cardinality_built_by_an_expression_past_the_limit_is_an_incident():
    process_ = _process(_files("limit_cardinality_by_expression"))
    began = time.monotonic()
    snapshot = process_.start({"count": 10_000_000})
    assert time.monotonic() - began < 5
    assert snapshot.status == "error" and snapshot.incident.bpmn_id == "each"
    assert "10,000,000 instances; at most 10,000" in snapshot.incident.message
    assert len(process_.start({"count": 3}).ready_tasks) == 3


CAMUNDA = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')
OVER_A_COLLECTION = {
    "spiff": '<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>schools</bpmn:loopDataInputRef>'
             '<bpmn:inputDataItem id="school" name="school"/></bpmn:multiInstanceLoopCharacteristics>',
    "camunda": '<bpmn:multiInstanceLoopCharacteristics camunda:collection="schools" camunda:elementVariable="school"/>',
}


@pytest.mark.parametrize("dialect", sorted(OVER_A_COLLECTION))
def test_a_collection_past_the_limit_is_an_incident(dialect):
    body = (f'<bpmn:startEvent id="start"/><bpmn:userTask id="each">{OVER_A_COLLECTION[dialect]}</bpmn:userTask>'
            '<bpmn:endEvent id="end"/>' + chain("start", "each", "end"))
    content = definitions(process("p", body))
    if dialect == "camunda":
        content = content.replace(b'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"', CAMUNDA.encode())
    process_ = _process({"p.bpmn": content}, Limits(max_instances=5))
    assert process_.dialect == dialect
    snapshot = process_.start({"schools": [f"school {n}" for n in range(6)]})
    assert snapshot.status == "error" and "6 instances; at most 5" in snapshot.incident.message
    assert len(process_.start({"schools": ["a", "b", "c", "d", "e"]}).ready_tasks) == 5


def _chain(tasks: int) -> bytes:
    ids = ["start", *(f"t{n}" for n in range(tasks)), "end"]
    flows = "".join(f'<bpmn:sequenceFlow id="f{n}" sourceRef="{a}" targetRef="{b}"/>'
                    for n, (a, b) in enumerate(zip(ids, ids[1:], strict=False)))
    return definitions(process("chain", '<bpmn:startEvent id="start"/>' + "".join(
        f'<bpmn:task id="t{n}"/>' for n in range(tasks)) + '<bpmn:endEvent id="end"/>' + flows))


def test_a_100000_element_chain_is_refused_by_the_element_limit():
    content = _chain(50_000)  # 50,002 events and tasks, 50,001 flows
    began = time.monotonic()
    (issue,) = _refused({"chain.bpmn": content})
    assert time.monotonic() - began < 10
    assert issue.message.startswith("the file has 100,003 flow elements")
    assert "the limit is 5,000 (DUBAN_MAX_BPMN_ELEMENTS)" in issue.message
    assert (issue.element_id, issue.element_type) == ("t4999", "task")  # the 5,001st element (after the start event)
    assert issue.line == 4


def test_a_chain_too_long_for_the_parser_is_refused_plainly():
    (issue,) = _refused({"chain.bpmn": _chain(1500)})
    assert issue.message == parser.TOO_LONG and "Recursion" not in issue.message
    assert issue.element_id and issue.line
