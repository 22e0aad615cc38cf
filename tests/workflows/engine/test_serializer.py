"""Stored state holds the instance without its specs; the specs are stored once and restore it."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

from workflows.engine import serializer
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

    full = json.loads(BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)).serialize_json(workflow))

    assert json.loads(compiled.spec) == {"spec": full["spec"], "subprocess_specs": full["subprocess_specs"]}
