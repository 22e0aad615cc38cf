"""A year's rosters on a ticking clock: one school joins in Q2, another is merged away (撤并) in Q3.

Every quarter's summary (API JSON and XLSX) and the H1 bulletin are asserted exactly, before and after
each change, with the figures worked out by hand from what the schools did:

- Q1 (15 schools): 岳化二小 reports late, 云溪小学 never; the other 13 on time.
- Q2: 新桥小学 joins while Q2 is open and reports on time; 示例学校03（样例） is late, 示例幼儿园02（样例）
  never reports; the other 14 (云溪小学 included) on time.
- H1 bulletin drafted once Q2 closed and the office reviewed both quarters.
- Q3 (H2 cycle): 文桥中心小学 and 新桥小学 report; then 示例学校05（样例）, on time in Q1 and Q2, is merged
  away with its Q3 report pending: cancelled, not missing. Q3 closes at its deadline.

Each school fills in every numeric figure with its "size" (2; 示例学校03 3; 新桥小学 5) and ticks every
yes/no figure, so a figure's total is the sum of the sizes of the schools that reported.
"""
from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest
import time_machine
from openpyxl import load_workbook

from workflows.org.models import Membership, Unit, UnitKind
from workflows.plans.models import BulletinStatus, QuarterlyReport, ReportStatus
from workflows.plans.services.cycles import cycles_tick
from workflows.plans.services.plan_schools import plan_school_add, plan_school_remove
from workflows.processes.models import HumanTaskState, InstanceStatus
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.timers import timer_sweep

pytestmark = pytest.mark.django_db(transaction=True)

KG = [f"示例幼儿园0{i}（样例）" for i in (1, 2, 3)]
SAMPLES = [f"示例学校0{i}（样例）" for i in range(1, 10)]
# The plan's 15 schools in code order (sample-kindergarten-*, sample-school-*, wenqiao, yuehua, yunxi)
FOUNDING = [*KG, *SAMPLES, "文桥中心小学", "岳化二小", "云溪小学"]
NEWCOMER = "新桥小学"  # code xinqiao-primary: between wenqiao and yuehua
MERGED = "示例学校05（样例）"
WITH_NEWCOMER = [*KG, *SAMPLES, "文桥中心小学", NEWCOMER, "岳化二小", "云溪小学"]
WITHOUT_MERGED = [n for n in WITH_NEWCOMER if n != MERGED]
SIZES = {"sample-school-03": 3, "xinqiao-primary": 5}  # everyone else: 2

Q1_LATE, Q1_MISSING = "岳化二小", "云溪小学"
Q2_LATE, Q2_MISSING = "示例学校03（样例）", "示例幼儿园02（样例）"
Q3_REPORTING = ("文桥中心小学", NEWCOMER)

ITEM_TITLES = ["完善乡村振兴工作体系机制", "加大农村学校基础能力建设", "加强乡村教师队伍建设",
               "持续提升全区教育信息化质量", "提升“义务教育有保障”水平", "发挥乡村学校教育浸润作用",
               "持续开展教育帮扶领域作风问题专项治理工作", "做好对口帮扶保靖县水田河镇教育帮扶工作"]
CN = "一二三四五六七八"
LABELS = {"on_time": "按时", "late": "逾期", "missing": "未报送"}


# --- the clock and the people -----------------------------------------------------------------

def _at(moment: dt.datetime, hours: float = 0):
    return time_machine.travel(moment + dt.timedelta(hours=hours), tick=True)


def _scheduler() -> dict:
    """What Celery beat runs: the cycle calendar and the timer sweep."""
    counts = cycles_tick()
    timer_sweep()
    return counts


def _holder(school: Unit, role: str, office):
    member = Membership.objects.filter(unit=school, role=role).select_related("user").first()
    return member.user if member else office  # the office stands in for a sample school without people


def _ready(instance, bpmn_id: str):
    return instance.human_tasks.filter(bpmn_id=bpmn_id, state=HumanTaskState.READY).get()


def _report_data(plan, school: Unit, quarter: int, problems: dict[int, str] | None = None) -> dict:
    size = SIZES.get(school.code, 2)
    sections = {}
    for item in plan.work_items.order_by("number"):
        figures = {f["key"]: True if f["type"] == "boolean" else size for f in item.figures}
        sections[f"wi{item.number}"] = {"progress": f"第{CN[quarter - 1]}季度按计划推进",
                                        "problems": (problems or {}).get(item.number, ""), "figures": figures}
    return {"sections": sections}


def _submit(quarter, name: str, office, problems: dict[int, str] | None = None) -> None:
    """The liaison fills in the school's report, the principal signs it off (through the services)."""
    report = QuarterlyReport.objects.select_related("school", "instance").get(quarter=quarter, school__name=name)
    school = report.school
    fill = _ready(report.instance, "fill_report")
    human_task_complete(task_id=fill.pk, actor=_holder(school, "liaison", office),
                        data=_report_data(quarter.cycle.plan, school, quarter.quarter, problems))
    sign = _ready(report.instance, "sign_off_report")
    human_task_complete(task_id=sign.pk, actor=_holder(school, "principal", office), data={"decision": "approve"})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- what the office sees -------------------------------------------------------------------

def _json(client, cycle, number: int) -> dict:
    response = client.get(f"/api/cycles/{cycle.pk}/quarters/{number}/summary/")
    assert response.status_code == 200
    return response.json()


def _xlsx(client, cycle, number: int) -> dict[str, list[tuple]]:
    response = client.get(f"/api/cycles/{cycle.pk}/quarters/{number}/summary/xlsx/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def _progress(client, cycle) -> dict[str, dict[str, str]]:
    response = client.get(f"/api/cycles/{cycle.pk}/progress/")
    assert response.status_code == 200
    return {row["school"]: row["quarters"] for row in response.json()["schools"]}


def _expected_statuses(roster: list[str], late=(), missing=(), on_time=None) -> list[tuple[str, str]]:
    """(school, status) in roster order; with on_time given, the others are missing."""
    out = []
    for name in roster:
        if name in late:
            out.append((name, "late"))
        elif name in missing or (on_time is not None and name not in on_time):
            out.append((name, "missing"))
        else:
            out.append((name, "on_time"))
    return out


def _assert_summary(summary: dict, expected: list[tuple[str, str]], numeric_total: float, ticked: float) -> None:
    rows = [(row["school"], row["status"]) for row in summary["rows"]]
    assert rows == expected
    counted = {status: sum(1 for _, s in expected if s == status) for status in ("on_time", "late", "missing")}
    assert summary["counts"] == {**counted, "schools": len(expected)}
    assert summary["not_reported"] == [name for name, status in expected if status == "missing"]
    for row in summary["rows"]:  # every work item is carried by every school: its cells carry the school's status
        assert [cell["status"] for cell in row["cells"]] == [row["status"]] * 8
    totals = {(t["work_item"], t["label"]): t["total"] for t in summary["totals"]}
    if not numeric_total:
        assert totals == {}
        return
    assert len(totals) == 27  # the figures of the plan's eight work items
    assert totals[(1, "营养改善计划受益学生数")] == numeric_total
    assert totals[(1, "是否成立工作机构")] == ticked
    assert totals[(8, "资助金额")] == numeric_total


def _assert_xlsx(sheets: dict, expected: list[tuple[str, str]], plan, numeric_total: int, ticked: int) -> None:
    summary = sheets["汇总"]
    schools = [(r[0], r[1], r[2], r[4:12]) for r in summary[3:3 + len(expected)]]
    assert schools == [(i, name, LABELS[status], (LABELS[status],) * 8)
                       for i, (name, status) in enumerate(expected, start=1)]
    totals = [(r[1], r[2], r[4:12]) for r in summary[3 + len(expected):]]
    counts = {label: sum(1 for _, s in expected if LABELS[s] == label) for label in LABELS.values()}
    assert totals == [(label, n, (n,) * 8) for label, n in counts.items()] + \
        [("合计", len(expected), (len(expected),) * 8)]
    assert [r[1] for r in sheets["未报送单位"][1:]] == [name for name, s in expected if s == "missing"]
    figures = sheets["指标"]
    assert figures[0] == ("工作重点", "指标", "合计")
    end = figures.index((None, None, None)) if (None, None, None) in figures else len(figures)
    got = {(heading, label): total for heading, label, total in figures[1:end]}
    assert got == ({} if not numeric_total else {
        (f"{CN[item.number - 1]}、{ITEM_TITLES[item.number - 1]}", f["label"]):
            ticked if f["type"] == "boolean" else numeric_total
        for item in plan.work_items.all() for f in item.figures})
    assert len(figures[1:end]) == (27 if numeric_total else 0)


# --- the bulletin ---------------------------------------------------------------------------

FIGURE_LINE = re.compile(r"^（(.)）(.+?)：截至(.+?)，(.+)。$")


def _canonical(lines: list[str]) -> list:
    """Figure lines as (heading, [(label, value), ...]), the figures in the plan's order."""
    out = []
    for line in lines:
        match = FIGURE_LINE.match(line) if isinstance(line, str) else None
        if match:
            figures = [re.match(r"^(.*?)([\d.]+)$", part).groups() for part in match.group(4).split("，")]
            out.append((match.group(1), match.group(2), match.group(3), figures))
        else:
            out.append(line)
    return out


def _expected_figure_lines(plan, numeric: int, ticked: int) -> list:
    lines = []
    for item in plan.work_items.order_by("number"):
        figures = [(f["label"], str(ticked if f["type"] == "boolean" else numeric)) for f in item.figures]
        lines.append((CN[item.number - 1], ITEM_TITLES[item.number - 1], "2024年第二季度", figures))
    return lines


def _expected_bulletin(plan) -> list[dict]:
    # Q2 figures: 13 on time at size 2, 示例学校03 (late, size 3), 新桥小学 (size 5); 示例幼儿园02 missing
    overall = ["2024年第一季度，应报送单位15个，按时报送13个，逾期报送1个，未报送1个，按时报送率86.7%。",
               "2024年第二季度，应报送单位16个，按时报送14个，逾期报送1个，未报送1个，按时报送率87.5%。",
               *_expected_figure_lines(plan, numeric=13 * 2 + 3 + 5, ticked=15)]
    practice = [f"示例幼儿园01（样例）（{CN[i]}、{ITEM_TITLES[i]}）：第一季度按计划推进" for i in range(5)]
    return [
        {"heading": "总体情况", "paragraphs": overall},
        {"heading": "主要做法和成效", "paragraphs": practice},
        {"heading": "存在问题", "paragraphs": ["岳化二小（二、加大农村学校基础能力建设）：项目资金到位滞后"]},
        {"heading": "逾期和未报送单位", "paragraphs": ["2024年第一季度逾期报送的单位：岳化二小。",
                                                "2024年第一季度未报送的单位：云溪小学。",
                                                "2024年第二季度逾期报送的单位：示例学校03（样例）。",
                                                "2024年第二季度未报送的单位：示例幼儿园02（样例）。"]},
        {"heading": "下一步工作要求", "paragraphs": [
            "各单位要对照实施方案逐项梳理工作进展，责任落实到具体人员，工作任务落实到具体时间。",
            "逾期和未报送的单位要于5个工作日内补报，并说明原因。",
            "领导小组办公室将继续实行季度汇总、半年通报制度，并将推进情况纳入年度专项督导。"]},
    ]


def _assert_bulletin(bulletin: dict, plan) -> None:
    assert bulletin["title"] == \
        "关于2024年上半年岳阳市云溪区教育体育局2024年推进教育服务乡村振兴工作实施方案落实情况的通报"
    assert bulletin["late_units"] == ["岳化二小", "示例学校03（样例）"]
    assert bulletin["missing_units"] == ["云溪小学", "示例幼儿园02（样例）"]
    got = [{"heading": s["heading"], "paragraphs": _canonical(s["paragraphs"])} for s in bulletin["sections"]]
    assert got == _expected_bulletin(plan)


# --- the scenario ---------------------------------------------------------------------------

def test_a_school_joins_in_q2_and_another_is_merged_away_in_q3(yunxi, client, django_user_model):
    office = django_user_model.objects.get(username="lili")
    leader = django_user_model.objects.get(username="zhoujianguo")
    client.force_login(office)
    h1, h2 = yunxi.cycles.get(year=2024, half=1), yunxi.cycles.get(year=2024, half=2)
    q1, q2 = h1.quarters.get(quarter=1), h1.quarters.get(quarter=2)
    q3 = h2.quarters.get(quarter=3)
    assert sorted(yunxi.schools.values_list("name", flat=True)) == sorted(FOUNDING)

    # Q1 ------------------------------------------------------------------------------------
    with _at(q1.opens_at, hours=1):
        counts = _scheduler()
    assert (counts["cycles_opened"], counts["quarters_opened"]) == (1, 1)
    h1.refresh_from_db()
    q1_open = _expected_statuses(FOUNDING, on_time=())  # nothing reported yet: pending counts as missing
    _assert_summary(_json(client, h1, 1), q1_open, 0, 0)
    _assert_xlsx(_xlsx(client, h1, 1), q1_open, yunxi, 0, 0)
    with _at(q1.due_at, hours=-48):
        for name in FOUNDING:
            if name not in (Q1_LATE, Q1_MISSING):
                _submit(q1, name, office)
        _scheduler()
    with _at(q1.due_at, hours=24):  # after the deadline, before the quarter closes
        _submit(q1, Q1_LATE, office, problems={2: "项目资金到位滞后"})
        _scheduler()
    with _at(q1.closes_at, hours=1):
        assert _scheduler()["quarters_closed"] == 1
    with _at(q1.closes_at, hours=2):
        human_task_complete(task_id=_ready(h1.instance, "review_first_summary").pk, actor=office,
                            data={"reviewed": True})
    q1.refresh_from_db()
    assert q1.closed_at is not None
    q1_final = _expected_statuses(FOUNDING, late={Q1_LATE}, missing={Q1_MISSING})
    # 12 on time at size 2, 示例学校03 on time at 3, 岳化二小 late at 2; 云溪小学 gave nothing
    q1_json, q1_xlsx = _json(client, h1, 1), _xlsx(client, h1, 1)
    _assert_summary(q1_json, q1_final, numeric_total=12 * 2 + 3 + 2, ticked=14)
    _assert_xlsx(q1_xlsx, q1_final, yunxi, 12 * 2 + 3 + 2, 14)
    assert q1_json["counts"] == {"on_time": 13, "late": 1, "missing": 1, "schools": 15}

    # Q2: 新桥小学 joins while the quarter is open -------------------------------------------------
    with _at(q2.opens_at, hours=1):
        assert _scheduler()["quarters_opened"] == 1
    _assert_summary(_json(client, h1, 2), _expected_statuses(FOUNDING, on_time=()), 0, 0)
    newcomer = Unit.objects.create(code="xinqiao-primary", name=NEWCOMER, kind=UnitKind.SCHOOL, parent=yunxi.bureau)
    for username, role in (("xq-liaison", "liaison"), ("xq-principal", "principal")):
        Membership.objects.create(user=django_user_model.objects.create_user(username, password="pw"),
                                  unit=newcomer, role=role)
    with _at(q2.opens_at, hours=24):
        plan_school_add(plan_id=yunxi.pk, unit_id=newcomer.pk, actor=office)
    # counted in the open quarter at once (its report is coming), not in the closed one
    _assert_summary(_json(client, h1, 2), _expected_statuses(WITH_NEWCOMER, on_time=()), 0, 0)
    assert not QuarterlyReport.objects.filter(school=newcomer).exists()
    with _at(q2.opens_at, hours=25):
        assert _scheduler()["schools_joined"] == 1
    assert q2.reports.get(school=newcomer).status == ReportStatus.PENDING
    assert not q1.reports.filter(school=newcomer).exists()
    assert _json(client, h1, 1) == q1_json and _xlsx(client, h1, 1) == q1_xlsx

    with _at(q2.due_at, hours=-48):
        for name in WITH_NEWCOMER:
            if name not in (Q2_LATE, Q2_MISSING):
                _submit(q2, name, office)
        _scheduler()
    with _at(q2.due_at, hours=24):
        _submit(q2, Q2_LATE, office)
        _scheduler()
    q2_before_close = _expected_statuses(WITH_NEWCOMER, late={Q2_LATE}, missing={Q2_MISSING})
    _assert_summary(_json(client, h1, 2), q2_before_close, numeric_total=13 * 2 + 3 + 5, ticked=15)
    assert _progress(client, h1)[NEWCOMER] == {"1": "not_counted", "2": "on_time"}
    assert _progress(client, h1)[Q2_MISSING] == {"1": "on_time", "2": "pending"}
    with _at(q2.closes_at, hours=1):
        assert _scheduler()["quarters_closed"] == 1
    q2.refresh_from_db()
    assert q2.closed_at is not None
    q2_json, q2_xlsx = _json(client, h1, 2), _xlsx(client, h1, 2)
    _assert_summary(q2_json, q2_before_close, numeric_total=13 * 2 + 3 + 5, ticked=15)
    _assert_xlsx(q2_xlsx, q2_before_close, yunxi, 13 * 2 + 3 + 5, 15)
    assert q2_json["counts"] == {"on_time": 14, "late": 1, "missing": 1, "schools": 16}
    assert _json(client, h1, 1) == q1_json and _xlsx(client, h1, 1) == q1_xlsx
    h1_progress = _progress(client, h1)
    assert h1_progress[NEWCOMER] == {"1": "not_counted", "2": "on_time"}
    assert h1_progress[Q2_MISSING] == {"1": "on_time", "2": "missing"}
    assert h1_progress[MERGED] == {"1": "on_time", "2": "on_time"}

    # the H1 bulletin -------------------------------------------------------------------------
    with _at(q2.closes_at, hours=2):
        human_task_complete(task_id=_ready(h1.instance, "review_second_summary").pk, actor=office,
                            data={"reviewed": True})
        drafted = client.post(f"/api/cycles/{h1.pk}/bulletin/", {}, content_type="application/json")
    assert drafted.status_code == 201, drafted.content
    bulletin = drafted.json()
    assert bulletin["status"] == BulletinStatus.DRAFT
    _assert_bulletin(bulletin, yunxi)

    # Q3 (H2): 示例学校05 is merged away with its report pending ---------------------------------------
    with _at(q3.opens_at, hours=1):
        counts = _scheduler()
    assert (counts["cycles_opened"], counts["quarters_opened"]) == (1, 1)
    h2.refresh_from_db()
    with _at(q3.due_at, hours=-72):
        for name in Q3_REPORTING:
            _submit(q3, name, office)
    q3_before = _expected_statuses(WITH_NEWCOMER, on_time=Q3_REPORTING)
    _assert_summary(_json(client, h2, 3), q3_before, numeric_total=2 + 5, ticked=2)
    _assert_xlsx(_xlsx(client, h2, 3), q3_before, yunxi, 2 + 5, 2)
    assert _progress(client, h2)[MERGED] == {"3": "pending", "4": "not_opened"}

    merged = yunxi.schools.get(name=MERGED)
    with _at(q3.due_at, hours=-48):
        assert plan_school_remove(plan_id=yunxi.pk, unit_id=merged.pk, actor=office, reason="撤并") == 1
        _scheduler()
    left = q3.reports.get(school=merged)
    assert left.status == ReportStatus.CANCELLED and left.instance.status == InstanceStatus.TERMINATED
    q3_after = _expected_statuses(WITHOUT_MERGED, on_time=Q3_REPORTING)
    q3_json = _json(client, h2, 3)
    _assert_summary(q3_json, q3_after, numeric_total=2 + 5, ticked=2)
    assert q3_json["counts"] == {"on_time": 2, "late": 0, "missing": 13, "schools": 15}
    assert MERGED not in q3_json["not_reported"]
    _assert_xlsx(_xlsx(client, h2, 3), q3_after, yunxi, 2 + 5, 2)
    assert _progress(client, h2)[MERGED] == {"3": "cancelled", "4": "not_opened"}
    # the closed quarters and the H1 bulletin did not change
    assert _json(client, h1, 1) == q1_json and _xlsx(client, h1, 1) == q1_xlsx
    assert _json(client, h1, 2) == q2_json and _xlsx(client, h1, 2) == q2_xlsx
    assert _progress(client, h1) == h1_progress
    with _at(q3.due_at, hours=-47):
        redrafted = client.post(f"/api/cycles/{h1.pk}/bulletin/", {}, content_type="application/json")
    assert redrafted.status_code == 201
    assert redrafted.json()["sections"] == bulletin["sections"]
    _assert_bulletin(redrafted.json(), yunxi)

    # Q3 closes at its deadline: the merged school is still neither counted nor missing
    with _at(q3.closes_at, hours=1):
        assert _scheduler()["quarters_closed"] == 1
    q3.refresh_from_db()
    assert q3.closed_at is not None
    assert _json(client, h2, 3) == q3_json
    _assert_xlsx(_xlsx(client, h2, 3), q3_after, yunxi, 2 + 5, 2)
    assert _progress(client, h2)[MERGED] == {"3": "cancelled", "4": "not_opened"}
    assert _progress(client, h2)["云溪小学"] == {"3": "missing", "4": "not_opened"}

    # the bulletin, published, says the same in its DOCX
    with _at(q3.closes_at, hours=2):
        numbered = client.patch(f"/api/bulletins/{bulletin['id']}/", {"document_number": "岳云教体函〔2024〕11号"},
                                content_type="application/json")
        assert numbered.status_code == 200
        assert client.post(f"/api/bulletins/{bulletin['id']}/submit/").status_code == 200
        client.force_login(leader)
        decided = client.post(f"/api/bulletins/{bulletin['id']}/decide/", {"decision": "approve"},
                              content_type="application/json")
        assert decided.status_code == 200 and decided.json()["status"] == BulletinStatus.PUBLISHED
    client.force_login(office)
    word = client.get(f"/api/bulletins/{bulletin['id']}/docx/")
    assert word.status_code == 200
    text = [p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs if p.text]
    start = text.index("区直各中小学、幼儿园：") + 1
    body = []
    for number, section in enumerate(_expected_bulletin(yunxi), start=1):
        body += [f"{CN[number - 1]}、{section['heading']}", *section["paragraphs"]]
    got = _canonical(text[start:start + len(body)])
    assert got == _canonical(body)
    assert text[start + len(body)] == "岳阳市云溪区教育体育局"
    assert "岳云教体函〔2024〕11号" in text
