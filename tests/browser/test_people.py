"""The office hands a leaving liaison's tasks over in the pages: while she is away her report goes to
her principal; when she leaves, her membership ends and she is deactivated. A school's phone shows
the task arriving. The outcome is read from the database."""
from __future__ import annotations

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TYPED = ("产假期间由校长代报", "调往其他学校")


def _open_first_quarter(site):
    from workflows.org.models import Membership
    from workflows.plans.services.cycles import cycle_open, quarter_open

    office = Membership.objects.get(role="office_director", unit__kind="office").user
    cycle = cycle_open(cycle_id=site["plan"].cycles.get(half=1).pk, actor=office)
    quarter_open(quarter_id=cycle.quarters.get(quarter=1).pk)


def test_the_office_hands_a_leaving_liaisons_tasks_over(site, login):
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership
    from workflows.processes.models import AuditAction, AuditEvent, HumanTask, HumanTaskState

    _open_first_quarter(site)
    liaison = login("luoting", viewport=PHONE)
    liaison.goto(f"{site['url']}/inbox/")
    liaison.click("ul.tasks a >> nth=0")
    liaison.click("button[value=claim]")
    liaison.wait_for_load_state()
    people = get_user_model().objects
    luoting, principal = people.get(username="luoting"), people.get(username="xieguoping")
    held = HumanTask.objects.get(state=HumanTaskState.READY, assignee=luoting)

    office = login("lili", viewport=DESKTOP)
    office.goto(f"{site['url']}/console/")
    office.click("a[href$='/console/people/']")
    office.fill("#p-q", "罗婷")
    office.click("form.filters button[type=submit]")
    office.wait_for_load_state()
    look(office, "people-desktop", TYPED)
    row = office.locator("table.people tbody tr", has_text="罗婷")
    assert row.locator("td").nth(2).inner_text().strip() == "1"
    row.locator("a").click()
    office.wait_for_load_state()

    form = office.locator("form.hand-over")
    form.locator("input[name=which][value=all]").check()
    form.locator("input[name=successor]").fill("nobody-here")
    form.locator("button[type=submit]").click()
    office.wait_for_load_state()
    assert "请填写一位在用人员的登录名" in office.locator("form.hand-over").inner_text()
    assert office.locator("form.hand-over input[name=successor]").input_value() == "nobody-here"  # kept
    look(office, "hand-over-refused-desktop", TYPED + ("nobody-here",))
    held.refresh_from_db()
    assert held.assignee_id == luoting.pk  # a bad successor changes nothing

    form = office.locator("form.hand-over")
    assert form.locator("input[name=which][value=all]").is_checked()
    form.locator("input[name=successor]").fill("xieguoping")
    form.locator("input[name=reason]").fill(TYPED[0])
    form.locator("button[type=submit]").click()
    office.wait_for_load_state()
    assert "待办已移交" in office.locator("p.msg.success").inner_text()
    held.refresh_from_db()
    assert held.assignee_id == principal.pk
    event = AuditEvent.objects.filter(action=AuditAction.REASSIGNED, task_guid=str(held.task_guid)).last()
    assert (event.actor.username, event.detail["note"]) == ("lili", TYPED[0])

    head = login("xieguoping", viewport=PHONE)
    head.goto(f"{site['url']}/inbox/")
    assert head.locator("ul.tasks li", has_text="2024年第一季度").count() >= 1
    look(head, "handed-over-inbox-phone", TYPED)

    ends = office.locator("form.end-membership")
    ends.locator("input[name=membership]").first.check()
    ends.locator("input[name=reason]").fill(TYPED[1])
    ends.locator("button[type=submit]").click()
    office.wait_for_load_state()
    assert not Membership.objects.filter(user=luoting).exists()
    office.locator("form.deactivate button[type=submit]").click()
    office.wait_for_load_state()
    look(office, "person-deactivated-desktop", TYPED)
    luoting.refresh_from_db()
    assert not luoting.is_active
    assert list(AuditEvent.objects.filter(action__startswith="person.").values_list("action", flat=True)) == [
        AuditAction.MEMBERSHIP_ENDED, AuditAction.PERSON_DEACTIVATED]
