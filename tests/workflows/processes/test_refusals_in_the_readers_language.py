"""A refused upload's issues are worded in the reader's language.

The engine words each refusal as an English template with params (``message`` is it rendered in
English); the service translates the template with gettext in the active language. The
translations themselves live in locale/ (compiled separately), so here gettext is replaced by a
stand-in catalogue for zh-hans to see that the template (and a template nested in a param) is what
gets translated, and in the active language.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import get_language, override

from tests.builders import chain, definitions, process
from workflows.engine import lint
from workflows.processes import issue_texts
from workflows.processes.errors import Invalid
from workflows.processes.issue_texts import issue_message
from workflows.processes.models import ProcessDefinition
from workflows.processes.services.definitions import definition_deploy

pytestmark = pytest.mark.django_db
ENGINE = Path(lint.__file__).resolve().parent

COMPLEX = definitions(process("mixing", '<bpmn:startEvent id="start"/><bpmn:complexGateway id="mix"/>'
                                        '<bpmn:endEvent id="end"/>' + chain("start", "mix", "end")))
PRINTS = definitions(process("printing", '<bpmn:startEvent id="start"/><bpmn:scriptTask id="run">'
                                         '<bpmn:script>x = 1\nprint(x)</bpmn:script></bpmn:scriptTask>'
                                         '<bpmn:endEvent id="end"/>' + chain("start", "run", "end")))
CATALOGUE = {
    lint.UNSUPPORTED["complexGateway"]: "不支持复杂网关（complexGateway）；请使用排他网关、包容网关或并行网关",
    "script refused: %(reason)s": "脚本被拒绝：%(reason)s",
    "print() is not available in BPMN scripts: its output would reach nobody; keep what you want to see in a "
    "variable of the task data": "BPMN 脚本中不能使用 print()：其输出无人能看到；"
                                 "需要查看的内容请保存在任务数据的变量中",
}


def _marked_templates() -> set[str]:
    """Every string the engine passes to gettext_noop: what makemessages extracts."""
    found = set()
    for path in ENGINE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "gettext_noop"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


@pytest.fixture
def catalogue(monkeypatch):
    """A zh-hans catalogue for the templates above, looked up in the active language as gettext does."""
    asked = []

    def gettext(message: str) -> str:
        asked.append(message)
        return CATALOGUE.get(message, message) if get_language() == "zh-hans" else message

    monkeypatch.setattr(issue_texts, "gettext", gettext)
    return asked


def _refusal(files: dict[str, bytes], office_user) -> dict:
    with pytest.raises(Invalid) as info:
        definition_deploy(files=files, actor=office_user)
    assert not ProcessDefinition.objects.exists()
    return info.value.details["issues"][0]


def test_an_unsupported_element_is_refused_in_the_readers_language(catalogue, office_user):
    with override("en"):
        english = _refusal({"mixing.bpmn": COMPLEX}, office_user)
    assert (english["file"], english["element_id"], english["element_type"]) == ("mixing.bpmn", "mix",
                                                                                  "complexGateway")
    assert english["template"] == lint.UNSUPPORTED["complexGateway"] and english["params"] == {}
    assert english["template"] in _marked_templates()  # makemessages finds it
    assert english["message"] == english["template"] % english["params"]
    assert english["message"] == "complex gateways are not supported; use exclusive, inclusive or parallel gateways"
    assert lint.UNSUPPORTED["complexGateway"] in catalogue  # the template itself went through gettext

    with override("zh-hans"):
        chinese = _refusal({"mixing.bpmn": COMPLEX}, office_user)
        assert issue_message(english) == CATALOGUE[english["template"]]  # translated at the boundary, on demand
    assert chinese["message"] == CATALOGUE[english["template"]]
    assert {k: v for k, v in chinese.items() if k != "message"} == {k: v for k, v in english.items() if k != "message"}


def test_a_refusal_inside_a_refusal_is_translated_too(catalogue, office_user):
    with override("en"):
        english = _refusal({"printing.bpmn": PRINTS}, office_user)
    reason = english["params"]["reason"]
    assert english["template"] == "script refused: %(reason)s" and english["line"]
    assert reason["template"].startswith("print() is not available")
    assert {english["template"], reason["template"]} <= _marked_templates()
    assert english["message"] == "script refused: " + reason["template"]
    with override("zh-hans"):
        chinese = _refusal({"printing.bpmn": PRINTS}, office_user)
    assert chinese["message"] == "脚本被拒绝：" + CATALOGUE[reason["template"]]


def test_an_issue_without_a_template_or_with_params_that_do_not_fit_keeps_its_message():
    assert issue_message({"file": "f.json", "message": "form f.json: 3 is not of type 'object'"}) == (
        "form f.json: 3 is not of type 'object'")
    assert issue_message({"message": "the id 'Start' is reserved", "template": "the id %(id)s is reserved",
                          "params": {}}) == "the id 'Start' is reserved"


@pytest.mark.parametrize("language, wording", [
    ("en", lint.UNSUPPORTED["complexGateway"]), ("zh-hans", CATALOGUE[lint.UNSUPPORTED["complexGateway"]])])
def test_the_api_and_the_upload_page_answer_in_the_requests_language(language, wording, catalogue, office_user,
                                                                    client):
    client.force_login(office_user)
    response = client.post("/api/definitions/", {"files": {"mixing.bpmn": COMPLEX.decode()}},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    [issue] = response.json()["details"]["issues"]
    assert (issue["element_id"], issue["message"]) == ("mix", wording)
    assert issue["template"] == lint.UNSUPPORTED["complexGateway"]
    page = client.post("/console/upload/", {"files": [SimpleUploadedFile("mixing.bpmn", COMPLEX)]},
                       HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    assert [(i["element_id"], i["message"]) for i in page.context["issues"]] == [("mix", wording)]
    assert wording in page.content.decode()


@pytest.mark.parametrize("schema, chinese, english", [
    (b"[1, 2]", "表单 f.json：JSON Schema 必须是一个对象", "form f.json: a JSON Schema must be an object"),
    (b'{"type": 3}', "表单 f.json 不是有效的 JSON Schema：", "form f.json is not a valid JSON Schema: ")])
def test_a_broken_form_schema_is_refused_in_the_readers_language(schema, chinese, english, office_user):
    """With the shipped catalogue: the words are duban's in the reader's language; the validator's own
    detail (after the colon) stays as it says it."""
    files = {"f.json": schema, "printing.bpmn": definitions(process("plain", '<bpmn:startEvent id="start"/>'
                                                                            '<bpmn:endEvent id="end"/>'
                                                                            + chain("start", "end")))}
    with override("zh-hans"):
        assert _refusal(files, office_user)["message"].startswith(chinese)
    with override("en"):
        found = _refusal(files, office_user)
    assert found["message"].startswith(english) and found["file"] == "f.json"
