"""Who hears about new tasks and escalations (the notifications app stores and mails them)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from workflows.notifications.models import NotificationKind
from workflows.notifications.services import Notice, notify_many
from workflows.org.models import Membership

from .models import Escalation, HumanTask

# What an escalation's notice says (the task's name in the reader's language, else the event's name).
ESCALATION_TEMPLATES = {"reminder": gettext_noop("Reminder: %(task)s"), "chase": gettext_noop("Chase: %(task)s"),
                        "supervise": gettext_noop("Supervision: %(task)s")}


def holders(unit_id: int | None, role: str) -> list:
    """The people holding ``role`` in the unit (any role if blank)."""
    if unit_id is None:
        return []
    rows = Membership.objects.filter(unit_id=unit_id)
    if role:
        rows = rows.filter(role=role)
    return list(get_user_model().objects.filter(pk__in=rows.values("user_id")))


def holders_by_unit_role(pairs: set[tuple[int, str]]) -> dict[tuple[int, str], list]:
    """``holders`` for many (unit, role) pairs (role not blank) in one query."""
    units = {unit_id for unit_id, _ in pairs}
    found: dict[tuple[int, str], list] = {pair: [] for pair in pairs}
    rows = Membership.objects.filter(unit_id__in=units, role__in={role for _, role in pairs}).select_related("user")
    for membership in rows:
        key = (membership.unit_id, membership.role)
        if key in found and membership.user not in found[key]:
            found[key].append(membership.user)
    return found


def new_instances_tasks_opened(tasks: list[HumanTask], known: dict[tuple[int, str], list]) -> None:
    """``tasks_opened`` for the first tasks of instances started in this transaction (none returned).

    ``known``: holders already read, by (unit id, role).
    """
    pairs = {(t.candidate_unit_id, t.candidate_role) for t in tasks
             if not t.assignee_id and t.candidate_unit_id is not None and t.candidate_role} - known.keys()
    tasks_opened([(task, set()) for task in tasks], {**known, **(holders_by_unit_role(pairs) if pairs else {})})


def tasks_opened(opened: list[tuple[HumanTask, set[str]]], known: dict[tuple[int, str], list]) -> None:
    """Tell the assignee (or the candidates) of each new task; a task opened again was returned.

    ``opened``: each new task with the bpmn ids of its instance's completed tasks (a new one among
    them was returned); ``known``: holders already read, by (unit id, role). One insert for all.
    """
    found = []
    for task, done_before in opened:
        again = task.bpmn_id in done_before
        kind = NotificationKind.RETURNED if again else NotificationKind.TASK
        template = gettext_noop("Returned for revision: %(task)s") if again else gettext_noop("New task: %(task)s")
        found.append(Notice(users=_people(task, known), kind=kind, template=template, task=task,
                            link=f"/tasks/{task.pk}/"))
    if found:
        notify_many(found)


def _people(task: HumanTask, known: dict[tuple[int, str], list]) -> list:
    if task.assignee_id:
        return [task.assignee]
    people = known.get((task.candidate_unit_id, task.candidate_role))
    return holders(task.candidate_unit_id, task.candidate_role) if people is None else people


def escalations_raised(escalations: list[Escalation], known: dict[tuple[int, str], list]) -> None:
    """Tell the holders of each escalation's target role in its target unit (``known``: already read)."""
    found = []
    for escalation in escalations:
        people = known.get((escalation.target_unit_id, escalation.target_role)) if escalation.target_role else None
        if people is None:
            people = holders(escalation.target_unit_id, escalation.target_role)
        link = f"/board/?escalation={escalation.pk}#escalation-{escalation.pk}"  # shown alone, whatever the page
        found.append(Notice(users=people, kind=NotificationKind.ESCALATION, link=link,
                            template=ESCALATION_TEMPLATES.get(escalation.level, ESCALATION_TEMPLATES["supervise"]),
                            task=escalation.human_task, params={"task": escalation.name}))
    notify_many(found)
