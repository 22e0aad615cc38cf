"""A school's quarterly report through the pages: the liaison on a phone (Chinese), the principal on a
desktop (English). Fill, attach inside the same form, save a draft, submit; the principal reads the
whole report with its evidence, returns it, then approves; the next quarter starts from what carries
over. Every page is checked for one language and for accessibility."""
from __future__ import annotations

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import _open_first_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCHOOL = "wenqiao-central-primary"
TYPED = ("按计划推进，已完成本季度任务。", "营养改善计划覆盖全校。", "请补充营养改善计划的佐证材料",
         "已补充佐证材料", "营养餐台账.pdf")


def _open_task(page, site, text: str = "") -> None:
    page.goto(f"{site['url']}/inbox/")
    rows = page.locator("ul.tasks li a")
    (rows.filter(has_text=text).first if text else rows.first).click()
    page.wait_for_load_state()


def test_the_liaison_reports_the_principal_returns_then_approves_and_the_next_quarter_carries_over(
        site, login, tmp_path):
    from workflows.plans.models import QuarterlyReport, ReportStatus
    from workflows.processes.models import Attachment, AuditEvent, HumanTask

    cycle = _open_first_quarter(site)
    report = QuarterlyReport.objects.get(school__code=SCHOOL, quarter__quarter=1)
    liaison = login("luoting", viewport=PHONE)
    _open_task(liaison, site)
    index = liaison.locator("nav.sections-index")
    sections = index.locator("li").count()
    assert sections >= 2 and "已填写 0 / " in index.inner_text()
    look(liaison, "report-fill-phone", TYPED)

    # typed text survives an upload in the same form
    liaison.fill("textarea[name='sections.wi1.progress']", TYPED[0])
    liaison.fill("input[name='sections.wi1.figures.nutrition_students']", "120")
    evidence = tmp_path / TYPED[4]
    evidence.write_bytes(b"%PDF-1.4\n% ledger\n")
    liaison.set_input_files("#evidence", str(evidence))
    liaison.click("button[value=attach]")
    liaison.wait_for_load_state()
    assert liaison.locator("textarea[name='sections.wi1.progress']").input_value() == TYPED[0]
    assert liaison.locator("input[name='sections.wi1.figures.nutrition_students']").input_value() == "120"
    assert TYPED[4] in liaison.locator(".evidence").inner_text()
    fill = HumanTask.objects.get(instance=report.instance, bpmn_id="fill_report", state="ready")
    assert fill.draft["sections"]["wi1"]["figures"]["nutrition_students"] == 120
    assert Attachment.objects.get(task=fill).name == TYPED[4]

    for area in liaison.locator("textarea[name$='.progress']").all():
        if not area.input_value():
            area.fill(TYPED[1])
    liaison.click("button[value=draft]")
    liaison.wait_for_load_state()
    assert f"已填写 {sections} / {sections}" in liaison.locator("nav.sections-index").inner_text()
    look(liaison, "report-draft-saved-phone", TYPED)
    liaison.click("button[value=complete]")
    liaison.wait_for_load_state()
    assert "/inbox/" in liaison.url

    principal = login("xieguoping", viewport=DESKTOP, language="en")
    principal.goto(f"{site['url']}/notifications/")
    assert "New task: Principal signs off" in principal.locator("main").inner_text()  # in the reader's language
    look(principal, "notifications-desktop-en", TYPED)
    _open_task(principal, site)
    shown = principal.locator("section.report").inner_text()
    assert TYPED[0] in shown and "120 人" in shown and TYPED[4] in shown  # answers, figures with units, evidence
    assert "Sent to the principal for sign-off" in principal.locator(".subtitle").inner_text()
    look(principal, "sign-off-desktop-en", TYPED)
    principal.check("input[name=decision][value=return]")
    principal.click("button[value=complete]")
    assert principal.locator(".field-error").inner_text() == '"Comment" is required'
    look(principal, "sign-off-refused-in-place-en", TYPED)
    principal.check("input[name=decision][value=return]")
    principal.fill("textarea[name=comment], input[name=comment]", TYPED[2])
    principal.click("button[value=complete]")
    principal.wait_for_load_state()
    returned = AuditEvent.objects.filter(instance_id=report.instance_id, detail__decision="return").get()
    assert returned.detail["comment"] == TYPED[2]

    liaison.goto(f"{site['url']}/notifications/")
    assert "退回修改：填写季度报告" in liaison.locator("main").inner_text()
    look(liaison, "notifications-phone", TYPED)
    liaison.click("text=退回修改：填写季度报告")  # the notice opens the task it is about
    liaison.wait_for_load_state()
    assert TYPED[2] in liaison.locator("p.msg.warning").inner_text()
    assert TYPED[4] in liaison.locator(".evidence").inner_text()  # the evidence stayed with the report
    assert liaison.locator("textarea[name='sections.wi1.progress']").input_value() == TYPED[0]
    look(liaison, "report-returned-phone", TYPED)
    liaison.fill("textarea[name='sections.wi1.problems']", TYPED[3])
    liaison.click("button[value=complete]")
    liaison.wait_for_load_state()

    _open_task(principal, site)
    decisions = principal.locator("ol.decisions").inner_text()
    assert "Return for revision" in decisions and TYPED[2] in decisions
    assert TYPED[4] in principal.locator("section.report").inner_text()
    principal.check("input[name=decision][value=approve]")
    principal.click("button[value=complete]")
    principal.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.sections["wi1"]["figures"]["nutrition_students"] == 120
    assert report.sections["wi1"]["problems"] == TYPED[3]

    liaison.goto(f"{site['url']}/inbox/?tab=done")
    look(liaison, "inbox-done-phone", TYPED)
    liaison.click("ul.tasks li a >> nth=0")
    liaison.wait_for_load_state()
    sent = liaison.locator("main").inner_text()
    assert "校长已审核通过，已报送办公室" in sent and TYPED[0] in sent and "通过" in sent
    assert liaison.locator("form.taskform").count() == 0  # read back, not editable
    look(liaison, "report-sent-phone", TYPED)

    from workflows.plans.services.cycles import quarter_open

    quarter_open(quarter_id=cycle.quarters.get(quarter=2).pk)
    _open_task(liaison, site)
    assert liaison.locator("textarea[name='sections.wi1.progress']").input_value() == TYPED[0]
    assert liaison.locator("input[name='sections.wi1.figures.nutrition_students']").input_value() == "120"
    carried = liaison.locator("#g-sectionswi1 ~ .field .tag.carried, .field .tag.carried")
    assert carried.count() >= 2  # work item 1 carries over (its progress and its figures)
    assert liaison.locator("textarea[name='sections.wi2.progress']").input_value() == ""  # work item 2 does not
    look(liaison, "report-carried-over-phone", TYPED)
