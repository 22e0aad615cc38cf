"""Quarterly summary, its XLSX export and the half-year bulletin DOCX for 10,000 schools × 8 work items.

The plan is the shipped demo's (its bureau, departments, people and 8 work items with their figures;
work item 8, the pairing with another county, carried by one school in twenty) with 10,000 schools
(bulk-created with the fields plan_load gives them).
The cycle's process instance runs for real; the two quarters' 20,000 reports are bulk-created as the
receiver records a school's approved report (status, submitted_at, the form's sections with progress,
problems and figures), without a child instance each: most on time, some late, some never submitted.
Then, each sample timed on its own:

- the quarterly summary (``quarterly_summary``), target <= 2 s;
- the XLSX export as the API serves it (summary + ``render_summary_xlsx``), target <= 10 s;
- the bulletin DOCX: drafting from both quarters' data (``bulletin_draft``) and rendering the
  document publishing stores (``render_bulletin_docx``), target <= 5 s; then publishing once
  (the leader's approval: render, receipts, notifications).

A target is met when the slowest sample is within it. Prints p50 and max per step, row counts and
the peak RSS. Run: .venv/bin/python -m benchmarks.summary_exports [schools]   (issue 6 target:
PostgreSQL, 10000; set DATABASE_URL).
"""
from __future__ import annotations

import datetime as dt
import json
import random
import resource
import statistics
import sys
import time

from benchmarks.harness import ROOT, analyze_tables, django_database, timed

SAMPLES = 5
PLAN_FILE = ROOT / "workflows" / "plans" / "seed" / "yunxi-2024.json"
SCHOOL_KINDS = ("school", "kindergarten")
PAIRED_ITEM, PAIRED_EVERY = 8, 20  # work item 8 is carried by one school in twenty
LATE_SHARE, MISSING_SHARE = 0.08, 0.03
TARGETS_S = {"summary": 2, "xlsx": 10, "bulletin": 5}


# --- data -------------------------------------------------------------------------------------

def load_plan(schools: int):
    """The demo plan without its schools, then ``schools`` schools as plan_load would write them."""
    from workflows.org.models import Unit
    from workflows.plans.services.seed import plan_load

    data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    school_codes = {u["code"] for u in data["units"] if u["kind"] in SCHOOL_KINDS}
    data["units"] = [u for u in data["units"] if u["code"] not in school_codes]
    data["people"] = [p for p in data["people"] if p["unit"] not in school_codes]
    data["cycles"] = data["cycles"][:1]
    plan = plan_load(data=data)
    made = Unit.objects.bulk_create([
        Unit(code=f"school-{i:05d}", name=school_name(i), kind="kindergarten" if i % 7 == 0 else "school",
             parent=plan.bureau) for i in range(schools)], batch_size=2000)
    plan.schools.add(*made)
    plan.work_items.get(number=PAIRED_ITEM).schools.add(*made[::PAIRED_EVERY])
    return plan


def school_name(i: int) -> str:
    towns = ("云溪", "路口", "陆城", "永济", "松阳湖", "长岭", "文桥", "道仁矶")
    kind = "幼儿园" if i % 7 == 0 else ("中学" if i % 3 == 0 else "小学")
    return f"{towns[i % len(towns)]}镇第{i + 1}{kind}"


def open_cycle(plan):
    """Open the cycle's instance and mark both quarters opened (as quarter_open does when done)."""
    from django.utils import timezone

    from workflows.plans.models import CycleQuarter
    from workflows.plans.services.cycles import cycle_open

    cycle = cycle_open(cycle_id=plan.cycles.get().pk)
    CycleQuarter.objects.filter(cycle=cycle).update(opened_at=timezone.now())
    return cycle, list(cycle.quarters.order_by("quarter"))


def add_reports(plan, quarter, rng: random.Random) -> dict[str, int]:
    """One report row per school for the quarter, as report_submitted leaves it (or pending)."""
    from workflows.plans.models import QuarterlyReport, ReportStatus
    from workflows.plans.services.schools import schools_of

    items = list(plan.work_items.prefetch_related("schools").order_by("number"))
    carried = {item.pk: {s.pk for s in item.schools.all()} for item in items}
    rows, counts = [], {"on_time": 0, "late": 0, "missing": 0}
    for school in schools_of(plan):
        draw = rng.random()
        if draw < MISSING_SHARE:
            counts["missing"] += 1
            rows.append(QuarterlyReport(quarter=quarter, school=school, status=ReportStatus.PENDING,
                                        due_at=quarter.due_at))
            continue
        late = draw < MISSING_SHARE + LATE_SHARE
        counts["late" if late else "on_time"] += 1
        offset = dt.timedelta(hours=rng.randint(1, 72)) if late else -dt.timedelta(hours=rng.randint(1, 240))
        mine = [i for i in items if not carried[i.pk] or school.pk in carried[i.pk]]
        rows.append(QuarterlyReport(quarter=quarter, school=school, status=ReportStatus.SUBMITTED,
                                    due_at=quarter.due_at, submitted_at=quarter.due_at + offset,
                                    sections=sections(school, mine, rng)))
    QuarterlyReport.objects.bulk_create(rows, batch_size=1000)
    return counts


def sections(school, items, rng: random.Random) -> dict:
    """The report form's data: one section per work item the school carries (progress, problems, figures)."""
    out = {}
    for item in items:
        figures = {f["key"]: figure_value(f.get("type", "number"), rng) for f in item.figures if rng.random() > 0.03}
        progress = (f"{school.name}围绕“{item.title}”召开专题会议{rng.randint(1, 4)}次，明确责任人和时间节点，"
                    f"本季度完成既定任务的{rng.randint(60, 100)}%，相关台账已整理归档。")
        problems = "部分工作推进不够均衡，佐证材料有待完善。" if rng.random() < 0.2 else ""
        out[f"wi{item.number}"] = {"progress": progress, "problems": problems, "figures": figures}
    return out


def figure_value(kind: str, rng: random.Random) -> bool | int | float:
    if kind == "boolean":
        return rng.random() < 0.9
    if kind == "integer":
        return rng.randint(0, 300)
    if kind == "percent":
        return rng.randint(0, 100)
    return round(rng.uniform(0, 50000), 2)


def close_quarters(cycle, quarters, office) -> None:
    """Close both quarters and review their summaries, so the cycle waits at draft_bulletin."""
    from workflows.plans.services.cycles import quarter_close
    from workflows.processes.models import HumanTaskState
    from workflows.processes.services.human_tasks import human_task_complete

    for quarter, review in zip(quarters, ("review_first_summary", "review_second_summary"), strict=True):
        quarter_close(quarter_id=quarter.pk, force=True)
        task = cycle.instance.human_tasks.get(bpmn_id=review, state=HumanTaskState.READY)
        human_task_complete(task_id=task.pk, actor=office, data={"reviewed": True})


def holder(role: str):
    from workflows.org.models import Membership

    return Membership.objects.filter(role=role).select_related("user").first().user


# --- steps ------------------------------------------------------------------------------------

def export_xlsx(quarter) -> int:
    from workflows.plans.documents.summary_xlsx import render_summary_xlsx
    from workflows.plans.summary import quarterly_summary

    return len(render_summary_xlsx(quarterly_summary(quarter=quarter)))


def bulletin_docx(cycle, office) -> int:
    from workflows.plans.documents.bulletin_docx import render_bulletin_docx
    from workflows.plans.services.bulletins import bulletin_document, bulletin_draft

    return len(render_bulletin_docx(bulletin_document(bulletin_draft(cycle_id=cycle.pk, actor=office))))


def split_bulletin(cycle, office) -> tuple[list[float], list[float]]:
    """Drafting and rendering timed apart, to see which half costs."""
    from workflows.plans.documents.bulletin_docx import render_bulletin_docx
    from workflows.plans.services.bulletins import bulletin_document, bulletin_draft

    drafting = timed(lambda: bulletin_draft(cycle_id=cycle.pk, actor=office), SAMPLES)
    bulletin = bulletin_draft(cycle_id=cycle.pk, actor=office)
    rendering = timed(lambda: render_bulletin_docx(bulletin_document(bulletin)), SAMPLES)
    return drafting, rendering


def publish_once(cycle, office, leader) -> tuple[float, int]:
    """The leader approves: the DOCX is rendered and stored, every unit gets the bulletin."""
    from workflows.plans.services.bulletins import bulletin_decide, bulletin_draft, bulletin_submit, bulletin_update

    bulletin = bulletin_draft(cycle_id=cycle.pk, actor=office)
    bulletin_update(bulletin_id=bulletin.pk, actor=office, document_number=f"岳云教体函〔{cycle.year}〕11号")
    bulletin_submit(bulletin_id=bulletin.pk, actor=office)
    began = time.perf_counter()
    bulletin = bulletin_decide(bulletin_id=bulletin.pk, actor=leader, decision="approve")
    return (time.perf_counter() - began) * 1000, len(bytes(bulletin.docx))


# --- output -----------------------------------------------------------------------------------

def verdict(label: str, values: list[float], target_s: float | None = None) -> str:
    text = (f"{label:<44} n={len(values):<4} p50={statistics.median(values):9.1f} ms  "
            f"max={max(values):9.1f} ms")
    if target_s is not None:
        text += f"  target <= {target_s} s: {'met' if max(values) <= target_s * 1000 else 'NOT MET'}"
    return text


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main(schools: int) -> None:
    with django_database("summary_exports") as database:
        from workflows.plans.models import QuarterlyReport
        from workflows.plans.summary import quarterly_summary

        print(f"summary and exports on {database}")
        began = time.perf_counter()
        plan = load_plan(schools)
        cycle, quarters = open_cycle(plan)
        office, leader = holder("office_director"), holder("leader")
        rng = random.Random(6)
        for quarter in quarters:
            counts = add_reports(plan, quarter, rng)
            print(f"  Q{quarter.quarter}: {schools} schools, {counts}")
        close_quarters(cycle, quarters, office)
        analyze_tables()
        print(f"  {QuarterlyReport.objects.count()} report rows, {plan.work_items.count()} work items; "
              f"set up in {time.perf_counter() - began:.1f} s")

        last = quarters[-1]
        table = quarterly_summary(quarter=last)
        print(f"  summary Q{last.quarter}: {len(table.rows)} rows x {len(table.columns)} work items, "
              f"{len(table.totals)} figure totals, {len(table.not_reported)} not reported")
        print("  " + verdict("quarterly summary", timed(lambda: quarterly_summary(quarter=last), SAMPLES),
                             TARGETS_S["summary"]))
        print("  " + verdict("XLSX export (summary + render)", timed(lambda: export_xlsx(last), SAMPLES),
                             TARGETS_S["xlsx"]))
        print(f"    XLSX size {export_xlsx(last) / 1024:.0f} KB")
        print("  " + verdict("bulletin DOCX (draft + render)", timed(lambda: bulletin_docx(cycle, office), SAMPLES),
                             TARGETS_S["bulletin"]))
        drafting, rendering = split_bulletin(cycle, office)
        print("    " + verdict("of which draft from both quarters", drafting))
        print("    " + verdict("of which render DOCX", rendering))
        published, size = publish_once(cycle, office, leader)
        print("  " + verdict("publish (approve: render, receipts, notify)", [published]) + f"  DOCX {size} bytes")
        print(f"  peak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
