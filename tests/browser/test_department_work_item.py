"""A department head runs a work item through the pages: starts it, dispatches it to two chosen schools,
approves one school's report, grants the other an extension, returns its report, approves it, and
applies to close. The schools sign for and report from their phones. Every page is checked for one
language and for accessibility; the outcome is read from the database."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ITEM = "完善乡村振兴工作体系机制"  # work item 1, led by 资助中心 (黄伟)
TYPED = ("核查营养改善计划落实情况，报送受益学生名册", "已完成全部受益学生核查", "核查对象较多，需延后一周",
         "请补充受益学生名册", "已补充受益学生名册")
UTC8 = dt.timezone(dt.timedelta(hours=8))


def _open(page, site, name: str) -> None:
    page.goto(f"{site['url']}/inbox/")
    page.locator("ul.tasks li", has_text=name).first.locator("a").first.click()
    page.wait_for_load_state()


def _report(page, site, progress: str) -> None:
    """The school's responsible person reports progress on the work item's task."""
    _open(page, site, ITEM)
    page.check("input[name=action][value=report]")
    page.fill("textarea[name=progress]", progress)
    page.click("button[value=complete]")
    page.wait_for_load_state()


def _review(head, site, item, school: str) -> None:
    """The department opens a school's open step from the work item's page."""
    head.goto(f"{site['url']}/work-items/{item.pk}/")
    _school_row(head, school).locator("a").click()
    head.wait_for_load_state()


def _school_row(head, school: str):
    return head.locator("table.school-tasks tr", has_text=school)


def test_a_department_head_starts_dispatches_reviews_and_applies_to_close(site, login):
    from workflows.plans.models import SchoolTask, WorkItem
    from workflows.plans.tasks import work_item_all_done
    from workflows.processes.models import HumanTask

    head = login("huangwei", viewport=DESKTOP)
    head.goto(f"{site['url']}/work-items/")
    look(head, "work-items-desktop", TYPED)
    head.click(f"text={ITEM}")
    head.wait_for_load_state()
    assert "未启动" in head.locator(".subtitle").inner_text()
    head.click("button[value=start]")
    head.wait_for_load_state()
    item = WorkItem.objects.get(plan=site["plan"], title=ITEM)
    run = item.runs.get()
    assert run.instance.human_tasks.get(state="ready").bpmn_id == "dispatch_school_tasks"

    head.click("button[value=dispatch]")  # nothing said: refused in place, nothing dispatched
    assert head.locator(".field-error").count() == 2 and not SchoolTask.objects.exists()
    look(head, "dispatch-refused-desktop", TYPED)
    head.fill("#instructions", TYPED[0])
    head.fill("#due_date", "2024-04-19")
    for box in head.locator("fieldset.schools input[name=schools]").all():
        box.uncheck()
    for school in ("文桥中心小学", "云溪小学"):
        head.locator("fieldset.schools label", has_text=school).first.locator("input").check()
    head.click("button[value=dispatch]")
    head.wait_for_load_state()
    tasks = SchoolTask.objects.filter(run=run).select_related("school")
    assert {t.school.name for t in tasks} == {"文桥中心小学", "云溪小学"}
    assert tasks[0].due_at == dt.datetime(2024, 4, 19, 18, tzinfo=UTC8)
    assert _school_row(head, "云溪小学").inner_text().count("待签收") == 1
    look(head, "work-item-dispatched-desktop", TYPED)

    # the schools sign for the task, naming who does it, and report (one asks for more time)
    for principal, person in (("xieguoping", "luoting"), ("zengzhiming", "tanghui")):
        page = login(principal, viewport=PHONE)
        _open(page, site, ITEM)
        assert TYPED[0] in page.locator("section.report").inner_text()
        look(page, f"sign-receipt-{principal}-phone", TYPED)
        page.check(f"input[name=responsible][value={person}]")
        page.fill("input[name=planned_date]", "2024-04-15")
        page.click("button[value=complete]")
        page.wait_for_load_state()
    luoting = login("luoting", viewport=PHONE)
    _open(luoting, site, ITEM)
    luoting.check("input[name=action][value=report]")
    luoting.fill("textarea[name=progress]", TYPED[1])
    luoting.fill("input[name='figures.nutrition_students']", "320")
    look(luoting, "school-task-report-phone", TYPED)
    luoting.click("button[value=complete]")
    luoting.wait_for_load_state()
    tanghui = login("tanghui", viewport=PHONE)
    _open(tanghui, site, ITEM)
    tanghui.check("input[name=action][value=request_extension]")
    tanghui.fill("input[name=new_due_at]", "2024-04-26T18:00")
    tanghui.fill("textarea[name=reason], input[name=reason]", TYPED[2])
    tanghui.click("button[value=complete]")
    tanghui.wait_for_load_state()

    # the department approves one report and grants the other school's extension
    head.goto(f"{site['url']}/inbox/")
    assert ITEM in head.locator("ul.tasks").inner_text()  # every row names its work item
    look(head, "department-inbox-desktop", TYPED)
    head.goto(f"{site['url']}/work-items/{item.pk}/")
    _school_row(head, "文桥中心小学").locator("a").click()
    head.wait_for_load_state()
    shown = head.locator("section.report").inner_text()
    assert TYPED[1] in shown and "320 人" in shown
    look(head, "review-school-report-desktop", TYPED)
    head.check("input[name=decision][value=approve]")
    head.click("button[value=complete]")
    head.wait_for_load_state()
    head.goto(f"{site['url']}/work-items/{item.pk}/")
    assert "已通过" in _school_row(head, "文桥中心小学").inner_text()
    _school_row(head, "云溪小学").locator("a").click()
    head.wait_for_load_state()
    assert TYPED[2] in head.locator("section.report").inner_text()
    look(head, "decide-extension-desktop", TYPED)
    head.check("input[name=decision][value=approve]")
    head.click("button[value=complete]")
    head.wait_for_load_state()
    yunxi = tasks.get(school__name="云溪小学")
    report_step = HumanTask.objects.get(instance=yunxi.instance, bpmn_id="report_progress", state="ready")
    assert report_step.due_at == dt.datetime(2024, 4, 26, 18, tzinfo=UTC8)  # the extension moved the due date

    # the second school reports; the department returns it with a reason, then approves the revision
    _report(tanghui, site, TYPED[1])
    _review(head, site, item, "云溪小学")
    head.check("input[name=decision][value=return]")
    head.click("button[value=complete]")
    assert head.locator(".field-error").inner_text() == "「意见」为必填项"
    head.check("input[name=decision][value=return]")
    head.fill("textarea[name=comment]", TYPED[3])
    head.click("button[value=complete]")
    head.wait_for_load_state()
    head.goto(f"{site['url']}/work-items/{item.pk}/")
    assert "退回" in _school_row(head, "云溪小学").inner_text()
    _open(tanghui, site, ITEM)
    assert TYPED[3] in tanghui.locator("p.msg.warning").inner_text()
    look(tanghui, "school-task-returned-phone", TYPED)
    _report(tanghui, site, TYPED[4])
    _review(head, site, item, "云溪小学")
    decisions = head.locator("ol.decisions").inner_text()
    assert "批准" in decisions and "退回修改" in decisions and TYPED[3] in decisions
    head.check("input[name=decision][value=approve]")
    head.click("button[value=complete]")
    head.wait_for_load_state()
    assert SchoolTask.objects.filter(run=run, finished_at__isnull=False).count() == 2

    work_item_all_done(run.pk)  # what the worker does once the last school task finished
    head.goto(f"{site['url']}/work-items/{item.pk}/")
    head.click("button[value=apply_close]")  # the result is required
    assert head.locator(".field-error").count() == 1
    head.fill("#result", "两所学校均已完成核查，受益学生名册已归档。")
    head.click("button[value=apply_close]")
    head.wait_for_load_state()
    look(head, "work-item-closing-applied-desktop", TYPED + ("两所学校均已完成核查，受益学生名册已归档。",))
    assert run.instance.human_tasks.get(state="ready").bpmn_id == "close_work_item"
    assert "待办公室销号" in head.locator(".subtitle").inner_text()
