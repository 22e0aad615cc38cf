"""The managers' board after a quarter's due date: counts by level and school, the list filtered by
level and working days overdue, the office chasing ticked schools and then all the filters show, the
chart with its table, a matrix cell opening its school's task; a principal sees only the actions
addressed to him. The outcome is read from the database."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_journeys import _open_first_quarter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_filters_the_board_chases_late_schools_and_reads_the_chart(site, login, clock):
    from workflows.processes.models import AuditAction, AuditEvent, Escalation, EscalationLevel
    from workflows.processes.services.timers import timer_sweep

    quarter = _open_first_quarter(site).quarters.get(quarter=1)
    clock.move_to(quarter.supervise_at + dt.timedelta(hours=1))
    timer_sweep()
    supervised = Escalation.objects.filter(closed_at__isnull=True, level=EscalationLevel.SUPERVISE)

    board = login("lili")
    board.goto(f"{site['url']}/board/")
    assert int(board.locator(".level-totals li.level-supervise .count").inner_text()) == supervised.count()
    board.select_option("#b-level", "supervise")
    board.fill("#b-overdue", "1")
    board.click("form.board-filters button[type=submit]")
    board.wait_for_load_state()
    entries = board.locator("ul.escalations li")
    assert entries.count() == supervised.count()
    first = entries.first.inner_text()
    assert "个工作日" in first and "截止" in first  # the due date and the working days overdue
    look(board, "board-filtered-desktop")

    entries.nth(0).locator("input[type=checkbox]").check()
    entries.nth(1).locator("input[type=checkbox]").check()
    board.click("button[name=which][value=chosen]")
    board.wait_for_load_state()
    assert "已催办 2 条事项" in board.locator("p.msg.success").inner_text()
    assert AuditEvent.objects.filter(action=AuditAction.CHASED, actor__username="lili").count() == 2
    assert board.locator("#b-level").input_value() == "supervise"  # the filters stay
    board.click("button[name=which][value=all]")
    board.wait_for_load_state()
    assert f"已催办 {supervised.count()} 条事项" in board.locator("p.msg.success").inner_text()
    assert AuditEvent.objects.filter(action=AuditAction.CHASED).count() == 2 + supervised.count()

    assert board.evaluate("() => typeof Chart") == "function"
    assert board.locator("#chart-quarters").evaluate("c => c.width") > 0  # drawn
    figures = board.locator("#chart-quarters-table tbody tr").first.inner_text()
    assert "2024年第一季度" in figures and str(quarter.reports.count()) in figures  # the chart's figures as a table
    board.set_viewport_size(PHONE)
    look(board, "board-phone")
    board.set_viewport_size(DESKTOP)

    board.locator("table.matrix td.light-red a").first.click()
    board.wait_for_load_state()
    assert "/tasks/" in board.url


def test_a_principal_sees_only_the_actions_addressed_to_him(site, login, clock):
    from workflows.org.models import Membership
    from workflows.plans.board import handler_of
    from workflows.processes.models import Escalation
    from workflows.processes.services.timers import timer_sweep

    quarter = _open_first_quarter(site).quarters.get(quarter=1)
    clock.move_to(quarter.supervise_at + dt.timedelta(hours=1))
    timer_sweep()
    principal = Membership.objects.get(unit__code="wenqiao-central-primary", role="principal").user
    page = login(principal.username, viewport=PHONE)
    page.goto(f"{site['url']}/board/")
    assert page.locator("form#bulk-chase, ul.escalations input[type=checkbox]").count() == 0
    may = handler_of(principal)
    for item in page.locator("ul.escalations li[id^=escalation-]").all():
        escalation = Escalation.objects.get(pk=int(item.get_attribute("id").split("-")[1]))
        assert (item.locator("button[value=chase]").count() == 1) == may(escalation)
    look(page, "board-principal-phone")
