"""The office pastes the State Council's holiday notice, checks the days it gives and saves them, in Chinese."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser.conftest import shot
from workflows.plans.models import CalendarDay

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NOTICE = Path(__file__).resolve().parents[1] / "workflows" / "plans" / "data" / "holiday_notice_2026.txt"


def test_office_pastes_a_notice_checks_its_days_and_saves_them(site, login):
    page = login("lili")
    page.goto(f"{site['url']}/console/")
    page.click("text=节假日日历")
    page.fill("#id_text", "国务院办公厅关于2026年部分节假日安排的通知\n二、春节：2月15日至23放假调休，共9天。")
    page.click("button[value=preview]")
    assert page.locator("table.issues td.line").inner_text() == "2"
    assert "没有保存任何内容" in page.inner_text("main")
    page.fill("#id_text", NOTICE.read_text(encoding="utf-8"))
    page.click("button[value=preview]")
    assert "2026年通知中的日期" in page.inner_text("main")
    assert page.locator("table.notice-days tbody tr").count() == 39
    assert page.locator("table.notice-days tr.workday").count() == 6
    assert CalendarDay.objects.count() == 0
    shot(page, "holiday-notice-preview")
    page.click("button[value=confirm]")
    page.wait_for_load_state()
    assert "已将2026年的39天保存为办公室录入的日期" in page.inner_text("main")
    assert page.locator("table.entered-days tbody tr").count() == 39
    assert CalendarDay.objects.filter(date__year=2026).count() == 39
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 28)).note == "春节调休上班"
