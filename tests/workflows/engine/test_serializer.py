"""Stored state holds the instance without its specs; the specs are stored once and restore it."""
from __future__ import annotations

import datetime as dt
import gzip
import json
from decimal import Decimal
from pathlib import Path
from uuid import UUID

import pytest
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG
from SpiffWorkflow.task import Task

from tests.corpus.corpus import entries
from workflows.engine import serializer
from workflows.engine.errors import BpmnValidationError
from workflows.engine.parser import compile_package
from workflows.engine.runner import Process

BPMN = Path(__file__).resolve().parents[3] / "bpmn"


def _school_task() -> tuple:
    files = {"school_task.bpmn": (BPMN / "school_task.bpmn").read_bytes()}
    (compiled,) = [p for p in compile_package(files).processes if p.key == "school_task"]
    return compiled, Process(compiled.spec, compiled.dialect)


def test_state_leaves_out_the_specs_and_keeps_the_instance():
    _, process = _school_task()
    snapshot = process.start({"title": "课后服务"})

    stored = json.loads(gzip.decompress(snapshot.state))

    assert "spec" not in stored and "subprocess_specs" not in stored
    assert {"tasks", "root", "data", "subprocesses", "bpmn_events"} <= stored.keys()
    assert snapshot.ready_tasks, "the school's first task is waiting for a person"
    assert process.data(snapshot.state)["title"] == "课后服务"


def test_a_restored_state_saves_to_the_same_bytes():
    _, process = _school_task()
    state = process.start({"title": "课后服务"}).state

    workflow = serializer.load_state(process.specs, state, process.dialect)

    assert serializer.dump_state(workflow, process.dialect) == state


def test_the_stored_specs_are_what_spiffworkflow_itself_writes():
    compiled, process = _school_task()
    workflow = serializer.new_workflow(process.specs)

    stock = BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)
    serializer.register_code_events(stock, "spiff")  # SpiffWorkflow's own converters, for duban's throw
    full = json.loads(BpmnWorkflowSerializer(stock).serialize_json(workflow))

    assert json.loads(compiled.spec) == {"spec": full["spec"], "subprocess_specs": full["subprocess_specs"]}


def _spiffworkflows_own(dialect: str) -> BpmnWorkflowSerializer:
    """A serializer as duban's, with SpiffWorkflow's own task converter instead of TaskStateConverter."""
    ser = serializer._serializer(dialect)
    stock = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**serializer._CONFIGS[dialect],
                                                                     Task: TaskConverter}))
    for typename in ("Decimal", "date", "PlainServiceTask", "PlainMessageEventDefinition"):  # duban's additions
        if typename in ser.registry.convert_from_dict and typename not in stock.registry.convert_from_dict:
            stock.registry.convert_from_dict[typename] = ser.registry.convert_from_dict[typename]
            stock.registry.convert_to_dict[typename] = ser.registry.convert_to_dict[typename]
            cls = next(c for c, name in ser.registry.typenames.items() if name == typename)
            stock.registry.typenames[cls] = typename
    return stock


def _text(ser: BpmnWorkflowSerializer, workflow) -> str:
    with serializer._encoding(ser.registry):
        dct = ser.to_dict(workflow)
    dct.pop("bpmn_events")  # event objects, compared by the states they leave
    return json.dumps(dct, cls=ser._encoder_cls, ensure_ascii=False)


def _load(ser: BpmnWorkflowSerializer, process: Process, state: bytes):
    dct = json.loads(gzip.decompress(state))
    dct["spec"], dct["subprocess_specs"] = process.specs[0], dict(process.specs[1])
    ser.migrate(dct)
    return ser.from_dict(dct)


def _states(process: Process) -> list[bytes]:
    """States along a run: the start, then after each round of completing every open task."""
    snapshot = process.start({"title": "课后服务", "due_at": "2030-01-01T00:00:00+00:00", "amount": Decimal("2.5"),
                              "on": dt.date(2030, 1, 1), "nested": {"list": [1, {"a": None}]}})
    states = [snapshot.state]
    for round_ in range(3):
        for ready in snapshot.ready_tasks:
            if snapshot.status != "running":
                break
            snapshot = process.complete(snapshot.state, ready.task_id, {f"field{round_}": [round_, {"x": "值"}]})
            states.append(snapshot.state)
    return states


@pytest.mark.parametrize("name", sorted(p.name for p in BPMN.glob("*.bpmn")) + sorted(e.id for e in entries()))
def test_the_task_converter_saves_and_restores_as_spiffworkflows_own(name):
    files = {name: (BPMN / name).read_bytes()} if (BPMN / name).exists() else next(
        e for e in entries() if e.id == name).files()
    try:
        compiled = compile_package(files).processes
    except BpmnValidationError:
        pytest.skip("refused at deployment")
    for each in compiled:
        process = Process(each.spec, each.dialect)
        ours, stock = serializer._serializer(each.dialect), _spiffworkflows_own(each.dialect)
        assert type(ours.registry.convert_from_dict["Task"].args[0].__self__) is serializer.TaskStateConverter
        for state in _states(process):
            mine, theirs = _load(ours, process, state), _load(stock, process, state)
            assert _text(ours, mine) == _text(stock, mine) == _text(stock, theirs)
            assert {t.id: t.data for t in mine.get_tasks()} == {t.id: t.data for t in theirs.get_tasks()}
            assert _shared(mine) == _shared(theirs), "a task's values are copies of its parent's, as SpiffWorkflow's"
            assert set(mine.event_manager.tasks) == set(theirs.event_manager.tasks)
            _change_data(mine)  # as scripts do: keys deleted, changed and added
            assert _text(ours, mine) == _text(stock, mine)


def _shared(workflow) -> set:
    """(task, key) whose value is the very object its parent holds."""
    return {(t.id, key) for t in workflow.get_tasks() if t.parent is not None
            for key, value in t.data.items() if t.parent.data.get(key) is value}


def _change_data(workflow) -> None:
    for task in workflow.get_tasks():
        keys = list(task.data)
        if task.parent is not None and keys:
            task.data = {**{key: task.data[key] for key in keys[1:]}, "added": {"by": task.task_spec.name}}


def test_task_ids_read_back_as_uuid_reads_them():
    text = "12345678-9abc-def0-1234-56789abcdef0"
    assert serializer._uuid(text) == UUID(text) and str(serializer._uuid(text)) == text
    assert hash(serializer._uuid(text)) == hash(UUID(text))
    with pytest.raises(ValueError):
        serializer._uuid("not-an-id")
