"""The bulletin page: the office ticks the answers to quote, edits 主送/抄送/印发, and saves as typed."""
from __future__ import annotations

import html
import re

import pytest
from django.utils import timezone

from tests.service.conftest import draft_bulletin, to_draft_step
from workflows.plans.models import Bulletin, QuarterlyReport, ReportStatus
from workflows.plans.services import bulletins as svc

pytestmark = pytest.mark.django_db


def _answers(world) -> list[QuarterlyReport]:
    """Two schools' submitted Q1 reports with practice and problem answers."""
    reports = list(QuarterlyReport.objects.filter(quarter__cycle=world.cycle).order_by("school__code")[:2])
    for i, report in enumerate(reports):
        report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
        report.sections = {"wi1": {"progress": f"做法{i}", "problems": f"问题{i}"}}
        report.save()
    return reports


def _form(page: str) -> dict[str, str]:
    """What a browser posts from the editor: inputs' values and textareas' text (one leading newline dropped)."""
    data = {m[1]: html.unescape(m[2]) for m in re.finditer(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page)
            for m in [(None, m[1], m[2])]}
    for name, text in re.findall(r'<textarea[^>]*name="(body_\d+)"[^>]*>(.*?)</textarea>', page, re.S):
        text = text[1:] if text.startswith("\n") else text
        data[name] = html.unescape(text).replace("\n", "\r\n")  # browsers post CRLF
    data.pop("csrfmiddlewaretoken", None)
    return data


def test_save_reload_save_keeps_paragraphs_and_fields_exactly(world, clients):
    bulletin = draft_bulletin(world)
    sections = [{"heading": "总体情况", "paragraphs": ["第一段。", "第二段，\n第二行。", "第三段 <b>&</b>。"]},
                {"heading": "下一步工作要求", "paragraphs": ["要求。"]}]
    svc.bulletin_update(bulletin_id=bulletin.pk, actor=world.users["office"], sections=sections,
                        copy_to="区乡村振兴局，局领导班子成员", addressees="各中小学：")
    office, url = clients["office"], f"/bulletins/{bulletin.pk}/"
    for _ in range(2):
        response = office.post(url, {**_form(office.get(url).content.decode()), "action": "save"})
        assert response.status_code == 302
        bulletin.refresh_from_db()
        assert bulletin.sections == sections
        assert (bulletin.addressees, bulletin.copy_to) == ("各中小学：", "区乡村振兴局，局领导班子成员")


def test_the_office_edits_the_header_and_record_on_the_page(world, clients):
    bulletin = draft_bulletin(world)
    assert bulletin.copy_to == world.plan.copy_to == "区教育服务乡村振兴工作领导小组成员"  # from the plan
    assert bulletin.printed_by == "岳阳市云溪区教育体育局办公室"
    url = f"/bulletins/{bulletin.pk}/"
    data = {**_form(clients["office"].get(url).content.decode()), "action": "save", "copy_to": "市教育局",
            "printed_by": "区教体局办公室", "printed_on": "2024-07-16", "addressees": "区直各学校："}
    assert clients["office"].post(url, data).status_code == 302
    bulletin.refresh_from_db()
    document = svc.bulletin_document(bulletin)
    assert (document.addressees, document.copied_to, document.printed_by, str(document.printed_on)) == \
        ("区直各学校：", "市教育局", "区教体局办公室", "2024-07-16")
    assert clients["office"].post(url, {**data, "printed_on": "16/07"}).status_code == 400


def test_draft_is_offered_and_accepted_only_at_the_draft_step(world, clients):
    office, progress = clients["office"], f"/cycles/{world.cycle.pk}/"
    assert "Draft the bulletin" not in office.get(progress, headers={"accept-language": "en"}).content.decode()
    response = office.post(f"/cycles/{world.cycle.pk}/bulletin/", follow=True)
    assert "not at the bulletin step" in response.content.decode() or "尚未到起草通报" in response.content.decode()
    assert not Bulletin.objects.filter(cycle=world.cycle).exists()
    to_draft_step(world)
    page = office.get(progress).content.decode()
    assert f'href="/cycles/{world.cycle.pk}/bulletin/"' in page


def test_the_office_ticks_which_answers_the_draft_quotes(world, clients):
    reports = _answers(world)
    to_draft_step(world)
    office, url = clients["office"], f"/cycles/{world.cycle.pk}/bulletin/"
    page = office.get(url).content.decode()
    keys = re.findall(r'name="quote" value="([^"]+)" checked', page)
    assert len(keys) == 4  # the first few of each kind ticked
    assert clients["liaison_a"].get(url).status_code == 403
    response = office.post(url, {"picked": "1", "quote": [f"{reports[1].pk}:wi1:progress"]})
    assert response.status_code == 302
    sections = {s["heading"]: s["paragraphs"] for s in Bulletin.objects.get(cycle=world.cycle).sections}
    assert len(sections["主要做法和成效"]) == 1
    assert sections["主要做法和成效"][0].startswith(f"{reports[1].school.name}（一、")
    assert sections["主要做法和成效"][0].endswith("）：做法1")
    assert sections["存在问题"] == ["（请办公室归纳存在的问题。）"]
