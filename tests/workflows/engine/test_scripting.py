"""Scripts and expressions run restricted, bounded in time; ISO and EL literals are understood."""
from __future__ import annotations

import datetime as dt
import time

from tests.builders import chain, definitions, flow, process
from workflows.engine import Process, compile_package
from workflows.engine.expressions import normalize


def _run(body: str, data: dict | None = None, time_limit: float = 2.0):
    compiled = compile_package({"p.bpmn": definitions(process("p", body))}).processes[0]
    return Process(compiled.spec, compiled.dialect, time_limit).start(data or {})


def test_iso_literals_become_strings_and_expressions_stay_expressions():
    assert normalize("PT5M") == "'PT5M'"
    assert normalize("2024-07-10T09:00:00+08:00") == "'2024-07-10T09:00:00+08:00'"
    assert normalize("R3/PT1H") == "'R3/PT1H'"
    assert normalize("due_date") == "due_date"
    assert normalize('"P7D"') == '"P7D"'


def test_el_conditions_become_python():
    assert normalize("${approved}") == "approved"
    assert normalize("#{amount > 100 && !rejected}") == "amount > 100 and not rejected"


def test_normal_script_runs_and_changes_data():
    body = ('<bpmn:startEvent id="start"/><bpmn:scriptTask id="calc"><bpmn:script>'
            'total = sum([s["n"] for s in schools])\nlate = [s["id"] for s in schools if s["n"] &gt; 1]'
            '</bpmn:script></bpmn:scriptTask><bpmn:userTask id="look"/>' + chain("start", "calc", "look"))
    snap = _run(body, {"schools": [{"id": "A", "n": 1}, {"id": "B", "n": 2}]})
    assert snap.status == "running"
    assert snap.incident is None


def test_infinite_loop_is_stopped_by_the_time_bound():
    body = ('<bpmn:startEvent id="start"/><bpmn:scriptTask id="spin"><bpmn:script>while True:\n    pass'
            '</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="end"/>' + chain("start", "spin", "end"))
    began = time.monotonic()
    snap = _run(body, time_limit=0.3)
    assert time.monotonic() - began < 5
    assert snap.status == "error"
    assert snap.incident.bpmn_id == "spin"
    assert "longer than" in snap.incident.message


def test_condition_reading_an_unset_variable_takes_the_default_flow():
    body = ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" default="f2"/>'
            '<bpmn:userTask id="approved_path"/><bpmn:userTask id="default_path"/>' + chain("start", "gw")
            + flow("f1", "gw", "approved_path", "${approved}") + flow("f2", "gw", "default_path"))
    snap = _run(body)
    assert [t.info.bpmn_id for t in snap.ready_tasks] == ["default_path"]


def test_bare_iso_timer_literal_sets_the_due_time():
    body = ('<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition>'
            '<bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>'
            '<bpmn:endEvent id="end"/>' + chain("start", "wait", "end"))
    snap = _run(body)
    assert snap.status == "waiting"
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    assert abs((snap.next_timer_at - expected).total_seconds()) < 60


def test_runtime_escape_through_data_is_contained():
    # the expression is harmless at deploy; the hostile part arrives as data and must not help
    body = ('<bpmn:startEvent id="start"/><bpmn:scriptTask id="fmt"><bpmn:script>out = tpl.format(x)'
            '</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="end"/>' + chain("start", "fmt", "end"))
    snap = _run(body, {"tpl": "{0.__class__.__mro__}", "x": 1})
    assert snap.status == "error"
    assert "format" in snap.incident.message
