"""A process's names, documentation and forms in the reader's language; validation messages name the field."""
from __future__ import annotations

import pytest
from django.utils import translation

from tests.builders import chain, definitions
from workflows.engine import compile_package
from workflows.processes.errors import Invalid
from workflows.processes.form_texts import options, text
from workflows.processes.forms import validate_form

pytestmark = pytest.mark.django_db

LOCALIZED = definitions(
    '<bpmn:process id="leave" name="请假" isExecutable="true">'
    '<bpmn:extensionElements><duban:localization locale="en" name="Leave request"/></bpmn:extensionElements>'
    '<bpmn:startEvent id="start"/>'
    '<bpmn:userTask id="ask" name="填写申请"><bpmn:documentation>写明事由。</bpmn:documentation>'
    '<bpmn:extensionElements>'
    '<duban:localization locale="en" name="Fill in the request">'
    '<duban:documentation>Say why.</duban:documentation></duban:localization>'
    '<flowable:localization locale="fr" name="Remplir la demande"/>'
    '</bpmn:extensionElements></bpmn:userTask>'
    '<bpmn:userTask id="plain" name="审批"/>'
    '<bpmn:endEvent id="end"/>' + chain("start", "ask", "plain", "end") + "</bpmn:process>",
).replace(b'xmlns:xsi=', b'xmlns:duban="https://duban.example/bpmn/localization" '
                         b'xmlns:flowable="http://flowable.org/bpmn" xmlns:xsi=')


def test_the_engine_reads_each_elements_translations_whatever_their_namespace():
    texts = compile_package({"leave.bpmn": LOCALIZED}).processes[0].texts
    assert texts["leave"] == {"en": {"name": "Leave request"}}
    assert texts["ask"]["en"] == {"name": "Fill in the request", "documentation": "Say why."}
    assert texts["ask"]["fr"] == {"name": "Remplir la demande"}  # a file written for Flowable keeps its own
    assert "plain" not in texts


def test_a_task_reads_in_the_page_language_and_as_written_where_no_translation_exists():
    from workflows.processes.services.definitions import definition_deploy
    from workflows.processes.services.instances import instance_start
    from workflows.processes.texts import process_name, task_documentation, task_name

    definition = definition_deploy(files={"leave.bpmn": LOCALIZED}, actor=None).definitions[0]
    instance = instance_start(definition=definition, data={})
    task = instance.human_tasks.get()
    assert (task_name(task, "zh-hans"), task_documentation(task, "zh-hans")) == ("填写申请", "写明事由。")
    assert (task_name(task, "en"), task_documentation(task, "en")) == ("Fill in the request", "Say why.")
    with translation.override("en"):
        assert task_name(task) == "Fill in the request" and process_name(definition) == "Leave request"
    with translation.override("zh-hans"):
        assert task_name(task) == "填写申请" and process_name(definition) == "请假"


DECISION = {
    "title": "审核", "type": "object",
    "properties": {
        "decision": {"type": "string", "title": "审核结果", "x-translations": {"en": {"title": "Decision"}},
                     "oneOf": [{"const": "approve", "title": "通过", "x-translations": {"en": {"title": "Approve"}}},
                               {"const": "return", "title": "退回修改",
                                "x-translations": {"en": {"title": "Return for revision"}}}]},
        "comment": {"type": "string", "title": "意见", "maxLength": 5,
                    "x-translations": {"en": {"title": "Comment"}}},
        "count": {"type": "integer", "title": "人数", "x-translations": {"en": {"title": "Head count"}}},
    },
    "required": ["decision"],
    "if": {"properties": {"decision": {"const": "return"}}, "required": ["decision"]},
    "then": {"required": ["decision", "comment"]},
}


def test_options_and_titles_follow_the_language():
    node = DECISION["properties"]["decision"]
    with translation.override("zh-hans"):
        assert [(o.value, o.label) for o in options(node)] == [("approve", "通过"), ("return", "退回修改")]
        assert text(node, "title") == "审核结果"
    with translation.override("en"):
        assert [o.label for o in options(node)] == ["Approve", "Return for revision"]
        assert text(node, "title") == "Decision"
    assert [o.label for o in options({"enum": ["a", "b"]})] == ["a", "b"]  # a bare enum shows its values


def _errors(data: dict) -> dict:
    with pytest.raises(Invalid) as caught:
        validate_form(DECISION, data)
    return caught.value.details


def test_validation_messages_name_the_field_by_its_title_in_the_readers_language():
    with translation.override("zh-hans"):
        assert _errors({}) == {"decision": ["「审核结果」为必填项"]}
        errors = _errors({"decision": "return", "comment": "太长了太长了", "count": "x"})
        assert errors == {"comment": ["「意见」最多 5 个字"], "count": ["「人数」须为整数"]}
        assert _errors({"decision": "maybe"}) == {"decision": ["「审核结果」请从选项中选择"]}
    with translation.override("en"):
        assert _errors({"decision": "return"}) == {"comment": ['"Comment" is required']}
        assert _errors({"decision": "approve", "count": 1.5}) == {"count": ['"Head count" must be a whole number']}
