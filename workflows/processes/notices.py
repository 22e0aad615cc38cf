"""Who hears about new tasks and escalations (the notifications app stores and mails them)."""
from __future__ import annotations

from django.contrib.auth import get_user_model

from workflows.notifications.models import NotificationKind
from workflows.notifications.services import notify
from workflows.org.models import Membership

from .models import Escalation, HumanTask, HumanTaskState


def holders(unit_id: int | None, role: str) -> list:
    """The people holding ``role`` in the unit (any role if blank)."""
    if unit_id is None:
        return []
    rows = Membership.objects.filter(unit_id=unit_id)
    if role:
        rows = rows.filter(role=role)
    return list(get_user_model().objects.filter(pk__in=rows.values("user_id")))


def tasks_opened(tasks: list[HumanTask]) -> None:
    """Tell the assignee (or the candidates) of each new task; a task opened again was returned."""
    for task in tasks:
        again = HumanTask.objects.filter(instance_id=task.instance_id, bpmn_id=task.bpmn_id,
                                         state=HumanTaskState.COMPLETED).exists()
        people = [task.assignee] if task.assignee_id else holders(task.candidate_unit_id, task.candidate_role)
        kind = NotificationKind.RETURNED if again else NotificationKind.TASK
        title = f"{'退回修改' if again else '新待办'}：{task.name}"
        notify(users=people, kind=kind, title=title, link=f"/tasks/{task.pk}/")


def escalation_raised(escalation: Escalation) -> None:
    subject = escalation.human_task.name if escalation.human_task else escalation.name
    title = f"{escalation.get_level_display()}：{subject}"
    notify(users=holders(escalation.target_unit_id, escalation.target_role), kind=NotificationKind.ESCALATION,
           title=title, link=f"/escalations/{escalation.pk}/")
