"""duban's engine loop runs the same tasks in the same order as SpiffWorkflow's do_engine_steps."""
from __future__ import annotations

from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from tests.corpus.corpus import entries
from workflows.engine import runner
from workflows.engine.errors import BpmnValidationError
from workflows.engine.parser import compile_package
from workflows.engine.runner import Process

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
SHIPPED = {path.name: {path.name: path.read_bytes()} for path in sorted(BPMN.glob("*.bpmn"))}
CORPUS = {entry.id: entry.files() for entry in entries()}


def _compiled(files: dict[str, bytes]) -> list:
    try:
        return compile_package(files).processes
    except BpmnValidationError:
        return []


def _run(process: Process, steps) -> list[str]:
    """Start a workflow, run its engine steps with ``steps``, then complete the tasks waiting for a
    person (three rounds); the tasks run, in order, and the states they are left in."""
    workflow = process._blank()
    workflow.script_engine = process.script_engine
    ran: list[str] = []
    try:
        steps(workflow, lambda task: ran.append(task.task_spec.name), lambda task: None)
        for round_ in range(3):
            for task in sorted(workflow.get_tasks(state=TaskState.READY, manual=True), key=lambda t: t.task_spec.name):
                ran.append(f"person {round_}: {task.task_spec.name}")
                task.run()
            steps(workflow, lambda task: ran.append(task.task_spec.name), lambda task: None)
    except Exception as exc:  # the engine trips over some models; both loops must trip alike
        ran.append(f"failed: {type(exc).__name__}")
    left = sorted((t.task_spec.name, t.state) for t in workflow.get_tasks())
    return ran + [f"{name}={state}" for name, state in left]


def _stock(workflow, will, did):
    workflow.do_engine_steps(will_complete_task=will, did_complete_task=did)


@pytest.mark.parametrize("name", sorted(SHIPPED) + sorted(CORPUS))
def test_the_engine_loop_matches_spiffworkflows_own(name):
    files = SHIPPED.get(name) or CORPUS[name]
    compiled = _compiled(files)
    if not compiled:
        pytest.skip("refused at deployment")
    for process in compiled:
        # Each run gets freshly parsed specs: SpiffWorkflow changes some specs during the first
        # run, so a spec's first instance can end differently from later ones (correlation.bpmn).
        ours = _run(Process(process.spec, process.dialect), runner._engine_steps)
        assert ours == _run(Process(process.spec, process.dialect), _stock)
