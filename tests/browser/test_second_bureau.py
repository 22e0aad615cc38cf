"""A second bureau set up in the pages alone: its units and people from an XLSX (30 schools), then its
own office creates the plan, five work items with their departments and figures, takes all the
schools, adds the first half year's cycle and starts it; the quarter opens through its progress page,
a school reports on a phone, its principal signs off, the quarter closes at its deadline and the
office reads the summary. The outcome is read from the database."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_org_import import import_in_the_pages
from tests.org_workbook import bureau_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PLAN = "临溪县2024年教育工作要点"
ITEMS = [("控辍保学", "在校学生数", "人"), ("课后服务", "参与学生数", "人"), ("营养改善计划", "受益学生数", "人"),
         ("校园安全", "隐患整改数", "处"), ("教师培训", "参训教师数", "人次")]
TYPED = (PLAN, "临教〔2024〕3号", "各学校", "本季度按计划推进。", "临溪.xlsx",
         *[word for item in ITEMS for word in item])


def _import_units(site, login, tmp_path) -> None:
    workbook = tmp_path / "临溪.xlsx"
    workbook.write_bytes(bureau_workbook(30))
    office = login("lili", viewport=DESKTOP)
    import_in_the_pages(office, site, workbook)
    assert "单位和人员已导入" in office.locator("p.import-state").inner_text()


def _new_plan(office, site) -> None:
    office.goto(f"{site['url']}/console/")
    office.click("a[href$='/console/plans/']")
    office.click("a[href$='/console/plans/new/']")
    office.wait_for_load_state()
    office.click("form.plan-form button[type=submit]")  # empty: refused in place
    office.wait_for_load_state()
    assert "该字段是必填项" in office.locator("form.plan-form").inner_text()
    office.fill("#id_title", PLAN)
    office.fill("#id_document_number", TYPED[1])
    office.fill("#id_year", "2024")
    office.select_option("#id_bureau", label="临溪县教育局")
    office.fill("#id_addressees", TYPED[2])
    office.fill("#id_report_due_workdays", "6")
    look(office, "plan-new-desktop", TYPED)
    office.click("form.plan-form button[type=submit]")
    office.wait_for_load_state()
    assert "方案已保存" in office.locator("p.msg.success").inner_text()


def _add_work_items(office) -> None:
    for number, (title, figure, unit) in enumerate(ITEMS, start=1):
        office.click("text=添加工作重点")
        office.wait_for_load_state()
        assert office.locator("#id_number").input_value() == str(number)
        office.fill("#id_title", title)
        office.select_option("#id_lead", label="临溪县资助中心" if number % 2 else "临溪县基础教育股")
        office.check(f"input[name=cooperating] >> nth={number % 2}")
        office.fill("#id_figures-0-label", figure)
        office.fill("#id_figures-0-unit", unit)
        if number == 1:
            office.check("#id_carry_over")
            office.set_viewport_size(PHONE)
            look(office, "work-item-new-phone", TYPED)
            office.set_viewport_size(DESKTOP)
        office.click("form.work-item-form button[type=submit]")
        office.wait_for_load_state()
        assert "工作重点已保存" in office.locator("p.msg.success").inner_text()


def _report_on_a_phone(site, login) -> None:
    liaison = login("lx-l01", viewport=PHONE, password="linxi-2024")
    liaison.goto(f"{site['url']}/inbox/")
    liaison.click("ul.tasks li a >> nth=0")
    liaison.wait_for_load_state()
    for number in range(1, len(ITEMS) + 1):
        liaison.fill(f"textarea[name='sections.wi{number}.progress']", TYPED[3])
        liaison.fill(f"input[name='sections.wi{number}.figures.f1']", str(100 + number))
    assert "人次" in liaison.locator("main").inner_text()  # each figure with its unit
    liaison.click("button[value=complete]")
    liaison.wait_for_load_state()
    principal = login("lx-p01", viewport=PHONE, password="linxi-2024")
    principal.goto(f"{site['url']}/inbox/")
    principal.click("ul.tasks li a >> nth=0")
    principal.wait_for_load_state()
    principal.check("input[name=decision][value=approve]")
    principal.click("button[value=complete]")
    principal.wait_for_load_state()


def test_the_office_sets_up_a_second_bureau_and_runs_its_first_quarter_to_the_summary(
        site, login, clock, tmp_path):
    from workflows.plans.models import Plan, QuarterlyReport, ReportStatus
    from workflows.plans.services.cycles import cycles_tick
    from workflows.processes.models import AuditAction, AuditEvent

    _import_units(site, login, tmp_path)
    office = login("lx-office", viewport=DESKTOP, password="linxi-2024")
    _new_plan(office, site)
    plan = Plan.objects.get(title=PLAN)
    assert plan.bureau.code == "linxi" and plan.settings["report_due_workdays"] == 6
    _add_work_items(office)
    assert [i.figures[0]["unit"] for i in plan.work_items.order_by("number")] == [i[2] for i in ITEMS]
    assert plan.work_items.get(number=1).carry_over

    office.click("a[href$='/schools/']")
    office.wait_for_load_state()
    office.click("button[value=all]")
    office.wait_for_load_state()
    assert plan.schools.count() == 30
    look(office, "plan-schools-desktop", TYPED)

    office.click(f"a[href='/console/plans/{plan.pk}/']")
    office.wait_for_load_state()
    office.fill("#id_year", "2024")
    office.select_option("#id_half", "1")
    office.click("form.add-cycle button[type=submit]")
    office.wait_for_load_state()
    look(office, "plan-desktop", TYPED)
    office.click("table.cycles button[type=submit]")  # start the cycle
    office.wait_for_load_state()
    assert "每所学校都已收到报告任务" in office.locator("p.opening-state").inner_text()
    quarter = plan.cycles.get(year=2024, half=1).quarters.get(quarter=1)
    assert QuarterlyReport.objects.filter(quarter=quarter).count() == 30

    _report_on_a_phone(site, login)
    assert QuarterlyReport.objects.get(quarter=quarter, school__code="linxi-s01").status == ReportStatus.SUBMITTED

    clock.move_to(quarter.closes_at + dt.timedelta(hours=1))
    cycles_tick()  # what beat runs each hour
    quarter.refresh_from_db()
    assert quarter.closed_at is not None
    office = login("lx-office", viewport=DESKTOP, password="linxi-2024")  # weeks later: a new session
    office.goto(f"{site['url']}/console/plans/{plan.pk}/")
    office.click(f"a[href='/cycles/{quarter.cycle_id}/']")
    office.wait_for_load_state()
    office.goto(f"{site['url']}/cycles/{quarter.cycle_id}/quarters/1/")
    summary = office.locator("main").inner_text()
    assert "共 30 所学校：按时报送 1 所" in summary and "未报送 29 所" in summary
    look(office, "second-bureau-summary-desktop", TYPED)
    assert AuditEvent.objects.filter(action=AuditAction.WORK_ITEM_SAVED, detail__plan=plan.code).count() == 5
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_SCHOOL_ADDED, detail__plan=plan.code).count() == 30
    assert QuarterlyReport.objects.filter(quarter=quarter, status=ReportStatus.PENDING).count() == 29
