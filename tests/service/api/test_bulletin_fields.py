"""The bulletin over the API: 主送, 抄送, 印发 edited; the answers to quote listed and picked; the draft step."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.service.conftest import draft_bulletin, to_draft_step
from workflows.plans.documents.types import FigureTotal, SummaryColumn, SummaryRow, SummaryTable
from workflows.plans.models import QuarterlyReport, ReportStatus
from workflows.plans.services.bulletin_text import draft_sections

pytestmark = pytest.mark.django_db


def test_patch_edits_the_header_and_record_fields_and_keeps_paragraphs(world, clients):
    bulletin = draft_bulletin(world)
    body = {"addressees": "各中小学：", "copy_to": "市教育局", "printed_by": "区教体局办公室",
            "printed_on": "2024-07-16",
            "sections": [{"heading": "总体情况", "paragraphs": ["甲。", "乙，\n丙。"]}]}
    response = clients["office"].patch(f"/api/bulletins/{bulletin.pk}/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    out = response.json()
    assert {k: out[k] for k in body} == body
    response = clients["office"].patch(f"/api/bulletins/{bulletin.pk}/", {"printed_on": None},
                                       content_type="application/json")
    assert response.json()["printed_on"] is None and response.json()["copy_to"] == "市教育局"


def test_draft_is_refused_before_the_draft_step_with_a_clear_message(world, clients):
    response = clients["office"].post(f"/api/cycles/{world.cycle.pk}/bulletin/", {}, content_type="application/json")
    assert response.status_code == 409
    assert "bulletin step" in response.json()["message"] or "通报" in response.json()["message"]


def test_answers_are_listed_and_only_the_picked_ones_quoted(world, clients):
    report = QuarterlyReport.objects.filter(quarter__cycle=world.cycle).order_by("school__code").first()
    report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    report.sections = {"wi1": {"progress": "建立台账。", "problems": "人手不足。"}}
    report.save()
    answers = clients["office"].get(f"/api/cycles/{world.cycle.pk}/bulletin/answers/").json()
    assert [(a["field"], a["text"]) for a in answers] == [("progress", "建立台账。"), ("problems", "人手不足。")]
    assert clients["liaison_a"].get(f"/api/cycles/{world.cycle.pk}/bulletin/answers/").status_code == 403
    to_draft_step(world)
    response = clients["office"].post(f"/api/cycles/{world.cycle.pk}/bulletin/",
                                      {"quotes": [answers[1]["key"]]}, content_type="application/json")
    assert response.status_code == 201, response.content
    sections = {s["heading"]: s["paragraphs"] for s in response.json()["sections"]}
    assert sections["存在问题"] == [f"{report.school.name}（{answers[1]['work_item']}）：人手不足。"]
    assert sections["主要做法和成效"] == ["（请办公室选取典型经验做法。）"]


def test_figures_are_given_per_work_item_and_late_and_missing_schools_named(world):
    table = SummaryTable(
        title="t", plan_title="p", period="2024年第二季度", due_at=dt.datetime(2024, 7, 5, tzinfo=dt.UTC),
        columns=(SummaryColumn(1, "控辍保学", "资助中心"), SummaryColumn(2, "营养改善", "后勤中心")),
        rows=(SummaryRow("岳化二小", "late", None, ()), SummaryRow("云溪小学", "missing", None, ())),
        totals=(FigureTotal(1, "a", "劝返学生", 12), FigureTotal(1, "b", "资助金额", 3.5),
                         FigureTotal(2, "c", "受益学生", 300)),
        department_totals={}, counts={"on_time": 3, "late": 1, "missing": 1, "schools": 5}, not_reported=())
    sections = draft_sections(cycle=world.cycle, summaries=[table], late=["岳化二小"], missing=["云溪小学"], quotes=[])
    overall = sections[0]["paragraphs"]
    assert overall[1:] == ["（一）控辍保学：截至2024年第二季度，劝返学生12，资助金额3.50。",
                           "（二）营养改善：截至2024年第二季度，受益学生300。"]
    assert "按时报送率60.0%" in overall[0]
    assert sections[3]["paragraphs"] == ["2024年第二季度逾期报送的单位：岳化二小。",
                                         "2024年第二季度未报送的单位：云溪小学。"]
