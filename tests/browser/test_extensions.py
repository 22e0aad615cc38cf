"""A school asks for more time on its quarterly report from a phone; the office refuses without a reason
(refused in place, nothing changes), then grants; the report's deadlines move."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import _open_first_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
UTC8 = dt.timezone(dt.timedelta(hours=8))


def _english(text: str) -> list[str]:
    """Latin words on a Chinese page (dates and times are digits)."""
    return re.findall(r"[A-Za-z]{2,}", text)


def test_a_liaison_asks_for_an_extension_and_the_office_grants_it(site, login):
    from workflows.plans.models import ExtensionStatus, QuarterlyReport

    _open_first_quarter(site)
    report = QuarterlyReport.objects.get(school__code="wenqiao-central-primary", quarter__quarter=1)
    liaison = login("luoting", viewport=PHONE)
    liaison.goto(f"{site['url']}/inbox/")
    liaison.click("ul.tasks a >> nth=0")
    assert "2024-04-08 18:00" in liaison.locator("section.extension").inner_text()
    liaison.click("button[value=ask_extension]")  # nothing filled in: both fields say what is missing
    assert liaison.locator("section.extension .field-error").count() == 2
    assert not report.extensions.exists()
    liaison.fill("#extension-due", "2024-04-10")
    liaison.fill("#extension-reason", "迎接省级督导检查，佐证材料汇总需延后两天")
    liaison.click("button[value=ask_extension]")
    liaison.wait_for_load_state()
    assert "延期申请已提交" in liaison.locator("p.msg.success").inner_text()
    assert "待审批" in liaison.locator("section.extension").inner_text()
    look(liaison, "extension-asked-phone")
    assert _english(liaison.locator("section.extension").inner_text()) == []

    office = login("lili", viewport=DESKTOP)
    office.goto(f"{site['url']}/console/")
    office.click("a[href='/console/extensions/']")
    card = office.locator("article.extension-request")
    assert card.count() == 1 and "文桥中心小学" in card.inner_text() and "迎接省级督导" in card.inner_text()
    assert card.locator("input[name=due_on]").input_value() == "2024-04-10"
    card.locator("button[value=refuse]").click()  # a refusal needs its reason
    assert "请填写不同意的理由" in office.locator("article.extension-request").inner_text()
    assert report.extensions.get().status == ExtensionStatus.PENDING
    office.locator("article.extension-request textarea[name=comment]").fill("同意，请务必按时报送")
    office.locator("article.extension-request button[value=grant]").click()
    office.wait_for_load_state()
    assert "已同意延期" in office.locator("p.msg.success").inner_text()
    assert "没有待审批的延期申请" in office.locator("main").inner_text()
    look(office, "extensions-decided-desktop")
    assert _english(office.locator("main").inner_text()) == []

    report.refresh_from_db()
    due = dt.datetime(2024, 4, 10, 18, tzinfo=UTC8)
    assert report.due_at == due
    assert report.extensions.get().status == ExtensionStatus.GRANTED
    assert report.instance.human_tasks.get(bpmn_id="fill_report", state="ready").due_at == due
    assert report.instance.next_timer_at == dt.datetime(2024, 4, 8, 9, tzinfo=UTC8)  # the reminder moved too
    liaison.reload()
    panel = liaison.locator("section.extension").inner_text()
    assert "2024-04-10 18:00" in panel and "已同意" in panel and "同意，请务必按时报送" in panel
    assert liaison.locator("button[value=ask_extension]").count() == 1  # may ask again, before the new due date
