"""The office sends a message that starts a process and a signal that two waiting instances catch,
from the console on a phone; a bad entry is refused in Chinese and starts nothing."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PHONE, shot
from tests.builders import chain, definitions, process, user_task
from workflows.processes.models import HumanTaskState, ProcessInstance
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.instances import instance_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TYPED = ("no_such_message", "application_received", "term_begins", "APP-7", "by_message", "waits_for_signal")
HEAD = '<bpmn:message id="apply" name="application_received"/><bpmn:signal id="go" name="term_begins"/>'
BY_MESSAGE = definitions(process("by_message", '<bpmn:startEvent id="on_apply"><bpmn:messageEventDefinition '
                                 'messageRef="apply"/></bpmn:startEvent>' + user_task("review")
                                 + chain("on_apply", "review")), head=HEAD)
WAITS = definitions(process("waits_for_signal", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent '
                            'id="hear"><bpmn:signalEventDefinition signalRef="go"/></bpmn:intermediateCatchEvent>'
                            + user_task("act") + chain("start", "hear", "act")), head=HEAD)


def _send(page, kind: str, name: str, business_key: str = "", data: str = "") -> None:
    page.check(f"input[name=kind][value={kind}]")
    page.fill("#id_name", name)
    page.fill("#id_business_key", business_key)
    page.fill("#id_data", data)
    page.click("form.send-event button[type=submit]")
    page.wait_for_load_state()


def test_office_starts_a_process_by_message_and_reaches_two_instances_by_signal(site, login):
    definition_deploy(files={"by_message.bpmn": BY_MESSAGE, "waits.bpmn": WAITS})
    from workflows.processes.models import ProcessDefinition
    waiting = [instance_start(definition=ProcessDefinition.objects.get(key="waits_for_signal")) for _ in range(2)]
    page = login("lili", viewport=PHONE)
    page.goto(f"{site['url']}/console/")
    page.click("text=消息与信号")
    assert "by_message" in page.locator("table.start-triggers").inner_text()

    _send(page, "message", "no_such_message")
    assert "没有流程实例在等待消息 'no_such_message'，也没有流程由它启动" in page.inner_text("main")
    assert not ProcessInstance.objects.filter(definition__key="by_message").exists()

    _send(page, "message", "application_received", "APP-7", '["not", "an object"]')
    assert "请填写 JSON 对象" in page.inner_text("main")
    assert not ProcessInstance.objects.filter(definition__key="by_message").exists()

    _send(page, "message", "application_received", "APP-7", '{"school": "A"}')
    assert "已启动 1 个流程实例" in page.inner_text("main") and "等待中的流程实例已接收" not in page.inner_text("main")
    [started] = ProcessInstance.objects.filter(definition__key="by_message")
    assert started.business_key == "APP-7"
    assert list(started.human_tasks.values_list("bpmn_id", "state")) == [("review", HumanTaskState.READY)]
    shot(page, "message-started-a-process")
    page.click("ul.started a")  # the started instance on its diagram
    page.wait_for_load_state()
    assert f"instance={started.pk}" in page.url
    page.go_back()

    _send(page, "signal", "term_begins")
    assert "2 个等待中的流程实例已接收" in page.inner_text("main")
    for instance in waiting:
        assert instance.human_tasks.get().bpmn_id == "act"
