"""Output serializers written out by hand answer exactly what DRF's generic field-by-field path gives."""
from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework import serializers

from service.api.instances import InstanceDetail, InstanceOut
from service.api.tasks import LIST_COLUMNS, TaskOut
from workflows.processes.models import HumanTask, ProcessDefinition, ProcessInstance
from workflows.processes.services.human_tasks import human_task_claim
from workflows.processes.services.instances import instance_start, instance_terminate

pytestmark = pytest.mark.django_db


def _generic(serializer: serializers.Serializer, obj) -> dict:
    return dict(serializers.Serializer.to_representation(serializer, obj))


def test_instances_answer_as_the_generic_serializer_would(world):
    instance_terminate(instance_id=world.run.instance.pk, actor=world.users["office"], reason="test")
    instance_start(definition=ProcessDefinition.objects.filter(key="work_item").latest("version"), unit=None)
    instances = list(ProcessInstance.objects.select_related("definition", "unit").order_by("pk"))
    kinds = {(i.unit_id is None, i.parent_id is None, i.ended_at is None, i.next_timer_at is None) for i in instances}
    for position in range(4):  # with and without unit, parent, end and timer
        assert {kind[position] for kind in kinds} == {True, False}, position
    for instance in instances:  # the detail is InstanceOut's fields and its summary (test_instance_answers)
        serializer = InstanceOut()
        assert serializer.to_representation(instance) == _generic(serializer, instance), instance.pk
        assert InstanceDetail().to_representation(instance).items() >= serializer.to_representation(instance).items()


def test_tasks_answer_as_the_generic_serializer_would(world):
    human_task_claim(task_id=world.report_task.pk, actor=world.users["liaison_a"])
    tasks = list(HumanTask.objects.select_related("instance__definition", "candidate_unit", "assignee"))
    assert {t.state for t in tasks} >= {"ready", "completed"} and any(t.assignee_id for t in tasks)
    for task in tasks:
        serializer = TaskOut()
        assert serializer.to_representation(task) == _generic(serializer, task), task.pk


@pytest.mark.parametrize("zone", [None, "UTC", "America/New_York"])
def test_task_list_rows_answer_as_the_generic_serializer_does_for_the_model(world, zone):
    human_task_claim(task_id=world.report_task.pk, actor=world.users["liaison_a"])
    models = {t.pk: t for t in HumanTask.objects.select_related("instance__definition", "candidate_unit", "assignee")}
    rows = list(HumanTask.objects.order_by("pk").values_list(*LIST_COLUMNS))
    assert [row[0] for row in rows] == sorted(models) and any(m.completed_at for m in models.values())
    with timezone.override(zone) if zone else timezone.override(timezone.get_default_timezone()):
        for row in rows:
            assert TaskOut().to_representation(row) == _generic(TaskOut(), models[row[0]]), row[0]
