"""Run a whole half year on a simulated clock: the reporting cycle, a work item, the bulletin.

Used by the ``simulate_half_year`` command (a demonstration) and by the scenario tests, which
assert what it produced. The clock is moved with time-machine; every timer fires from the same
sweep Celery beat runs, and every action goes through the same services the API uses.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import time_machine
from django.contrib.auth.models import AbstractBaseUser

from workflows.org.models import Membership, Unit
from workflows.processes.models import HumanTask, HumanTaskState
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.timers import timer_sweep

from .calendar import LOCAL, WorkingCalendar, local_datetime
from .forms import section_key
from .models import CycleQuarter, Plan, ReportingCycle
from .services.bulletins import bulletin_decide, bulletin_draft, bulletin_submit, bulletin_update
from .services.cycles import cycle_schedule, cycles_tick
from .services.schools import work_items_of
from .services.work_items import work_item_apply_close, work_item_close, work_item_dispatch, work_item_start


@dataclass
class Script:
    """Who does what: school codes that report late, never, or get returned once; the extension."""

    late: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)
    returned: set[str] = field(default_factory=set)
    extension_school: str | None = None
    work_item_number: int = 1


@dataclass
class Result:
    cycle: ReportingCycle
    log: list[str]


class Simulation:
    def __init__(self, plan: Plan, year: int, half: int, script: Script, say: Callable[[str], None] | None = None):
        self.plan, self.script = plan, script
        self.cycle, _ = ReportingCycle.objects.get_or_create(plan=plan, year=year, half=half)
        cycle_schedule(cycle=self.cycle)
        self.calendar = WorkingCalendar()
        self.office = _holder(plan, "office_director")
        self.leader = _holder(plan, "leader")
        self.log: list[str] = []
        self.say = say or (lambda line: None)

    def note(self, when: dt.datetime, line: str) -> None:
        text = f"{when.astimezone(LOCAL):%Y-%m-%d %H:%M} {line}"
        self.log.append(text)
        self.say(text)

    # --- the clock --------------------------------------------------------------------------

    def run(self) -> Result:
        quarters = list(self.cycle.quarters.order_by("quarter"))
        start = quarters[0].opens_at
        end = quarters[-1].closes_at + dt.timedelta(days=2)
        day = start.date()
        self._at(start, self._start_work_item)
        while day <= end.date():
            for hour in (9, 10, 18):
                self._at(local_datetime(day, hour, 30), self._tick)
            day += dt.timedelta(days=1)
        self._at(local_datetime(day, 10), self._bulletin)
        return Result(cycle=self.cycle, log=self.log)

    def _at(self, moment: dt.datetime, action: Callable[[dt.datetime], None]) -> None:
        with time_machine.travel(moment, tick=False):
            action(moment)

    def _tick(self, now: dt.datetime) -> None:
        counts = cycles_tick(now=now)
        if any(counts.values()):
            self.note(now, f"calendar: {counts}")
        fired = timer_sweep()
        if fired:
            self.note(now, f"timers fired for {fired} instance(s)")
        for quarter in self.cycle.quarters.filter(opened_at__isnull=False):
            self._school_actions(quarter, now)
        self._office_reviews(now)
        self._work_item_actions(now)

    # --- schools --------------------------------------------------------------------------

    def _submit_day(self, quarter: CycleQuarter, code: str) -> dt.date | None:
        due = quarter.due_at.date()
        if code in self.script.missing:
            return None
        if code in self.script.late:
            return self.calendar.add_workdays(due, 2)
        return self.calendar.add_workdays(due, -3)

    def _school_actions(self, quarter: CycleQuarter, now: dt.datetime) -> None:
        if now.hour != 10:
            return
        for report in quarter.reports.select_related("school", "instance").filter(status="pending"):
            if self._submit_day(quarter, report.school.code) != now.date():
                continue
            self._fill_and_sign(report, now)

    def _fill_and_sign(self, report, now: dt.datetime) -> None:
        if fill_and_sign(report, self.office, return_once=report.school.code in self.script.returned):
            self.note(now, f"{report.school.name}: report returned by the principal")
        self.note(now, f"{report.school.name}: Q{report.quarter.quarter} report submitted")

    # --- the office -----------------------------------------------------------------------

    def _office_reviews(self, now: dt.datetime) -> None:
        self.cycle.refresh_from_db()
        for bpmn_id in ("review_first_summary", "review_second_summary"):
            task = _ready(self.cycle.instance, bpmn_id) if self.cycle.instance_id else None
            if task is not None:
                human_task_complete(task_id=task.pk, actor=self.office, data={"reviewed": True})
                self.note(now, f"office reviewed the summary ({bpmn_id})")

    def _bulletin(self, now: dt.datetime) -> None:
        bulletin = bulletin_draft(cycle_id=self.cycle.pk, actor=self.office)
        number = f"{self.plan.document_number.split('〔')[0] or '通报'}〔{self.cycle.year}〕{10 + self.cycle.half}号"
        bulletin_update(bulletin_id=bulletin.pk, actor=self.office, document_number=number)
        bulletin_submit(bulletin_id=bulletin.pk, actor=self.office)
        bulletin_decide(bulletin_id=bulletin.pk, actor=self.leader, decision="return", comment="请补充下一步工作要求")
        sections = list(bulletin_draft(cycle_id=self.cycle.pk, actor=self.office).sections)
        sections[-1] = {**sections[-1], "paragraphs": [*sections[-1]["paragraphs"], "各单位要于7月底前完成问题整改。"]}
        bulletin_update(bulletin_id=bulletin.pk, actor=self.office, sections=sections, document_number=number)
        bulletin_submit(bulletin_id=bulletin.pk, actor=self.office)
        bulletin_decide(bulletin_id=bulletin.pk, actor=self.leader, decision="approve")
        self.note(now, f"bulletin {number} published")

    # --- a work item with an extension --------------------------------------------------------

    def _start_work_item(self, now: dt.datetime) -> None:
        item = self.plan.work_items.get(number=self.script.work_item_number)
        self.run_ = work_item_start(work_item_id=item.pk, actor=self.office)
        human_task_complete(task_id=_ready(self.run_.instance, "assign_work_item").pk, actor=self.office, data={})
        lead = item.responsibilities.get(is_lead=True).unit
        head = _holder_in(lead, "department_head", self.office)
        schools = [s for s in self.plan.schools.order_by("code")[:2]]
        if self.script.extension_school:
            schools = [self.plan.schools.get(code=self.script.extension_school), *schools][:2]
        due = self.calendar.add_workdays(now.date(), 10)
        work_item_dispatch(run_id=self.run_.pk, actor=head, instructions="完成营养改善计划核查并上报",
                           due_date=due, school_ids=[s.pk for s in schools])
        self.note(now, f"work item {item.number} dispatched to {', '.join(s.name for s in schools)} due {due}")

    def _work_item_actions(self, now: dt.datetime) -> None:
        run = getattr(self, "run_", None)
        if run is None or now.hour != 10 or run.closed_at:
            return
        lead = run.work_item.responsibilities.get(is_lead=True).unit
        head = _holder_in(lead, "department_head", self.office)
        for task in HumanTask.objects.filter(instance__parent=run.instance, state=HumanTaskState.READY) \
                .select_related("instance__school_task__school"):
            self._school_task_step(task, head, now)
        apply = _ready(run.instance, "apply_for_closing")
        if apply is not None:
            work_item_apply_close(run_id=run.pk, actor=head, result="各校均已完成核查。")
            work_item_close(run_id=run.pk, actor=self.office, comment="目标达成，同意销号")
            run.refresh_from_db()
            self.note(now, f"work item {run.work_item.number} closed (销号)")

    def _school_task_step(self, task: HumanTask, head: AbstractBaseUser, now: dt.datetime) -> None:
        school_task = task.instance.school_task
        school = school_task.school
        if task.bpmn_id == "sign_receipt":  # the person named is one of the school's own
            person = _holder_in(school, "liaison", _holder_in(school, "principal", self.office))
            human_task_complete(task_id=task.pk, actor=_holder_in(school, "principal", self.office),
                                data={"responsible": person.username, "planned_date": str(now.date())})
        elif task.bpmn_id == "report_progress":
            wants_more_time = school.code == self.script.extension_school and not school_task.instance.human_tasks \
                .filter(bpmn_id="review_extension").exists()
            actor = task.assignee or self.office
            if wants_more_time:
                new_due = local_datetime(self.calendar.add_workdays(school_task.due_at.date(), 5), 18)
                human_task_complete(task_id=task.pk, actor=actor, data={
                    "action": "request_extension", "new_due_at": new_due.isoformat(), "reason": "核查对象较多"})
                self.note(now, f"{school.name}: extension requested to {new_due:%Y-%m-%d}")
            elif school.code != self.script.extension_school or now.date() >= school_task.due_at.date():
                human_task_complete(task_id=task.pk, actor=actor, data={"action": "report", "progress": "已完成核查"})
        elif task.bpmn_id in ("review_extension", "review_report"):
            human_task_complete(task_id=task.pk, actor=head, data={"decision": "approve"})
            if task.bpmn_id == "review_extension":
                self.note(now, f"{school.name}: extension granted")


def fill_and_sign(report, fallback: AbstractBaseUser, return_once: bool = False) -> bool:
    """The school's liaison fills its pending report and the principal approves it (the office
    stands in for a school without them); with ``return_once`` the principal first returns it.
    Returns whether it was returned."""
    school = report.school
    liaison, principal = _holder_in(school, "liaison", fallback), _holder_in(school, "principal", fallback)
    fill = _ready(report.instance, "fill_report")
    human_task_complete(task_id=fill.pk, actor=liaison, data=report_data(fill, school))
    sign = _ready(report.instance, "sign_off_report")
    returned = return_once and not report.instance.human_tasks.filter(
        bpmn_id="sign_off_report", state=HumanTaskState.COMPLETED).exists()
    if returned:
        human_task_complete(task_id=sign.pk, actor=principal, data={"decision": "return", "comment": "请补充佐证材料"})
        fill = _ready(report.instance, "fill_report")
        human_task_complete(task_id=fill.pk, actor=liaison, data=report_data(fill, school, revised=True))
        sign = _ready(report.instance, "sign_off_report")
    human_task_complete(task_id=sign.pk, actor=principal, data={"decision": "approve"})
    return returned


def _holder(plan: Plan, role: str) -> AbstractBaseUser:
    member = Membership.objects.filter(role=role, unit__parent=plan.bureau).select_related("user").first() \
        or Membership.objects.filter(role=role).select_related("user").first()
    if member is None:
        raise LookupError(f"the plan's data names nobody with the role {role}")
    return member.user


def _holder_in(unit: Unit, role: str, fallback: AbstractBaseUser) -> AbstractBaseUser:
    member = Membership.objects.filter(unit=unit, role=role).select_related("user").first()
    return member.user if member else fallback


def _ready(instance, bpmn_id: str) -> HumanTask | None:
    return instance.human_tasks.filter(bpmn_id=bpmn_id, state=HumanTaskState.READY).first()


def report_data(task: HumanTask, school: Unit, revised: bool = False) -> dict:
    """Fill every section of the school's form with plausible figures."""
    sections = {}
    report = task.instance.quarterly_report
    for item in work_items_of(report.quarter.cycle.plan, school):
        figures = {}
        for figure in item.figures:
            figures[figure["key"]] = True if figure.get("type") == "boolean" else (len(school.code) + item.number) % 7
        progress = f"{school.name}按计划推进{item.title}" + ("（已补充佐证）" if revised else "")
        sections[section_key(item)] = {"progress": progress, "problems": "", "figures": figures}
    return {"sections": sections}


def simulate(*, plan: Plan, year: int, half: int, script: Script, say=None) -> Result:
    """Run the half year; returns the cycle and a log of what happened."""
    from celery import current_app as app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        return Simulation(plan, year, half, script, say).run()
    finally:
        app.conf.task_always_eager = eager
