"""Deploy-and-start helpers for service tests."""
from __future__ import annotations

from workflows.processes.models import HumanTask, HumanTaskState, ProcessInstance
from workflows.processes.services.definitions import definition_deploy
from workflows.processes.services.instances import instance_start


def deploy(content: bytes, name: str = "p.bpmn", actor=None, extra: dict | None = None):
    return definition_deploy(files={name: content, **(extra or {})}, actor=actor).definitions[0]


def start(content: bytes, actor=None, **kw) -> ProcessInstance:
    return instance_start(definition=deploy(content, actor=actor), actor=actor, **kw)


def ready(instance: ProcessInstance, bpmn_id: str | None = None) -> list[HumanTask]:
    rows = instance.human_tasks.filter(state=HumanTaskState.READY).order_by("id")
    return list(rows.filter(bpmn_id=bpmn_id) if bpmn_id else rows)
