"""Page filters and ids are validated like the API's: a bad one answers 400 on the page, in its language."""
from __future__ import annotations

import pytest

from workflows.processes.models import Escalation

pytestmark = pytest.mark.django_db

BAD_INBOX = ["due_before=2024-13-45", "due_after=tomorrow", "work_item=abc", "cycle=-1", "unit=x1",
             f"unit={2**63}", "tab=nope", "state=nope", "light=purple", "ordering=name"]


@pytest.mark.parametrize("query", BAD_INBOX)
def test_a_bad_inbox_filter_answers_400_on_the_page_in_chinese(query, world, clients):
    response = clients["liaison_a"].get(f"/inbox/?{query}")
    page = response.content.decode()
    assert response.status_code == 400 and "部分取值无法识别" in page and 'lang="zh-hans"' in page
    assert "Traceback" not in page and "ul class=\"tasks\"" not in page  # the form stays, no list


def test_a_bad_inbox_filter_names_the_filter_and_the_problem_in_english(world, clients):
    client = clients["liaison_a"]
    client.cookies["django_language"] = "en"
    page = client.get("/inbox/?due_before=2024-13-45&work_item=abc").content.decode()
    assert "Due by: Enter a valid date." in page and "Work item: Enter a whole number." in page
    assert "截止" not in page


def test_a_bad_date_in_chinese_says_so_in_chinese(world, clients):
    page = clients["liaison_a"].get("/inbox/?due_before=2024-13-45").content.decode()
    assert "截止日期不晚于：输入一个有效的日期。" in page


def test_good_inbox_filters_still_filter(world, clients):
    client = clients["liaison_a"]
    due = world.report_task.due_at.date()
    shown = client.get(f"/inbox/?due_before={due.isoformat()}&cycle={world.cycle.pk}&light=&tab=all")
    assert shown.status_code == 200 and f"/tasks/{world.report_task.pk}/" in shown.content.decode()
    hidden = client.get(f"/inbox/?due_after={due.replace(year=due.year + 1).isoformat()}")
    assert hidden.status_code == 200 and f"/tasks/{world.report_task.pk}/" not in hidden.content.decode()


@pytest.mark.parametrize("body", [{"escalation": "abc", "action": "acknowledge"},
                                  {"escalation": str(2**64), "action": "acknowledge"},
                                  {"escalation": "", "action": "chase"},
                                  {"action": "acknowledge"},
                                  {"escalation": "{pk}", "action": "delete"}])
def test_a_bad_board_action_answers_400_and_changes_nothing(body, world, clients):
    body = {k: v.replace("{pk}", str(world.escalation.pk)) for k, v in body.items()}
    response = clients["office"].post("/board/", body)
    assert response.status_code == 400 and "部分取值无法识别" in response.content.decode()
    escalation = Escalation.objects.get(pk=world.escalation.pk)
    assert escalation.acknowledged_at is None and escalation.closed_at is None


def test_a_good_board_action_still_acts(world, clients):
    response = clients["office"].post("/board/", {"escalation": world.escalation.pk, "action": "acknowledge"})
    assert response.status_code == 302
    assert Escalation.objects.get(pk=world.escalation.pk).acknowledged_at is not None


@pytest.mark.parametrize("instance", ["abc", "-3", "1.5", str(2**63)])
def test_a_bad_instance_on_the_diagram_page_answers_400(instance, world, clients):
    for role in ("office", "liaison_a"):
        response = clients[role].get(f"/processes/quarterly_report/1/diagram/?instance={instance}")
        assert response.status_code == 400 and "部分取值无法识别" in response.content.decode()


def test_the_diagram_page_shows_an_instance_only_with_its_own_definition(world, clients):
    report = world.report_instance
    other = world.run.instance
    assert other.definition_id != report.definition_id
    for role in ("office", "liaison_a"):
        own = clients[role].get(f"/processes/quarterly_report/1/diagram/?instance={report.pk}")
        assert own.status_code == 200, role
    key, version = other.definition.key, other.definition.version
    assert clients["office"].get(f"/processes/{key}/{version}/diagram/?instance={report.pk}").status_code == 404
    assert clients["office"].get(f"/processes/quarterly_report/1/diagram/?instance={other.pk}").status_code == 404
    assert clients["liaison_a"].get(f"/processes/{key}/{version}/diagram/?instance={report.pk}").status_code == 404
    assert clients["liaison_b"].get(f"/processes/quarterly_report/1/diagram/?instance={report.pk}").status_code == 404


@pytest.mark.parametrize("count", ["abc", "-1", "1e9", "201", ""])
def test_a_bad_section_count_on_the_bulletin_page_answers_400_and_saves_nothing(count, world, clients):
    from workflows.plans.models import Bulletin

    sections = [{"heading": "一、总体情况", "paragraphs": ["按期推进。"]}]
    bulletin = Bulletin.objects.create(cycle=world.cycle, title="通报", sections=sections)
    response = clients["office"].post(f"/bulletins/{bulletin.pk}/", {
        "action": "save", "title": "改过的标题", "section_count": count, "heading_0": "改过", "body_0": "改过"})
    assert response.status_code == 400 and "部分取值无法识别" in response.content.decode()
    bulletin.refresh_from_db()
    assert (bulletin.title, bulletin.sections) == ("通报", sections)
