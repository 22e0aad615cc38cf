"""The office's people pages: find a person, hand their tasks over, end a membership, deactivate and
reactivate; a bad successor or someone outside the office changes nothing."""
from __future__ import annotations

import pytest

from workflows.org.models import Membership, MembershipEnd
from workflows.processes.models import AuditAction, AuditEvent, HumanTask

pytestmark = pytest.mark.django_db


def _claimed(world):
    task = HumanTask.objects.get(pk=world.report_task.pk)
    task.assignee = world.users["liaison_a"]
    task.save(update_fields=["assignee"])
    return task


def test_the_office_finds_a_person_by_name_or_unit(world, clients):
    liaison = world.users["liaison_a"]
    _claimed(world)
    page = clients["office"].get("/console/people/", {"q": liaison.memberships.first().unit.name})
    assert page.status_code == 200
    row = next(p for p in page.context["page"] if p.pk == liaison.pk)
    assert row.held == 1
    assert clients["office"].get("/console/people/", {"q": "没有这个人"}).context["page"].paginator.count == 0


def test_handing_over_a_liaisons_tasks_while_she_is_away(world, clients):
    task, principal = _claimed(world), world.users["principal_a"]
    liaison = world.users["liaison_a"]
    url = f"/console/people/{liaison.pk}/"
    page = clients["office"].get(url)
    assert [t.pk for t in page.context["tasks"]] == [task.pk]
    answer = clients["office"].post(url, {"_action": "hand_over", "which": "all", "successor": principal.username,
                                          "reason": "休产假"})
    assert answer.status_code == 302
    task.refresh_from_db()
    assert task.assignee_id == principal.pk
    event = AuditEvent.objects.filter(action=AuditAction.REASSIGNED, task_guid=str(task.task_guid)).last()
    assert event.detail == {"from": liaison.username, "to": principal.username, "reason": "handed_over",
                            "note": "休产假"}
    liaison.refresh_from_db()
    assert liaison.is_active  # she stays


def test_a_bad_successor_or_no_task_chosen_changes_nothing(world, clients):
    task, liaison = _claimed(world), world.users["liaison_a"]
    url = f"/console/people/{liaison.pk}/"
    for post, field in (({"which": "all", "successor": "nobody-here"}, "successor"),
                        ({"which": "all", "successor": liaison.username}, "successor"),
                        ({"which": "chosen", "successor": ""}, "task")):
        answer = clients["office"].post(url, {"_action": "hand_over", **post})
        assert answer.status_code == 200 and answer.context["errors"][field]
        assert "请更正以下错误" in answer.content.decode()
    task.refresh_from_db()
    assert task.assignee_id == liaison.pk


def test_ending_a_membership_and_deactivating_then_reactivating(world, clients):
    task, liaison = _claimed(world), world.users["liaison_a"]
    url = f"/console/people/{liaison.pk}/"
    membership = Membership.objects.get(user=liaison)
    clients["office"].post(url, {"_action": "end_membership", "membership": membership.pk, "reason": "调离"})
    assert not Membership.objects.filter(user=liaison).exists()
    assert MembershipEnd.objects.get(user=liaison).reason == "调离"
    task.refresh_from_db()
    assert task.assignee_id is None  # back to the school's pool
    clients["office"].post(url, {"_action": "deactivate", "reason": "离职"})
    liaison.refresh_from_db()
    assert not liaison.is_active
    clients["office"].post(url, {"_action": "reactivate"})
    liaison.refresh_from_db()
    assert liaison.is_active
    actions = list(AuditEvent.objects.filter(action__startswith="person.").order_by("pk")
                   .values_list("action", "detail__person"))
    assert actions == [(AuditAction.MEMBERSHIP_ENDED, liaison.username),
                       (AuditAction.PERSON_DEACTIVATED, liaison.username),
                       (AuditAction.PERSON_REACTIVATED, liaison.username)]


@pytest.mark.parametrize("role", ["lead_dept", "principal_a", "liaison_b"])
def test_no_one_but_the_office_sees_or_changes_people(role, world, clients):
    liaison = world.users["liaison_a"]
    assert clients[role].get("/console/people/").status_code == 403
    answer = clients[role].post(f"/console/people/{liaison.pk}/", {"_action": "deactivate"})
    assert answer.status_code == 403
    liaison.refresh_from_db()
    assert liaison.is_active
