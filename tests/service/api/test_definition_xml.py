"""The BPMN XML endpoint answers a file to save, never a document that could run script on duban's origin."""
from __future__ import annotations

from pathlib import Path

import pytest

from workflows.processes.services.definitions import definition_deploy

HOSTILE = Path(__file__).resolve().parents[1] / "web" / "hostile" / "hostile_diagram.bpmn"

pytestmark = pytest.mark.django_db


def test_the_xml_answers_as_a_sandboxed_download(world, clients):
    definition = definition_deploy(files={HOSTILE.name: HOSTILE.read_bytes()}).definitions[0]
    for role in ("office", "liaison_a"):
        response = clients[role].get(f"/api/definitions/{definition.key}/versions/{definition.version}/xml/")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="hostile_diagram-v1.bpmn"'
        policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
        assert "sandbox" in policy and "default-src 'none'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response.content == HOSTILE.read_bytes()


def test_a_shipped_definition_answers_the_same_way(world, clients):
    response = clients["office"].get("/api/definitions/quarterly_report/versions/1/xml/")
    assert response["Content-Disposition"].startswith("attachment;") and b"quarterly_report" in response.content
    assert "sandbox" in response["Content-Security-Policy"]
