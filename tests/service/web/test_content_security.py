"""Pages carry a Content-Security-Policy, and a BPMN file's text reaches the diagram page as data, not script."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from workflows.processes.services.definitions import definition_deploy

HOSTILE = Path(__file__).parent / "hostile" / "hostile_diagram.bpmn"
PAYLOAD = "</script><script>window.__pwned=1"

pytestmark = pytest.mark.django_db


def deploy_hostile():
    """The hostile file, deployed as the office would upload it."""
    return definition_deploy(files={HOSTILE.name: HOSTILE.read_bytes()}).definitions[0]


def _directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def test_the_hostile_file_carries_its_payload_in_a_comment_and_in_documentation():
    text = HOSTILE.read_text(encoding="utf-8")
    assert text.count(PAYLOAD) == 2 and "<html:script>" in text


def test_every_page_answers_with_the_content_security_policy(world, clients, client):
    from tests.service.conftest import draft_bulletin

    bulletin = draft_bulletin(world)
    urls = ["/inbox/", f"/tasks/{world.report_task.pk}/", "/board/", "/console/", "/console/upload/",
            "/console/org/", "/processes/quarterly_report/1/diagram/", f"/cycles/{world.cycle.pk}/",
            f"/cycles/{world.cycle.pk}/quarters/1/", "/bulletins/", f"/bulletins/{bulletin.pk}/", "/notifications/",
            "/inbox/?due_before=tomorrow", "/no-such-page/", "/admin/", "/api/tasks/", "/api/schema/"]
    answers = [(url, clients["office"].get(url)) for url in urls] + [("/login/", client.get("/login/"))]
    for url, response in answers:
        policy = _directives(response.get("Content-Security-Policy", ""))
        assert policy.get("default-src") == "'self'" and policy.get("script-src") == "'self'", url
        assert policy.get("object-src") == "'none'" and policy.get("frame-ancestors") == "'none'", url
        assert policy.get("base-uri") == "'self'" and policy.get("form-action") == "'self'", url
        assert policy.get("img-src") == "'self' data:" and "unsafe-inline" not in policy.get("style-src", ""), url


def test_the_api_docs_keep_the_policy_with_no_inline_script_or_style(clients):
    response = clients["office"].get("/api/docs/")
    page = response.content.decode()
    assert response.status_code == 200 and "<script>" not in page and "<style" not in page
    assert _directives(response["Content-Security-Policy"])["script-src"] == "'self'"
    initialiser = clients["office"].get("/api/docs/?script=")
    assert initialiser.status_code == 200 and initialiser["Content-Type"].startswith("application/javascript")


def test_the_diagram_page_embeds_the_xml_as_json_data(world, clients):
    definition = deploy_hostile()
    response = clients["office"].get(f"/processes/{definition.key}/{definition.version}/diagram/")
    page = response.content.decode()
    assert response.status_code == 200 and PAYLOAD not in page and "<script>" not in page
    embedded = re.search(r'<script id="diagram-xml" type="application/json">(.*?)</script>', page, re.S)
    assert embedded is not None and "<" not in embedded.group(1)
    assert json.loads(embedded.group(1)) == HOSTILE.read_text(encoding="utf-8")
