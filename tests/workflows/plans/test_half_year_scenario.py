"""A whole half year on a simulated clock, asserted the way the office would check it."""
from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest

from workflows.plans.calendar import LOCAL
from workflows.plans.documents.summary_xlsx import render_summary_xlsx
from workflows.plans.models import BulletinReceipt, BulletinStatus, QuarterlyReport, SchoolTask
from workflows.plans.simulation import Script, simulate
from workflows.plans.summary import quarterly_summary
from workflows.processes.models import Escalation, HumanTaskState
from workflows.processes.runtime import process_for

pytestmark = pytest.mark.django_db(transaction=True)
D = dt.date
LATE, MISSING, RETURNED, EXTENSION = ("yuehua-no2-primary", "sample-school-03"), "yunxi-primary", \
    "wenqiao-central-primary", "sample-school-01"


@pytest.fixture
def half_year(yunxi):
    script = Script(late=set(LATE), missing={MISSING}, returned={RETURNED}, extension_school=EXTENSION)
    return simulate(plan=yunxi, year=2024, half=1, script=script).cycle


def _raised_on(school_code: str, quarter: int, level: str) -> list[D]:
    rows = Escalation.objects.filter(level=level, instance__quarterly_report__school__code=school_code,
                                     instance__quarterly_report__quarter__quarter=quarter)
    return [e.raised_at.astimezone(LOCAL).date() for e in rows]


def test_escalations_are_raised_on_the_right_working_days(half_year):
    # Q1: due 8 April 2024, five working days after 31 March across Qingming (4-6 April) and the
    # make-up Sunday 7 April; reminder two working days before (3 April), supervision three after.
    for school in (*LATE, MISSING):
        assert _raised_on(school, 1, "reminder") == [D(2024, 4, 3)]
        assert _raised_on(school, 1, "chase") == [D(2024, 4, 8)]
    assert _raised_on(MISSING, 1, "supervise") == [D(2024, 4, 11)]
    for school in LATE:  # reported two working days late, before supervision
        assert _raised_on(school, 1, "supervise") == []
    assert _raised_on(RETURNED, 1, "reminder") == []  # reported before the reminder
    # Q2: 30 June is a Sunday; due Friday 5 July
    assert _raised_on(MISSING, 2, "reminder") == [D(2024, 7, 3)]
    assert _raised_on(MISSING, 2, "chase") == [D(2024, 7, 5)]
    assert _raised_on(MISSING, 2, "supervise") == [D(2024, 7, 10)]
    chase = Escalation.objects.filter(level="chase", instance__quarterly_report__school__code=MISSING).first()
    assert (chase.target_role, chase.target_unit.code) == ("principal", MISSING)
    supervise = Escalation.objects.filter(level="supervise").first()
    assert supervise.target_unit.kind == "office"


def test_quarterly_summaries_count_on_time_late_and_missing(half_year):
    schools = half_year.plan.schools.count()
    for quarter in half_year.quarters.all():
        table = quarterly_summary(quarter=quarter)
        assert table.counts == {"on_time": schools - 3, "late": 2, "missing": 1, "schools": schools}
        assert table.not_reported == ("云溪小学",)
        late_rows = {r.school for r in table.rows if r.status == "late"}
        assert late_rows == {"岳化二小", "示例学校03（样例）"}
        nutrition = next(t for t in table.totals if t.work_item == 1 and t.key == "nutrition_students")
        reports = QuarterlyReport.objects.filter(quarter=quarter, status="submitted")
        assert nutrition.total == sum(r.sections["wi1"]["figures"]["nutrition_students"] for r in reports)


def test_returned_report_was_resubmitted_and_counts_on_time(half_year):
    report = QuarterlyReport.objects.get(quarter__cycle=half_year, quarter__quarter=1, school__code=RETURNED)
    signs = report.instance.human_tasks.filter(bpmn_id="sign_off_report").order_by("id")
    assert [t.state for t in signs] == [HumanTaskState.COMPLETED, HumanTaskState.COMPLETED]
    assert report.submitted_at <= report.quarter.due_at
    assert "已补充佐证" in report.sections["wi1"]["progress"]


def test_extension_moved_the_school_tasks_due_date(half_year):
    task = SchoolTask.objects.get(school__code=EXTENSION)
    data = process_for(task.instance.definition).data(bytes(task.instance.state))
    assert data["extensions"] == 1
    dispatched = SchoolTask.objects.filter(run=task.run).exclude(pk=task.pk).values_list("due_at", flat=True)
    assert data["due_at"] == task.due_at > max(dispatched)  # the granted date, in force, replaced the dispatched one
    assert task.run.closed_at is not None  # every school finished, the office closed the item (销号)


def test_bulletin_names_exactly_the_late_and_missing_schools_and_reaches_every_unit(half_year):
    bulletin = half_year.bulletin
    assert bulletin.status == BulletinStatus.PUBLISHED
    assert set(bulletin.late_units) == {"岳化二小", "示例学校03（样例）"}
    assert bulletin.missing_units == ["云溪小学"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(bytes(bulletin.docx))).paragraphs)
    assert bulletin.document_number in text and "〔2024〕" in text
    assert "未报送的单位：云溪小学" in text
    assert "岳化二小" in text and "各单位要于7月底前完成问题整改" in text  # the office's edit after the return
    named = {s.name for s in half_year.plan.schools.all()} - {"岳化二小", "示例学校03（样例）", "云溪小学"}
    named_in_problems = [n for n in named if f"逾期报送的单位：{n}" in text or f"未报送的单位：{n}" in text]
    assert named_in_problems == []
    assert BulletinReceipt.objects.filter(bulletin=bulletin).count() == \
        half_year.plan.bureau.children.count() + 1


def test_xlsx_holds_the_counts(half_year):
    quarter = half_year.quarters.get(quarter=1)
    workbook = openpyxl.load_workbook(io.BytesIO(render_summary_xlsx(quarterly_summary(quarter=quarter))))
    rows = {r[1]: r for r in workbook["汇总"].iter_rows(values_only=True) if r[1]}
    assert rows["岳化二小"][2] == "逾期" and rows["云溪小学"][2] == "未报送" and rows["文桥中心小学"][2] == "按时"
    assert list(rows["岳化二小"][4:12]) == ["逾期"] * 8  # eight work items, each reported late
    statuses = [r[2] for name, r in rows.items() if name in {s.name for s in half_year.plan.schools.all()}]
    assert (statuses.count("按时"), statuses.count("逾期"), statuses.count("未报送")) == (12, 2, 1)
    missing_sheet = [r[1] for r in workbook["未报送单位"].iter_rows(min_row=2, values_only=True)]
    assert missing_sheet == ["云溪小学"]
