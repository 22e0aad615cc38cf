"""The office sets up a plan in the pages: the plan and its schedule, work items with their departments
and figures, cycles and schools. Bad input shows its error and saves nothing; every save is audited;
no one else may do it."""
from __future__ import annotations

import pytest
from django.test import Client

from workflows.org.models import Membership, Unit, UnitKind
from workflows.plans.models import Plan, QuarterlyReport, ReportStatus, WorkItem
from workflows.processes.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(yunxi) -> Client:
    client = Client()
    client.force_login(Membership.objects.get(unit__code="yunxi-office", role="office_director").user)
    return client


def _plan_form(**changes) -> dict:
    bureau = Unit.objects.get(kind=UnitKind.BUREAU)
    return {"title": "2025年工作要点", "document_number": "云教〔2025〕1号", "issued_on": "2025-02-20",
            "year": "2025", "bureau": str(bureau.pk), "issuer": "云溪区教育和体育局", "addressees": "各学校",
            "copy_to": "", "printed_by": "", "description": "", "departments_start_work_items": "on",
            "extensions_decided_by": "", "open_workdays_before": "10", "report_due_workdays": "5",
            "reminder_workdays_before": "2", "supervise_workdays_after": "3", "close_workdays_after": "5",
            "yellow_workdays": "3", **changes}


def _work_item_form(plan: Plan, **changes) -> dict:
    lead, coop = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent=plan.bureau).order_by("code")[:2])
    return {"number": "1", "title": "推进课后服务", "description": "", "lead": str(lead.pk),
            "cooperating": [str(coop.pk), str(lead.pk)], "carry_over": "on",
            "figures-TOTAL_FORMS": "2", "figures-INITIAL_FORMS": "0", "figures-MIN_NUM_FORMS": "0",
            "figures-MAX_NUM_FORMS": "30", "figures-0-label": "参与学生数", "figures-0-type": "integer",
            "figures-0-unit": "人", "figures-0-key": "", "figures-1-label": "", "figures-1-type": "integer",
            "figures-1-unit": "", "figures-1-key": "", **changes}


def test_the_office_creates_a_plan_with_its_schedule(office):
    answer = office.post("/console/plans/new/", _plan_form())
    plan = Plan.objects.get(title="2025年工作要点")
    assert answer.status_code == 302 and answer["Location"] == f"/console/plans/{plan.pk}/"
    assert plan.document_number == "云教〔2025〕1号" and plan.code == "yunxi-bureau-2025"
    assert plan.settings["report_due_workdays"] == 5
    event = AuditEvent.objects.get(action=AuditAction.PLAN_SAVED)
    assert event.detail["created"] and event.detail["changes"]["title"] == [None, "2025年工作要点"]
    page = office.get(f"/console/plans/{plan.pk}/")
    assert "2025年工作要点" in page.content.decode()


def test_a_plan_without_title_or_with_a_bad_schedule_is_refused_and_nothing_saved(office):
    page = office.post("/console/plans/new/", _plan_form(title="", report_due_workdays="0"))
    assert page.status_code == 200
    assert page.context["form"].errors.keys() == {"title", "report_due_workdays"}
    assert "该字段是必填项" in page.content.decode()
    assert not Plan.objects.filter(year=2025).exists() and not AuditEvent.objects.filter(
        action=AuditAction.PLAN_SAVED).exists()


def test_a_new_schedule_moves_the_quarters_not_opened_yet(office, yunxi):
    quarter = yunxi.cycles.get(half=1).quarters.get(quarter=1)
    due = quarter.due_at
    form = _plan_form(title=yunxi.title, year=str(yunxi.year), report_due_workdays="8")
    assert office.post(f"/console/plans/{yunxi.pk}/edit/", form).status_code == 302
    quarter.refresh_from_db()
    assert quarter.due_at > due
    changes = AuditEvent.objects.get(action=AuditAction.PLAN_SAVED).detail["changes"]
    assert changes["settings"][0]["report_due_workdays"] == 5 and changes["settings"][1]["report_due_workdays"] == 8


def test_a_work_item_with_its_departments_and_figures(office, yunxi):
    plan = Plan.objects.get(pk=office.post("/console/plans/new/", _plan_form())["Location"].split("/")[-2])
    answer = office.post(f"/console/plans/{plan.pk}/work-items/new/", _work_item_form(plan))
    assert answer.status_code == 302
    item = plan.work_items.get(number=1)
    departments = [(r.unit.code, r.is_lead) for r in item.responsibilities.select_related("unit")]
    assert departments[0][1] and len(departments) == 2  # the lead also ticked as cooperating counts once
    assert item.figures == [{"key": "f1", "label": "参与学生数", "type": "integer", "unit": "人"}]
    assert item.carry_over

    # renamed, and a second figure: the first keeps its key, so earlier answers keep their figure
    changed = _work_item_form(plan, **{"figures-0-label": "参与课后服务学生数", "figures-0-key": "f1",
                                       "figures-1-label": "开设课程数", "figures-1-unit": "门"})
    assert office.post(f"/console/plans/{plan.pk}/work-items/{item.pk}/", changed).status_code == 302
    item.refresh_from_db()
    assert [(f["key"], f["label"]) for f in item.figures] == [("f1", "参与课后服务学生数"), ("f2", "开设课程数")]
    assert AuditEvent.objects.filter(action=AuditAction.WORK_ITEM_SAVED).count() == 2


def test_a_work_item_number_taken_or_a_department_of_another_bureau_is_refused(office, yunxi):
    taken = _work_item_form(yunxi, number="1")
    page = office.post(f"/console/plans/{yunxi.pk}/work-items/new/", taken)
    assert page.status_code == 200 and "该方案已有同一编号的工作重点" in page.content.decode()
    other = Unit.objects.create(code="elsewhere", name="外县股室", kind=UnitKind.DEPARTMENT)
    page = office.post(f"/console/plans/{yunxi.pk}/work-items/new/", _work_item_form(yunxi, number="99",
                                                                                       lead=str(other.pk)))
    assert page.status_code == 200 and page.context["form"].errors["lead"]
    assert not WorkItem.objects.filter(plan=yunxi, number=99).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.WORK_ITEM_SAVED).exists()


def test_a_cycle_is_added_once(office, yunxi):
    url = f"/console/plans/{yunxi.pk}/"
    assert office.post(url, {"year": "2025", "half": "1"}).status_code == 302
    cycle = yunxi.cycles.get(year=2025, half=1)
    assert cycle.quarters.count() == 2
    page = office.post(url, {"year": "2025", "half": "1"})
    assert page.status_code == 200 and yunxi.cycles.filter(year=2025).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CYCLE_ADDED).count() == 1


def test_schools_join_and_leave_the_plan(office, yunxi):
    from workflows.plans.services.cycles import cycle_open, quarter_open

    leaving = yunxi.schools.order_by("code").first()
    newcomers = [Unit.objects.create(code=f"new-school-{i}", name=f"新建学校{i}", kind=UnitKind.SCHOOL,
                                     parent=yunxi.bureau) for i in range(3)]
    page = office.get(f"/console/plans/{yunxi.pk}/schools/", {"q": "新建学校"})
    assert [s.code for s in page.context["outside"]] == [s.code for s in newcomers]
    assert office.post(f"/console/plans/{yunxi.pk}/schools/?q=新建学校", {"school": [str(newcomers[0].pk)],
                                                                      "which": "chosen"}).status_code == 302
    assert office.post(f"/console/plans/{yunxi.pk}/schools/?q=新建学校", {"which": "all"}).status_code == 302
    assert yunxi.schools.filter(code__startswith="new-school").count() == 3
    assert AuditEvent.objects.filter(action=AuditAction.PLAN_SCHOOL_ADDED).count() == 3

    cycle = cycle_open(cycle_id=yunxi.cycles.get(half=1).pk)
    quarter_open(quarter_id=cycle.quarters.get(quarter=1).pk)
    leave = f"/console/plans/{yunxi.pk}/schools/{leaving.pk}/leave/"
    assert office.get(leave).context["pending"] == 1
    assert office.post(leave, {"reason": "撤并到中心校"}).status_code == 302
    assert not yunxi.schools.filter(pk=leaving.pk).exists()
    assert QuarterlyReport.objects.get(school=leaving).status == ReportStatus.CANCELLED
    event = AuditEvent.objects.get(action=AuditAction.PLAN_SCHOOL_REMOVED)
    assert event.detail["reason"] == "撤并到中心校" and event.detail["reports_cancelled"] == 1


def test_no_one_but_the_office_sets_up_plans(yunxi):
    liaison = Client()
    liaison.force_login(Membership.objects.filter(role="liaison").first().user)
    for url in ("/console/plans/", "/console/plans/new/", f"/console/plans/{yunxi.pk}/",
                f"/console/plans/{yunxi.pk}/schools/"):
        assert liaison.get(url).status_code == 403
    assert liaison.post("/console/plans/new/", _plan_form()).status_code == 403
    assert not Plan.objects.filter(year=2025).exists()
