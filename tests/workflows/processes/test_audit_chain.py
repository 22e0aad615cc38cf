"""The audit trail is a hash chain: rewriting an event through SQL is detected."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.builders import simple_user_process
from tests.workflows.processes.helpers import ready, start
from workflows.processes.audit import audit_verify
from workflows.processes.models import AuditEvent
from workflows.processes.services.human_tasks import human_task_complete

pytestmark = pytest.mark.django_db


def test_chains_verify_until_an_event_is_rewritten(office_user):
    first = start(simple_user_process("one"), actor=office_user)
    start(simple_user_process("two"), actor=office_user)
    human_task_complete(task_id=ready(first)[0].pk, actor=office_user, data={"n": 1})
    assert audit_verify() == []
    call_command("verify_audit")
    event = AuditEvent.objects.filter(instance_id=first.pk, action="task.completed").get()
    with connection.cursor() as cursor:  # what someone with database access might try
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET detail = %s WHERE id = %s",
                       ['{"fields": ["forged"]}', event.pk])
    problems = audit_verify()
    assert len(problems) == 1 and f"event {event.pk}" in problems[0]
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit")


def test_removing_an_event_breaks_the_next_link(office_user):
    instance = start(simple_user_process("three"), actor=office_user)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={})
    middle = AuditEvent.objects.filter(instance_id=instance.pk).order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [middle.pk])
    assert any("links to" in p for p in audit_verify())


def test_a_step_writes_its_events_in_order_and_a_failed_step_writes_none(office_user):
    from tests.builders import chain, definitions, process, user_task
    from workflows.processes.errors import Invalid

    two = definitions(process("two_steps", '<bpmn:startEvent id="start"/>' + user_task("first")
                              + user_task("second") + '<bpmn:endEvent id="end"/>'
                              + chain("start", "first", "second", "end")))
    instance = start(two, actor=office_user)
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={"n": 1})
    actions = list(AuditEvent.objects.filter(instance_id=instance.pk).order_by("id").values_list("action", flat=True))
    assert actions == ["instance.started", "task.created", "task.completed", "task.created"]
    with pytest.raises(Invalid):  # refused before the engine runs: nothing recorded
        human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={"x": object()})
    assert AuditEvent.objects.filter(instance_id=instance.pk).count() == 4
    human_task_complete(task_id=ready(instance)[0].pk, actor=office_user, data={})
    assert list(AuditEvent.objects.filter(instance_id=instance.pk).order_by("id").values_list(
        "action", flat=True))[4:] == ["task.completed", "instance.completed"]
    assert audit_verify() == []
