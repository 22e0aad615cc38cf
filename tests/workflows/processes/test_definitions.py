"""Deploying process definitions: versions, identical bytes, refusal leaves nothing behind."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, process, simple_user_process
from workflows.processes.errors import Invalid
from workflows.processes.models import AuditAction, AuditEvent, Deployment, ProcessDefinition
from workflows.processes.services.definitions import definition_deploy, definition_for_start

pytestmark = pytest.mark.django_db


def test_identical_bytes_return_the_same_version(office_user):
    first = definition_deploy(files={"p.bpmn": simple_user_process("report")}, actor=office_user)
    again = definition_deploy(files={"p.bpmn": simple_user_process("report")}, actor=office_user)
    assert first.created and not again.created
    assert [d.pk for d in again.definitions] == [d.pk for d in first.definitions]
    assert ProcessDefinition.objects.filter(key="report").count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.DEPLOYED).count() == 1


def test_changed_bytes_make_a_new_version_and_latest_is_used(office_user):
    definition_deploy(files={"p.bpmn": simple_user_process("report")}, actor=office_user)
    definition_deploy(files={"p.bpmn": simple_user_process("report", lane="liaison")}, actor=office_user)
    assert definition_for_start(key="report").version == 2
    assert definition_for_start(key="report", version=1).version == 1


def test_refused_upload_stores_nothing(office_user):
    bad = definitions(process("p", '<bpmn:startEvent id="s"/><bpmn:complexGateway id="cx"/>' + chain("s", "cx")))
    with pytest.raises(Invalid) as info:
        definition_deploy(files={"bad.bpmn": bad}, actor=office_user)
    issue = info.value.details["issues"][0]
    assert issue["file"] == "bad.bpmn" and issue["element_id"] == "cx" and issue["line"]
    assert not Deployment.objects.exists()
    assert not AuditEvent.objects.exists()


def test_form_schema_uploaded_with_the_process(office_user):
    form = b'{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}'
    result = definition_deploy(files={"p.bpmn": simple_user_process("f", form="count.json"), "count.json": form},
                               actor=office_user)
    assert result.definitions[0].forms["count.json"]["required"] == ["n"]


def test_invalid_form_schema_is_refused(office_user):
    with pytest.raises(Invalid) as info:
        definition_deploy(files={"p.bpmn": simple_user_process("f", form="x.json"),
                                 "x.json": b'{"type": 12}'}, actor=office_user)
    assert info.value.details["issues"][0]["file"] == "x.json"
    assert not Deployment.objects.exists()


def test_missing_form_is_a_warning_not_an_error(office_user):
    result = definition_deploy(files={"p.bpmn": simple_user_process("f", form="later.json")}, actor=office_user)
    assert result.created
    assert any("later.json" in w.message for w in result.warnings)
