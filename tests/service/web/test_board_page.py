"""The board page: filters narrow the list, a bad filter answers 400, only the office chases many
schools at once, and each entry offers only the actions its reader may take."""
from __future__ import annotations

import datetime as dt

import pytest

from workflows.processes.models import AuditAction, AuditEvent, HumanTask

pytestmark = pytest.mark.django_db


def test_the_list_narrows_to_a_level_a_school_or_one_escalation(world, clients):
    office = clients["office"]
    everything = office.get("/board/").context["page"].paginator.count
    assert everything >= 1
    school = world.report_instance.unit_id
    by_school = office.get("/board/", {"unit": school}).context["entries"]
    assert by_school and all(e.escalation.instance.unit_id == school for e in by_school)
    assert office.get("/board/", {"level": "supervise"}).context["page"].paginator.count == 0
    single = office.get("/board/", {"escalation": world.escalation.pk}).context["entries"]
    assert [e.escalation.pk for e in single] == [world.escalation.pk]


@pytest.mark.parametrize("query", [{"level": "loud"}, {"overdue": "-1"}, {"period": "x-9"}, {"unit": "abc"}])
def test_a_bad_filter_answers_400(query, clients):
    answer = clients["office"].get("/board/", query)
    assert answer.status_code == 400 and "部分取值无法识别" in answer.content.decode()


def test_only_the_office_chases_many_schools_at_once(world, clients):
    answer = clients["principal_a"].post("/board/", {"which": "all"}, follow=True)
    assert "只有领导小组办公室可以批量催办" in answer.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.CHASED).exists()
    done = clients["office"].post(f"/board/?unit={world.report_instance.unit_id}",
                                  {"which": "chosen", "escalation": [str(world.escalation.pk)]}, follow=True)
    assert "已催办 1 条事项" in done.content.decode()
    assert AuditEvent.objects.get(action=AuditAction.CHASED).detail["escalation"] == world.escalation.pk


def test_an_entry_offers_only_the_actions_its_reader_may_take(world, clients):
    from workflows.org.roles import office_or_holds

    for role in ("office", "liaison_a", "principal_a"):
        entries = clients[role].get("/board/").context["entries"]
        assert entries, role
        for entry in entries:
            e = entry.escalation
            assert entry.may_act == office_or_holds(world.users[role], unit_id=e.target_unit_id, role=e.target_role)
            assert entry.may_acknowledge == (entry.may_act and e.acknowledged_at is None)
    # the liaison's reminder is not the principal's to act on
    assert any(not e.may_act for e in clients["principal_a"].get("/board/").context["entries"])


def test_the_plan_wide_rates_are_shown_only_to_those_who_see_the_whole_plan(world, clients):
    assert clients["office"].get("/board/").context["rates"] is not None
    page = clients["principal_a"].get("/board/")
    assert page.context["rates"] is None and 'id="chart-data"' not in page.content.decode()


def test_with_two_plans_the_board_offers_the_choice(world, clients):
    from workflows.org.models import Unit
    from workflows.plans.models import Plan

    other = Plan.objects.create(code="zz-2024", title="另一个方案", year=2024,
                                bureau=Unit.objects.create(code="zz", name="另一个局", kind="bureau"))
    page = clients["office"].get("/board/", {"plan": other.pk})
    assert page.context["plan"] == other and 'id="b-plan"' in page.content.decode()
    assert clients["office"].get("/board/", {"plan": world.plan.pk}).context["plan"] == world.plan


def test_the_list_reads_most_overdue_first_page_by_page_with_those_on_no_task_last(world):
    from django.db.models import F

    from workflows.plans.board import BoardList, BoardQuery, board_filtered
    from workflows.processes.models import Escalation

    open_ = Escalation.objects.filter(closed_at__isnull=True)
    assert open_.count() >= 4
    # spread the due dates (two share one, so the raising time decides) and take one off its task
    tasks = list(open_.order_by("pk").values_list("human_task_id", flat=True))
    for days, task_id in enumerate(tasks):
        HumanTask.objects.filter(pk=task_id).update(due_at=F("due_at") - dt.timedelta(days=days // 2))
    no_task = open_.order_by("pk").first()
    Escalation.objects.filter(pk=no_task.pk).update(human_task=None)
    expected = [e.pk for e in sorted(open_.select_related("human_task"), key=lambda e: (
        e.human_task is None, e.human_task.due_at if e.human_task else None, e.raised_at, e.pk))]
    assert expected[-1] == no_task.pk
    listed = BoardList(board_filtered(world.users["office"], BoardQuery()))
    assert listed.count() == len(expected)
    for size in (1, 2, 3, len(expected)):
        pages = [listed[start:start + size] for start in range(0, len(expected) + size, size)]
        assert [pk for page in pages for pk in page] == expected, size
