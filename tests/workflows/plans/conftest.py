"""Plans are loaded from their data files, as `make run` and operators do."""
from __future__ import annotations

from pathlib import Path

import pytest

from workflows.processes.services.definitions import definition_deploy_folder

ROOT = Path(__file__).resolve().parents[3]
SEED = ROOT / "workflows" / "plans" / "seed"


@pytest.fixture
def processes(db):
    """The shipped BPMN, deployed."""
    return [d for r in definition_deploy_folder(folder=ROOT / "bpmn") for d in r.definitions]


@pytest.fixture
def yunxi(processes):
    from workflows.plans.services.seed import plan_load_file

    return plan_load_file(path=SEED / "yunxi-2024.json", password="pw")


@pytest.fixture
def second_plan(processes):
    from workflows.plans.services.seed import plan_load_file

    return plan_load_file(path=SEED / "example-second-plan.json", password="pw")
