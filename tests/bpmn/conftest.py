"""The shipped BPMN, deployed through duban's own deploy path."""
from __future__ import annotations

from pathlib import Path

import pytest

from workflows.processes.services.definitions import definition_deploy_folder

BPMN = Path(__file__).resolve().parents[2] / "bpmn"


@pytest.fixture
def shipped(db):
    return {d.key: d for r in definition_deploy_folder(folder=BPMN) for d in r.definitions}
