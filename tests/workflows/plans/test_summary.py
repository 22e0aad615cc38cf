"""The quarterly summary and the bulletin's texts, read from report rows as the receiver records them."""
from __future__ import annotations

import datetime as dt

import pytest

from workflows.plans.models import QuarterlyReport, ReportStatus
from workflows.plans.services.bulletin_text import draft_sections
from workflows.plans.services.seed import plan_load
from workflows.plans.summary import quarterly_summary

pytestmark = pytest.mark.django_db

SCHOOLS = ("s1", "s2", "s3", "s4", "s5", "s6", "s7")


@pytest.fixture
def plan(db):
    """Two work items; the second is carried by s1 and s2 only."""
    return plan_load(data={
        "bureau": {"code": "t-bureau", "name": "测试局"},
        "plan": {"code": "t-plan", "title": "测试方案", "year": 2024},
        "units": [{"code": "t-dept", "name": "资助中心", "kind": "department"}]
                 + [{"code": code, "name": f"学校{code}", "kind": "school"} for code in SCHOOLS],
        "work_items": [
            {"number": 1, "title": "资助", "departments": ["t-dept"],
             "figures": [{"key": "n", "label": "人数", "type": "integer"},
                         {"key": "done", "label": "完成", "type": "boolean"}]},
            {"number": 2, "title": "帮扶", "departments": ["t-dept"], "schools": ["s1", "s2"],
             "figures": [{"key": "amount", "label": "金额", "type": "number"}]},
        ],
        "cycles": [{"year": 2024, "half": 1}],
    })


def _report(quarter, code: str, *, hours_after_due: int | None, sections: dict | None = None) -> None:
    """A school's report row: submitted (on time when hours_after_due <= 0) or still pending."""
    school = quarter.cycle.plan.schools.get(code=code)
    if hours_after_due is None:
        QuarterlyReport.objects.create(quarter=quarter, school=school, due_at=quarter.due_at)
        return
    QuarterlyReport.objects.create(quarter=quarter, school=school, status=ReportStatus.SUBMITTED, due_at=quarter.due_at,
                                   submitted_at=quarter.due_at + dt.timedelta(hours=hours_after_due),
                                   sections=sections or {})


def _section(progress: str, problems: str = "", **figures) -> dict:
    return {"progress": progress, "problems": problems, "figures": figures}


@pytest.fixture
def quarter(plan):
    quarter = plan.cycles.get().quarters.get(quarter=1)
    _report(quarter, "s1", hours_after_due=-5, sections={"wi1": _section("s1进展", n=3, done=True),
                                                         "wi2": _section("s1帮扶", "s1问题", amount=2.5)})
    _report(quarter, "s2", hours_after_due=4, sections={"wi1": _section("s2进展", n=4, done=False),
                                                        "wi2": _section("s2帮扶", amount=1)})
    _report(quarter, "s3", hours_after_due=None)
    _report(quarter, "s4", hours_after_due=0, sections={"wi1": _section("s4进展", n="七", done=True)})
    for code in ("s5", "s6"):
        _report(quarter, code, hours_after_due=-1, sections={"wi1": _section(f"{code}进展", n=1)})
    return quarter  # s7 has no row at all


def test_statuses_and_counts(quarter) -> None:
    table = quarterly_summary(quarter=quarter)
    assert [(r.school, r.status) for r in table.rows] == [
        ("学校s1", "on_time"), ("学校s2", "late"), ("学校s3", "missing"), ("学校s4", "on_time"),
        ("学校s5", "on_time"), ("学校s6", "on_time"), ("学校s7", "missing")]
    assert table.counts == {"on_time": 4, "late": 1, "missing": 2, "schools": 7}
    assert table.not_reported == ("学校s3", "学校s7")
    assert table.rows[1].submitted_at == quarter.due_at + dt.timedelta(hours=4)
    assert table.rows[2].submitted_at is None


def test_a_work_item_carried_by_some_schools_leaves_the_others_blank(quarter) -> None:
    rows = {r.school: r for r in quarterly_summary(quarter=quarter).rows}
    assert rows["学校s1"].cells[1].status == "on_time" and rows["学校s1"].cells[1].figures == {"amount": 2.5}
    assert rows["学校s2"].cells[1].status == "late"
    assert {rows[f"学校s{i}"].cells[1].status for i in range(3, 8)} == {""}
    assert rows["学校s3"].cells[0].status == "missing" and rows["学校s3"].cells[0].figures == {}


def test_figures_count_numbers_and_booleans_only(quarter) -> None:
    table = quarterly_summary(quarter=quarter)
    rows = {r.school: r for r in table.rows}
    assert rows["学校s1"].cells[0].figures == {"n": 3.0, "done": 1.0}
    assert rows["学校s4"].cells[0].figures == {"done": 1.0}  # "七" is not a number
    # in the plan's order of work items and of their figures
    assert [(t.work_item, t.key, t.total) for t in table.totals] == [(1, "n", 9.0), (1, "done", 2.0),
                                                                     (2, "amount", 3.5)]
    assert table.department_totals == {"资助中心": {"一、人数": 9.0, "一、完成": 2.0, "二、金额": 3.5}}


def test_bulletin_quotes_the_first_five_texts_in_school_order(quarter) -> None:
    cycle = quarter.cycle
    sections = {s["heading"]: s["paragraphs"] for s in draft_sections(
        cycle=cycle, summaries=[quarterly_summary(quarter=quarter)], late=["学校s2"], missing=["学校s3"])}
    assert sections["主要做法和成效"] == [
        "学校s1（一、资助）：s1进展", "学校s1（二、帮扶）：s1帮扶", "学校s2（一、资助）：s2进展",
        "学校s2（二、帮扶）：s2帮扶", "学校s4（一、资助）：s4进展"]
    assert sections["存在问题"] == ["学校s1（二、帮扶）：s1问题"]
