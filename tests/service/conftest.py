"""A small world for API tests: the Yunxi plan, Q1 open, a work item at dispatch, an escalation."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from workflows.org.models import Membership
from workflows.plans.models import QuarterlyReport
from workflows.plans.services.cycles import cycle_open, quarter_close, quarter_open
from workflows.plans.services.seed import plan_load_file
from workflows.plans.services.work_items import work_item_start
from workflows.processes.models import Escalation, HumanTaskState
from workflows.processes.services.attachments import attachment_add
from workflows.processes.services.definitions import definition_deploy_folder
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.timers import timer_sweep

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("office", "leader", "lead_dept", "coop_dept", "principal_a", "liaison_a", "liaison_b", "anonymous")


@dataclass
class World:
    plan: object
    users: dict
    cycle: object
    report_task: object
    report_instance: object
    run: object
    escalation: object
    attachment: object


def _member(unit_code: str, role: str):
    return Membership.objects.select_related("user").get(unit__code=unit_code, role=role).user


@pytest.fixture
def yunxi(db):
    """The shipped processes and the Yunxi plan, nothing started."""
    definition_deploy_folder(folder=ROOT / "bpmn")
    return plan_load_file(path=ROOT / "workflows" / "plans" / "seed" / "yunxi-2024.json", password="pw")


@pytest.fixture
def world(db) -> World:
    definition_deploy_folder(folder=ROOT / "bpmn")
    plan = plan_load_file(path=ROOT / "workflows" / "plans" / "seed" / "yunxi-2024.json", password="pw")
    users = {"office": _member("yunxi-office", "office_director"), "leader": _member("yunxi-leading-group", "leader"),
             "lead_dept": _member("aid-center", "department_head"),
             "coop_dept": _member("logistics-center", "department_head"),
             "principal_a": _member("wenqiao-central-primary", "principal"),
             "liaison_a": _member("wenqiao-central-primary", "liaison"),
             "liaison_b": _member("yuehua-no2-primary", "liaison")}
    cycle = plan.cycles.get(half=1)
    quarter = cycle.quarters.get(quarter=1)
    with time_machine.travel(quarter.opens_at, tick=False):
        cycle = cycle_open(cycle_id=cycle.pk, actor=users["office"])
        quarter_open(quarter_id=quarter.pk)
    report = QuarterlyReport.objects.get(quarter=quarter, school__code="wenqiao-central-primary")
    task = report.instance.human_tasks.get(state=HumanTaskState.READY)
    with time_machine.travel(quarter.reminder_at + dt.timedelta(minutes=5), tick=False):
        timer_sweep()
    escalation = Escalation.objects.get(instance=report.instance, level="reminder")
    run = work_item_start(work_item_id=plan.work_items.get(number=1).pk, actor=users["office"])
    human_task_complete(task_id=run.instance.human_tasks.get(bpmn_id="assign_work_item").pk,
                        actor=users["office"], data={})
    attachment = attachment_add(task_id=task.pk, actor=users["liaison_a"], name="证明.pdf",
                                content=b"%PDF-1.4 evidence")
    return World(plan=plan, users=users, cycle=cycle, report_task=task, report_instance=report.instance, run=run,
                 escalation=escalation, attachment=attachment)


@pytest.fixture
def clients(world) -> dict[str, Client]:
    out = {}
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        out[role] = client
    return out


def draft_bulletin(world: World):
    """The world's bulletin, drafted where the office drafts it (``to_draft_step``)."""
    from workflows.plans.services.bulletins import bulletin_draft

    to_draft_step(world)
    return bulletin_draft(cycle_id=world.cycle.pk, actor=world.users["office"])


def to_draft_step(world: World) -> None:
    """Bring the world's cycle to its draft step: both quarters close at their deadlines (the world's
    reports left pending) and the office reviews each summary."""
    first, second = world.cycle.quarters.order_by("quarter")
    with time_machine.travel(first.closes_at + dt.timedelta(minutes=5), tick=False):
        quarter_close(quarter_id=first.pk, force=True)
        _review(world, "review_first_summary")
    with time_machine.travel(second.opens_at + dt.timedelta(minutes=5), tick=False):
        quarter_open(quarter_id=second.pk)
    with time_machine.travel(second.closes_at + dt.timedelta(minutes=5), tick=False):
        quarter_close(quarter_id=second.pk, force=True)
        _review(world, "review_second_summary")


def _review(world: World, step: str) -> None:
    task = world.cycle.instance.human_tasks.get(bpmn_id=step, state=HumanTaskState.READY)
    human_task_complete(task_id=task.pk, actor=world.users["office"], data={})
