"""Versions pin running instances; the inbox is a constant number of queries; audit is append-only."""
from __future__ import annotations

import pytest

from tests.builders import chain, definitions, process, user_task
from tests.workflows.processes.helpers import deploy, ready
from workflows.processes.models import AuditEvent
from workflows.processes.selectors import inbox_for_user
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start

pytestmark = pytest.mark.django_db


def _two_steps(second: str) -> bytes:
    return definitions(process("evolving", '<bpmn:startEvent id="start"/>' + user_task("first") + user_task(second)
                               + chain("start", "first", second)))


def test_running_instances_stay_on_their_version(office_user):
    v1 = deploy(_two_steps("old_second"), actor=office_user)
    running = instance_start(definition=v1, actor=office_user)
    v2 = deploy(_two_steps("new_second"), actor=office_user)
    assert (v1.version, v2.version) == (1, 2)
    human_task_complete(task_id=ready(running)[0].pk, actor=office_user, data={})
    assert [t.bpmn_id for t in ready(running)] == ["old_second"]
    fresh = instance_start(definition=v2, actor=office_user)
    human_task_complete(task_id=ready(fresh)[0].pk, actor=office_user, data={})
    assert [t.bpmn_id for t in ready(fresh)] == ["new_second"]


def test_inbox_query_count_does_not_grow_with_tasks(office_user, schools, person, django_assert_num_queries):
    liaison = person("li_a", schools["A"], "liaison")
    definition = deploy(definitions(process("inboxed", '<bpmn:startEvent id="start"/>' + user_task("fill")
                                            + chain("start", "fill"), lanes={"liaison": ["fill"]})),
                        actor=office_user)
    for count in (1, 20):
        while len(inbox_for_user(user=liaison)) < count:
            instance_start(definition=definition, actor=office_user, unit=schools["A"])
        with django_assert_num_queries(2):  # the person's memberships, then the tasks
            rows = list(inbox_for_user(user=liaison))
            assert [r.instance.definition.key for r in rows] == ["inboxed"] * count


def test_audit_events_cannot_be_changed_or_deleted(office_user):
    deploy(_two_steps("x"), actor=office_user)
    event = AuditEvent.objects.get()
    event.detail = {"forged": True}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(detail={})
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().detail["key"] == "evolving"
