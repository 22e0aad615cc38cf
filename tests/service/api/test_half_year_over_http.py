"""A half year of the Yunxi plan through the HTTP API alone, each person with their own token.

The system is set up directly (BPMN deployed, plan loaded, the clock moved, Celery beat's cycle tick and
timer sweep run); everything people do goes through /api/. The story mirrors workflows/plans/simulation.py.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl
import pytest
import time_machine
from django.test import Client

from workflows.plans.calendar import LOCAL
from workflows.plans.services.cycles import cycles_tick
from workflows.plans.services.seed import plan_load_file
from workflows.processes.services.definitions import definition_deploy_folder
from workflows.processes.services.timers import timer_sweep

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
LATE, MISSING, RETURNED = ("yuehua-no2-primary", "sample-school-03"), "yunxi-primary", "wenqiao-central-primary"
LATE_NAMES, MISSING_NAME = ["岳化二小", "示例学校03（样例）"], "云溪小学"
# (liaison, principal) of the schools with accounts; the office acts for the others (as the simulation does)
SCHOOL_PEOPLE = {"wenqiao-central-primary": ("luoting", "xieguoping"), "yuehua-no2-primary": ("xulin", "hejianjun"),
                 "yunxi-primary": ("tanghui", "zengzhiming"), "sample-school-01": ("zhongling", "yixinmin")}
PEOPLE = ("lili", "zhoujianguo", "huangwei", *(name for pair in SCHOOL_PEOPLE.values() for name in pair))
MINUTES = dt.timedelta(minutes=5)


@dataclass
class Half:
    """Everyone's API client (by username) and the reporting cycle as the office reads it."""

    people: dict[str, Client]
    cycle: dict

    def quarter(self, number: int, moment: str) -> dt.datetime:
        """A moment of a quarter's calendar (opens_at, reminder_at, due_at, supervise_at, closes_at)."""
        row = next(q for q in self.cycle["quarters"] if q["quarter"] == number)
        return dt.datetime.fromisoformat(row[moment])


def call(client: Client, method: str, url: str, body: dict | None = None, status: int = 200):
    """Send one request, check its status; JSON comes back parsed, files as bytes."""
    response = getattr(client, method)(url, body, content_type="application/json") if method != "get" \
        else client.get(url)
    assert response.status_code == status, (method, url, response.status_code, response.content[:600])
    return response.json() if response["Content-Type"].startswith("application/json") else response.content


def rows(client: Client, url: str) -> list[dict]:
    """The rows of a paginated list (one page of up to 200)."""
    return call(client, "get", f"{url}{'&' if '?' in url else '?'}page_size=200")["results"]


def at(moment: dt.datetime):
    """Stop the clock at a moment."""
    return time_machine.travel(moment, tick=False)


def beat(moment: dt.datetime) -> dict[str, int]:
    """What Celery beat runs at a moment: the cycle calendar, then the timer sweep."""
    with at(moment):
        return {**cycles_tick(), "timers_fired": timer_sweep()}


def login(username: str, n: int) -> Client:
    """A person's own client (own address: the login throttle counts per address) sending their token."""
    address = f"10.0.8.{n}"
    token = call(Client(REMOTE_ADDR=address), "post", "/api/auth/token/", {"username": username, "password": "pw"})
    return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Token {token['token']}")


def world() -> Half:
    """Deploy the processes, load the plan, log everyone in; the office finds the first half year."""
    definition_deploy_folder(folder=ROOT / "bpmn")
    plan_load_file(path=ROOT / "workflows" / "plans" / "seed" / "yunxi-2024.json", password="pw")
    people = {name: login(name, n) for n, name in enumerate(PEOPLE, start=10)}
    cycle = next(c for c in rows(people["lili"], "/api/cycles/") if (c["year"], c["half"]) == (2024, 1))
    return Half(people=people, cycle=cycle)


def answers(schema: dict, progress: str) -> dict:
    """Answers valid for a report form's JSON Schema: every section, each figure of its declared type."""
    sections = {}
    for key, section in schema["properties"]["sections"]["properties"].items():
        figures = {name: True if figure["type"] == "boolean" else 3
                   for name, figure in section["properties"]["figures"]["properties"].items()}
        sections[key] = {"progress": f"{progress}（{key}）", "problems": "", "figures": figures}
    return {"sections": sections}


def ready(half: Half, code: str, instance: int, bpmn_id: str) -> tuple[Client, dict]:
    """Who acts on a school's step and the task: its own person from their inbox, else the office."""
    people = SCHOOL_PEOPLE.get(code)
    if people is None:
        client = half.people["lili"]
        tasks = call(client, "get", f"/api/instances/{instance}/")["tasks"]
    else:
        client = half.people[people[0] if bpmn_id == "fill_report" else people[1]]
        tasks = rows(client, "/api/tasks/?tab=unit")
    task = next(t for t in tasks if (t["instance"], t["bpmn_id"], t["state"]) == (instance, bpmn_id, "ready"))
    return client, task


def complete(client: Client, task: dict, data: dict) -> dict:
    """Submit a task's form."""
    return call(client, "post", f"/api/tasks/{task['id']}/complete/", {"data": data})


def submit(half: Half, code: str, instance: int) -> None:
    """The liaison fills the report in from its form; the principal signs it off (the returned school: twice)."""
    client, fill = ready(half, code, instance, "fill_report")
    schema = call(client, "get", f"/api/tasks/{fill['id']}/form/")["schema"]
    if code == RETURNED:  # an empty form is refused, field by field
        assert "sections" in call(client, "post", f"/api/tasks/{fill['id']}/complete/", {"data": {}}, 400)["details"]
    complete(client, fill, answers(schema, "按计划推进"))
    principal, sign = ready(half, code, instance, "sign_off_report")
    if code == RETURNED:
        assert complete(principal, sign, {"decision": "return", "comment": "请补充佐证材料"})["state"] == "completed"
        client, fill = ready(half, code, instance, "fill_report")
        complete(client, fill, answers(schema, "按计划推进（已补充佐证）"))
        principal, sign = ready(half, code, instance, "sign_off_report")
    complete(principal, sign, {"decision": "approve"})


def report_quarter(half: Half, number: int, late: tuple[str, ...]) -> dict[str, int]:
    """Open the quarter; schools report on time, late (before supervision) or never; timers fire to supervision."""
    cycle_id = half.cycle["id"]
    if number == 1:
        with at(half.quarter(1, "opens_at")):
            half.cycle = call(half.people["lili"], "post", f"/api/cycles/{cycle_id}/open/")
        assert (half.cycle["status"], half.quarter(1, "opened_at")) == ("open", half.quarter(1, "opens_at"))
    else:
        assert beat(half.quarter(number, "opens_at"))["quarters_opened"] == 1
    instances = rows(half.people["lili"], "/api/instances/?key=quarterly_report")
    reports = {r["business_key"].rsplit("/", 1)[1]: r["id"] for r in instances if f"Q{number}/" in r["business_key"]}
    assert len(reports) == 15
    with at(half.quarter(number, "opens_at") + dt.timedelta(days=1, hours=1)):
        for code, instance in reports.items():
            if code not in (*late, MISSING):
                submit(half, code, instance)
    for moment in ("reminder_at", "due_at"):
        assert beat(half.quarter(number, moment) + MINUTES)["timers_fired"] == len(late) + 1
    late_day = half.quarter(number, "supervise_at") - dt.timedelta(hours=22)
    assert late_day > half.quarter(number, "due_at")
    with at(late_day):
        for code in late:
            submit(half, code, reports[code])
    assert beat(half.quarter(number, "supervise_at") + MINUTES)["timers_fired"] == 1
    return reports


def close_quarter(half: Half, number: int) -> None:
    """Beat closes the quarter at its deadline; the office reviews the summary from its inbox."""
    closes_at = half.quarter(number, "closes_at")
    assert beat(closes_at + MINUTES)["quarters_closed"] == 1
    with at(closes_at + dt.timedelta(hours=16)):  # the cycle's step is in the office's inbox
        tasks = rows(half.people["lili"], "/api/tasks/?tab=unit")
        [review] = [t for t in tasks if t["instance"] == half.cycle["instance"]]
        assert review["bpmn_id"] == ("review_first_summary", "review_second_summary")[number - 1]
        complete(half.people["lili"], review, {"reviewed": True})


def test_first_quarter_escalations_summary_and_audit_over_http():
    half = world()
    lili, cycle_id = half.people["lili"], half.cycle["id"]
    reports = report_quarter(half, 1, late=LATE)
    with at(half.quarter(1, "supervise_at") + dt.timedelta(hours=1)):
        mine = rows(half.people["zengzhiming"], "/api/escalations/")  # the missing school's principal
        assert ("chase", reports[MISSING], MISSING_NAME) in {(e["level"], e["instance"], e["target_unit"])
                                                             for e in mine}
        [supervise] = rows(lili, "/api/escalations/?level=supervise")
        assert (supervise["instance_unit"], supervise["target_unit"]) == (MISSING_NAME, "领导小组办公室")
        assert [e["instance_unit"] for e in rows(lili, "/api/escalations/?level=chase")] == [MISSING_NAME]
        progress = call(lili, "get", f"/api/cycles/{cycle_id}/progress/")["schools"]
        progress = {s["code"]: s["quarters"]["1"] for s in progress}
        assert (progress[RETURNED], progress[LATE[0]], progress[MISSING]) == ("on_time", "late", "pending")
    close_quarter(half, 1)

    summary = call(lili, "get", f"/api/cycles/{cycle_id}/quarters/1/summary/")
    assert summary["counts"] == {"on_time": 12, "late": 2, "missing": 1, "schools": 15}
    assert summary["not_reported"] == [MISSING_NAME]
    assert sorted(r["school"] for r in summary["rows"] if r["status"] == "late") == LATE_NAMES
    nutrition = next(t for t in summary["totals"] if (t["work_item"], t["key"]) == (1, "nutrition_students"))
    assert nutrition["total"] == 3 * 14  # every reporting school said 3
    workbook = openpyxl.load_workbook(io.BytesIO(call(lili, "get", f"/api/cycles/{cycle_id}/quarters/1/summary/xlsx/")))
    sheet = {r[1]: r[2] for r in workbook["汇总"].iter_rows(values_only=True) if r[1]}
    assert (sheet["岳化二小"], sheet[MISSING_NAME], sheet["文桥中心小学"]) == ("逾期", "未报送", "按时")
    assert [r[1] for r in workbook["未报送单位"].iter_rows(min_row=2, values_only=True)] == [MISSING_NAME]
    call(half.people["luoting"], "get", f"/api/cycles/{cycle_id}/quarters/1/summary/", status=403)  # a school

    raised = rows(lili, "/api/escalations/?open=false")  # the history: open and closed
    levels = {code: {(e["level"], bool(e["closed_at"])) for e in raised if e["instance"] == reports[code]}
              for code in (MISSING, LATE[0], RETURNED)}
    assert levels[MISSING] == {("reminder", False), ("chase", False), ("supervise", False)}
    assert (levels[LATE[0]], levels[RETURNED]) == ({("reminder", True), ("chase", True)}, set())  # closed on report
    tanghui = half.people["tanghui"]
    assert call(tanghui, "get", "/api/notifications/unread/")["unread"] > 0
    assert {"task", "escalation"} <= {n["kind"] for n in rows(tanghui, "/api/notifications/")}
    assert "returned" in {n["kind"] for n in rows(half.people["luoting"], "/api/notifications/")}
    audit = rows(half.people["luoting"], f"/api/audit/?instance={reports[RETURNED]}&action=task.completed")
    assert [e["actor"] for e in reversed(audit)] == ["luoting", "xieguoping", "luoting", "xieguoping"]
    assert "instance.completed" in {e["action"] for e in rows(lili, f"/api/audit/?instance={reports[RETURNED]}")}


def test_managers_acknowledge_and_chase_the_missing_schools_escalations():
    half = world()
    lili, principal = half.people["lili"], half.people["zengzhiming"]
    reports = report_quarter(half, 1, late=LATE)
    with at(half.quarter(1, "supervise_at") + dt.timedelta(hours=1)):
        chase = next(e for e in rows(principal, "/api/escalations/?level=chase") if e["instance"] == reports[MISSING])
        assert call(principal, "post", f"/api/escalations/{chase['id']}/acknowledge/")["acknowledged_at"]
        call(principal, "post", f"/api/escalations/{chase['id']}/acknowledge/", status=409)
        [supervise] = rows(lili, "/api/escalations/?level=supervise")
        assert call(lili, "post", f"/api/escalations/{supervise['id']}/chase/") == {"told": 1}  # the liaison
        assert supervise["task_name"] == "填写季度报告"


def test_half_year_bulletin_returned_then_published_over_http():
    half = world()
    lili, leader, luoting = half.people["lili"], half.people["zhoujianguo"], half.people["luoting"]
    report_quarter(half, 1, late=LATE)
    close_quarter(half, 1)
    report_quarter(half, 2, late=())
    close_quarter(half, 2)
    assert call(lili, "get", f"/api/cycles/{half.cycle['id']}/quarters/2/summary/")["counts"] == \
        {"on_time": 14, "late": 0, "missing": 1, "schools": 15}

    with at(half.quarter(2, "closes_at") + dt.timedelta(days=3)):
        bulletin = call(lili, "post", f"/api/cycles/{half.cycle['id']}/bulletin/", status=201)
        url, sections = f"/api/bulletins/{bulletin['id']}/", bulletin["sections"]
        assert bulletin["status"] == "draft"
        assert call(luoting, "get", "/api/bulletins/") == []  # schools see published bulletins only
        sections[1]["paragraphs"].append("文桥中心小学建立了每周调度机制。")
        edited = call(lili, "patch", url, {"document_number": "岳云教体函〔2024〕11号", "sections": sections})
        assert edited["document_number"] == "岳云教体函〔2024〕11号"
        assert call(lili, "post", f"{url}submit/")["status"] == "submitted"
        assert "approve_bulletin" in {t["bpmn_id"] for t in rows(leader, "/api/tasks/?tab=unit")}
        returned = call(leader, "post", f"{url}decide/", {"decision": "return", "comment": "请补充下一步工作要求"})
        assert (returned["status"], returned["return_comment"]) == ("returned", "请补充下一步工作要求")
        sections = call(lili, "get", url)["sections"]
        sections[-1]["paragraphs"].append("各单位要于7月底前完成问题整改。")
        call(lili, "patch", url, {"sections": sections})
        assert call(lili, "post", f"{url}submit/")["status"] == "submitted"
        published = call(leader, "post", f"{url}decide/", {"decision": "approve"})
    assert published["status"] == "published" and published["published_at"]
    assert (published["late_units"], published["missing_units"]) == (LATE_NAMES, [MISSING_NAME])

    assert [b["id"] for b in call(luoting, "get", "/api/bulletins/")] == [bulletin["id"]]
    assert "bulletin" in {n["kind"] for n in rows(luoting, "/api/notifications/")}
    lines = [p.text for p in docx.Document(io.BytesIO(call(luoting, "get", f"{url}docx/"))).paragraphs]
    text = "\n".join(lines)
    assert "岳云教体函〔2024〕11号" in text and f"第二季度未报送的单位：{MISSING_NAME}" in text
    assert "2024年第一季度逾期报送的单位：示例学校03（样例）、岳化二小。" in lines and "第二季度逾期报送" not in text
    assert "文桥中心小学建立了每周调度机制" in text and "各单位要于7月底前完成问题整改" in text


def test_the_inbox_filters_by_work_item():
    half = world()
    item = next(i for i in rows(half.people["lili"], "/api/work-items/") if i["number"] == 1)
    run = call(half.people["lili"], "post", f"/api/work-items/{item['id']}/start/", status=201)
    assert [t["instance"] for t in rows(half.people["lili"], f"/api/tasks/?work_item={item['id']}")] == \
        [run["instance"]]


def test_work_item_dispatch_extension_and_closing_over_http():
    half = world()
    lili, head = half.people["lili"], half.people["huangwei"]
    principal, person = half.people["yixinmin"], half.people["zhongling"]
    with at(dt.datetime(2024, 3, 18, 10, tzinfo=LOCAL)):
        item = next(i for i in rows(lili, "/api/work-items/") if i["number"] == 1)
        assert {"unit": "aid-center", "name": "资助中心", "lead": True} in item["departments"]
        run = call(lili, "post", f"/api/work-items/{item['id']}/start/", status=201)
        [assign] = [t for t in rows(lili, "/api/tasks/?tab=unit") if t["instance"] == run["instance"]]
        assert assign["bpmn_id"] == "assign_work_item"
        complete(lili, assign, {})
        assert "dispatch_school_tasks" in {t["bpmn_id"] for t in rows(head, "/api/tasks/?tab=unit")}
        school = next(u for u in rows(head, "/api/units/") if u["code"] == "sample-school-01")
        call(head, "post", f"/api/work-item-runs/{run['id']}/dispatch/", {
            "instructions": "完成营养改善计划核查并上报", "due_date": "2024-04-01", "school_ids": [school["id"]]})
    with at(dt.datetime(2024, 3, 19, 10, tzinfo=LOCAL)):
        [receipt] = [t for t in rows(principal, "/api/tasks/?tab=unit") if t["bpmn_id"] == "sign_receipt"]
        complete(principal, receipt, {"responsible": "zhongling", "planned_date": "2024-03-29"})
        [report] = rows(person, "/api/tasks/?tab=mine")
        assert (report["bpmn_id"], report["assignee"]) == ("report_progress", "zhongling")
        assert dt.datetime.fromisoformat(report["due_at"]) == dt.datetime(2024, 4, 1, 18, tzinfo=LOCAL)
        complete(person, report, {"action": "request_extension", "new_due_at": "2024-04-08T18:00:00+08:00",
                                  "reason": "核查对象较多"})
        [extension] = [t for t in rows(head, "/api/tasks/?tab=unit") if t["bpmn_id"] == "review_extension"]
        complete(head, extension, {"decision": "approve"})
        [report] = rows(person, "/api/tasks/?tab=mine")
        assert dt.datetime.fromisoformat(report["due_at"]) == dt.datetime(2024, 4, 8, 18, tzinfo=LOCAL)
    with at(dt.datetime(2024, 4, 3, 10, tzinfo=LOCAL)):
        complete(person, report, {"action": "report", "progress": "已完成核查"})
        [review] = [t for t in rows(head, "/api/tasks/?tab=unit") if t["bpmn_id"] == "review_report"]
        complete(head, review, {"decision": "approve"})
        call(head, "post", f"/api/work-item-runs/{run['id']}/apply-close/", {"result": "各校均已完成核查。"})
        call(head, "post", f"/api/work-item-runs/{run['id']}/close/", {"comment": "越权"}, status=403)
        closed = call(lili, "post", f"/api/work-item-runs/{run['id']}/close/", {"comment": "目标达成，同意销号"})
    assert closed["closed_at"] and call(lili, "get", f"/api/instances/{run['instance']}/")["status"] == "completed"
    assert {t["bpmn_id"] for t in rows(person, "/api/tasks/?tab=done")} == {"report_progress"}
