"""The three journeys end to end in a real browser."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.checks import check_print, look
from tests.browser.conftest import DESKTOP, PHONE
from tests.builders import chain, definitions, process, simple_user_process

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open_first_quarter(site):
    from workflows.org.models import Membership
    from workflows.plans.services.cycles import cycle_open, quarter_open

    office = Membership.objects.get(role="office_director", unit__kind="office").user
    cycle = cycle_open(cycle_id=site["plan"].cycles.get(half=1).pk, actor=office)
    quarter_open(quarter_id=cycle.quarters.get(quarter=1).pk)
    return cycle


def test_office_uploads_a_broken_then_a_fixed_bpmn_and_starts_the_cycle(site, login, tmp_path):
    page = login("lili")
    page.goto(f"{site['url']}/console/upload/")
    broken = tmp_path / "broken.bpmn"
    broken.write_bytes(definitions(process("broken_flow", '<bpmn:startEvent id="start"/>'
                                           '<bpmn:complexGateway id="choose"/>' + chain("start", "choose"))))
    page.set_input_files("#files", str(broken))
    page.click("text=校验并部署") if page.locator("text=校验并部署").count() else page.click("main button")
    issue = page.locator("table.issues tr.issue").first
    assert "choose" in issue.inner_text() and issue.locator("td.line").inner_text().strip().isdigit()
    look(page, "upload-errors-desktop", ("broken.bpmn",))  # the file's name as uploaded
    fixed = tmp_path / "fixed.bpmn"
    fixed.write_bytes(simple_user_process("fixed_flow"))
    page.set_input_files("#files", str(fixed))
    page.click("main form button")
    assert page.locator("p.msg.success").inner_text().count("fixed_flow v1") == 1
    page.goto(f"{site['url']}/console/")
    look(page, "console-desktop")
    page.click("form[action$='/start/'] button >> nth=0")
    page.wait_for_load_state()
    assert page.locator("#opening-bar").get_attribute("value") == "100"  # inline here; on workers in production
    page.click("main .actions a.secondary")  # the cycle's progress
    page.wait_for_load_state()
    assert page.locator("table.progress td.status-pending").count() >= 15
    look(page, "progress-desktop")


def test_liaison_on_a_phone_reports_principal_returns_liaison_resubmits(site, login):
    _open_first_quarter(site)
    liaison = login("luoting", viewport=PHONE)
    liaison.goto(f"{site['url']}/inbox/")
    look(liaison, "inbox-phone")
    liaison.click("ul.tasks a >> nth=0")
    for area in liaison.locator("textarea[name$='.progress']").all():
        area.fill("按计划推进，已完成本季度任务。")
    liaison.click("button[value=complete]")
    liaison.wait_for_load_state()
    assert "/inbox/" in liaison.url
    principal = login("xieguoping")
    principal.goto(f"{site['url']}/inbox/")
    principal.click("ul.tasks a >> nth=0")
    principal.check("input[name=decision][value=return]")
    principal.click("button[value=complete]")
    assert principal.locator(".field-error").count() >= 1  # a return needs its reason, shown in place
    principal.check("input[name=decision][value=return]")
    principal.fill("textarea[name=comment], input[name=comment]", "请补充佐证材料")
    principal.click("button[value=complete]")
    liaison.goto(f"{site['url']}/inbox/")
    liaison.click("ul.tasks a >> nth=0")
    assert "请补充佐证材料" in liaison.locator("p.msg.warning").inner_text()
    look(liaison, "task-returned-phone")
    assert liaison.locator("textarea[name='sections.wi1.progress']").input_value() != ""  # previous answers kept
    liaison.fill("textarea[name='sections.wi1.problems']", "已补充佐证材料")
    liaison.click("button[value=complete]")
    principal.goto(f"{site['url']}/inbox/")
    principal.click("ul.tasks a >> nth=0")
    principal.check("input[name=decision][value=approve]")
    principal.click("button[value=complete]")
    from workflows.plans.models import QuarterlyReport

    report = QuarterlyReport.objects.get(school__code="wenqiao-central-primary", quarter__quarter=1)
    assert report.status == "submitted"


def test_after_the_due_date_the_board_shows_chase_and_supervise(site, login, clock):
    cycle = _open_first_quarter(site)
    quarter = cycle.quarters.get(quarter=1)
    from workflows.processes.services.timers import timer_sweep

    clock.move_to(quarter.supervise_at + dt.timedelta(hours=1))
    timer_sweep()
    board = login("lili")
    board.goto(f"{site['url']}/board/")
    chase = board.locator(".level-totals li.level-chase .count").inner_text()
    supervise = board.locator(".level-totals li.level-supervise .count").inner_text()
    assert int(chase) >= 15 and int(supervise) >= 15
    look(board, "board-desktop")
    board.set_viewport_size(PHONE)
    look(board, "board-phone")
    board.set_viewport_size(DESKTOP)


def test_office_publishes_the_bulletin_and_a_school_reads_it(site, login):
    from workflows.org.models import Membership
    from workflows.processes.models import HumanTaskState
    from workflows.processes.services.events import event_deliver
    from workflows.processes.services.human_tasks import human_task_complete

    cycle = _open_first_quarter(site)
    office = Membership.objects.get(role="office_director", unit__kind="office").user
    for review in ("review_first_summary", "review_second_summary"):
        event_deliver(kind="message", name="quarter_closed", instance_id=cycle.instance_id)
        task = cycle.instance.human_tasks.get(bpmn_id=review, state=HumanTaskState.READY)
        human_task_complete(task_id=task.pk, actor=office, data={})
    page = login("lili")
    page.goto(f"{site['url']}/cycles/{cycle.pk}/")
    page.click(f"a[href$='/cycles/{cycle.pk}/bulletin/']")  # the quotes to pick, then the draft
    page.click("form.card button[type=submit]")
    page.fill("#b-number", "岳云教体函〔2024〕11号")
    page.click("button[value=save]")
    page.click("button[value=submit]")
    look(page, "bulletin-submitted-desktop")
    leader = login("zhoujianguo")
    leader.goto(page.url)
    leader.click("button[value=approve]")
    assert leader.locator("article.document .doc-number").inner_text() == "岳云教体函〔2024〕11号"
    assert check_print(leader, "bulletin-a4") >= 1
    page.goto(f"{site['url']}/cycles/{cycle.pk}/quarters/1/")
    assert page.locator("table.matrix tbody tr").count() >= 15
    assert check_print(page, "summary-a4") >= 1
    school = login("luoting", viewport=PHONE)
    school.goto(f"{site['url']}/bulletins/")
    school.click("ul.list a >> nth=0")
    assert "通报" in school.locator("h1.doc-title").inner_text()
    look(school, "bulletin-phone")


def test_the_diagram_highlights_the_active_task(site, login):
    cycle = _open_first_quarter(site)
    report = cycle.quarters.get(quarter=1).reports.first()
    page = login("lili")
    page.goto(f"{site['url']}/processes/quarterly_report/1/diagram/?instance={report.instance_id}")
    page.wait_for_selector("#canvas[data-rendered=yes]", timeout=15000)
    assert page.locator(".duban-active").count() >= 1
    look(page, "diagram-desktop")
