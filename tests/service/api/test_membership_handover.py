"""Someone leaves a school: their claimed task goes to the pool or a successor, and is no longer theirs."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.service.api.test_half_year_over_http import answers
from workflows.notifications.models import Notification
from workflows.org.models import Membership, MembershipEnd
from workflows.plans.models import QuarterlyReport
from workflows.processes.models import AuditAction, AuditEvent, HumanTask, HumanTaskState
from workflows.processes.services.human_tasks import human_task_claim

pytestmark = pytest.mark.django_db

SCHOOL = "wenqiao-central-primary"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _colleague(django_user_model, unit, username: str = "liaison-two"):
    """A second liaison of the same school."""
    user = django_user_model.objects.create_user(username, password="pw")
    Membership.objects.create(user=user, unit=unit, role="liaison")
    return user


def _end(clients, membership, body: dict) -> dict:
    answer = clients["office"].post(f"/api/memberships/{membership.pk}/end/", body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def _refused_everywhere(client: Client, task: HumanTask) -> None:
    assert client.get(f"/tasks/{task.pk}/").status_code == 404
    assert client.get(f"/api/tasks/{task.pk}/").status_code == 404
    # 404 before the form is read: an empty form would be a 400
    submit = client.post(f"/api/tasks/{task.pk}/complete/", {"data": {}}, content_type="application/json")
    assert submit.status_code == 404
    assert client.post(f"/api/tasks/{task.pk}/claim/").status_code == 404


def test_a_removed_liaisons_claimed_task_goes_back_to_the_schools_pool(world, clients, django_user_model):
    leaving, task = world.users["liaison_a"], world.report_task
    human_task_claim(task_id=task.pk, actor=leaving)
    colleague = _colleague(django_user_model, task.candidate_unit)
    membership = Membership.objects.get(user=leaving, unit__code=SCHOOL, role="liaison")

    assert _end(clients, membership, {"reason": "调离"}) == {"handed_back": 1, "handed_over": 0}

    task.refresh_from_db()
    assert (task.assignee_id, task.claimed_at, task.candidate_role, task.candidate_unit.code) == \
        (None, None, "liaison", SCHOOL)
    _refused_everywhere(clients["liaison_a"], task)
    assert MembershipEnd.objects.filter(user=leaving, unit__code=SCHOOL, role="liaison", reason="调离").exists()
    event = AuditEvent.objects.get(instance_id=task.instance_id, action=AuditAction.UNCLAIMED)
    assert event.actor == world.users["office"]
    assert event.detail == {"from": leaving.username, "to": "", "reason": "membership_ended", "note": "调离"}
    assert Notification.objects.filter(user=colleague, link=f"/tasks/{task.pk}/").get().title == \
        f"退回本单位待认领：{task.name}"

    mine = _client(colleague)
    inbox = mine.get("/api/tasks/?tab=unit").json()["results"]
    assert task.pk in [row["id"] for row in inbox]
    assert mine.post(f"/api/tasks/{task.pk}/claim/").status_code == 200
    schema = mine.get(f"/api/tasks/{task.pk}/form/").json()["schema"]
    done = mine.post(f"/api/tasks/{task.pk}/complete/", {"data": answers(schema, "按计划推进")},
                     content_type="application/json")
    assert done.status_code == 200, done.content
    task.refresh_from_db()
    assert (task.state, task.completed_by) == (HumanTaskState.COMPLETED, colleague)


def test_a_successor_named_by_the_office_holds_the_task(world, clients, django_user_model):
    leaving, task = world.users["liaison_a"], world.report_task
    human_task_claim(task_id=task.pk, actor=leaving)
    successor = _colleague(django_user_model, task.candidate_unit, "successor")
    membership = Membership.objects.get(user=leaving, unit__code=SCHOOL, role="liaison")

    assert _end(clients, membership, {"successor": "successor"}) == {"handed_back": 0, "handed_over": 1}

    task.refresh_from_db()
    assert task.assignee == successor and task.claimed_at is not None
    _refused_everywhere(clients["liaison_a"], task)
    event = AuditEvent.objects.get(instance_id=task.instance_id, action=AuditAction.REASSIGNED)
    assert event.detail["from"] == leaving.username and event.detail["to"] == "successor"
    notice = Notification.objects.filter(user=successor, link=f"/tasks/{task.pk}/").get()
    assert notice.title == f"转交给您：{task.name}"
    assert _client(successor).get(f"/tasks/{task.pk}/").status_code == 200


def test_ending_a_membership_is_the_offices_and_checks_the_successor(world, clients):
    membership = Membership.objects.get(user=world.users["liaison_a"], unit__code=SCHOOL, role="liaison")
    url = f"/api/memberships/{membership.pk}/end/"
    assert clients["principal_a"].post(url, {}, content_type="application/json").status_code == 403
    nobody = clients["office"].post(url, {"successor": "nobody"}, content_type="application/json",
                                    HTTP_ACCEPT_LANGUAGE="en")
    assert nobody.status_code == 400 and nobody.json()["details"] == {"user": ["unknown user"]}
    self_ = clients["office"].post(url, {"successor": world.users["liaison_a"].username},
                                   content_type="application/json")
    assert self_.status_code == 400 and "successor" in self_.json()["details"]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_deleting_a_membership_hands_its_tasks_back_too(world, clients):
    leaving, task = world.users["liaison_a"], world.report_task
    human_task_claim(task_id=task.pk, actor=leaving)
    membership = Membership.objects.get(user=leaving, unit__code=SCHOOL, role="liaison")
    assert clients["office"].delete(f"/api/memberships/{membership.pk}/").status_code == 204
    task.refresh_from_db()
    assert task.assignee_id is None
    assert MembershipEnd.objects.filter(user=leaving, unit__code=SCHOOL).exists()


def test_deactivating_a_person_hands_back_their_tasks_in_all_their_units(world, clients):
    leaving, first = world.users["liaison_a"], world.report_task
    other = QuarterlyReport.objects.get(quarter__cycle=world.cycle, quarter__quarter=1,
                                        school__code="yuehua-no2-primary").instance.human_tasks.get(
        state=HumanTaskState.READY)
    Membership.objects.create(user=leaving, unit=other.candidate_unit, role="liaison")
    human_task_claim(task_id=first.pk, actor=leaving)
    human_task_claim(task_id=other.pk, actor=leaving)

    answer = clients["office"].post(f"/api/people/{leaving.pk}/deactivate/", {"reason": "离职"},
                                    content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"handed_back": 2, "handed_over": 0}

    leaving.refresh_from_db()
    assert not leaving.is_active
    assert list(HumanTask.objects.filter(pk__in=[first.pk, other.pk]).values_list("assignee", flat=True)) == \
        [None, None]
    assert Notification.objects.filter(user=world.users["liaison_b"], link=f"/tasks/{other.pk}/").exists()
    assert AuditEvent.objects.filter(action=AuditAction.UNCLAIMED, detail__reason="person_deactivated").count() == 2
    assert clients["liaison_a"].get(f"/api/tasks/{first.pk}/").status_code in (401, 403)


def test_a_claim_does_not_outlive_a_membership_ended_without_a_handover(world):
    from workflows.processes.permissions import can_act_on

    leaving, task = world.users["liaison_a"], world.report_task
    human_task_claim(task_id=task.pk, actor=leaving)
    membership = Membership.objects.get(user=leaving, unit__code=SCHOOL, role="liaison")
    MembershipEnd.objects.create(user=leaving, unit=membership.unit, role=membership.role)
    membership.delete()  # as a raw delete would: the task still names them
    task = HumanTask.objects.get(pk=task.pk)
    assert task.assignee_id == leaving.pk and not can_act_on(leaving, task)
    submit = _client(leaving).post(f"/api/tasks/{task.pk}/complete/", {"data": {}}, content_type="application/json")
    assert submit.status_code in (403, 404)


def test_the_admin_ends_memberships_and_deactivates_through_the_handover(world, django_user_model):
    leaving, task = world.users["liaison_a"], world.report_task
    human_task_claim(task_id=task.pk, actor=leaving)
    admin = _client(django_user_model.objects.create_superuser("root", password="pw"))
    membership = Membership.objects.get(user=leaving, unit__code=SCHOOL, role="liaison")
    assert admin.post(f"/admin/org/membership/{membership.pk}/delete/", {"post": "yes"}).status_code == 302
    task.refresh_from_db()
    assert task.assignee_id is None and MembershipEnd.objects.filter(user=leaving, unit__code=SCHOOL).exists()

    principal = world.users["principal_a"]
    HumanTask.objects.filter(pk=task.pk).update(assignee=principal)
    form = {"username": principal.username, "first_name": principal.first_name, "last_name": "", "email": "",
            "date_joined_0": principal.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": principal.date_joined.strftime("%H:%M:%S")}  # is_active left out: unticked
    answer = admin.post(f"/admin/auth/user/{principal.pk}/change/", form)
    assert answer.status_code == 302, answer.content[:2000]
    principal.refresh_from_db()
    task.refresh_from_db()
    assert not principal.is_active and task.assignee_id is None
    assert AuditEvent.objects.filter(action=AuditAction.UNCLAIMED, detail__reason="person_deactivated").exists()
