"""The calendar over the API: each year's source and warning; the holiday notice read back, then saved (office)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from workflows.plans.models import CalendarDay

pytestmark = pytest.mark.django_db
NOTICES = Path(__file__).resolve().parents[2] / "workflows" / "plans" / "data"
URL = "/api/calendar/notice/"


@pytest.fixture
def office(office_user) -> Client:
    client = Client()
    client.force_login(office_user)
    return client


def test_a_notice_is_read_back_then_saved_on_confirm(office):
    text = (NOTICES / "holiday_notice_2025.txt").read_text(encoding="utf-8")
    preview = office.post(URL, {"text": text}, content_type="application/json")
    body = preview.json()
    assert preview.status_code == 200 and body["year"] == 2025 and body["saved"] is False
    assert len(body["days"]) == 33 and {"date": "2025-01-26", "kind": "workday", "festival": "春节",
                                        "note": "春节调休上班"} in body["days"]
    assert CalendarDay.objects.count() == 0
    saved = office.post(URL, {"text": text, "confirm": True}, content_type="application/json").json()
    assert saved["saved"] is True and CalendarDay.objects.filter(date__year=2025).count() == 33
    assert not CalendarDay.objects.get(date=dt.date(2025, 10, 6)).is_workday


def test_bad_text_answers_400_naming_the_line_and_saves_nothing(office):
    text = "国务院办公厅关于2027年部分节假日安排的通知\n\n劳动节：5月1日至5日放假调休，共6天。\n"
    answer = office.post(URL, {"text": text, "confirm": True}, content_type="application/json")
    body = answer.json()
    assert answer.status_code == 400 and body["code"] == "invalid"
    assert [line["line"] for line in body["details"]["lines"]] == [3] and "第3行" in body["message"]
    assert CalendarDay.objects.count() == 0


def test_only_the_office_reads_or_saves_notices(person, schools):
    school, anonymous = Client(), Client()
    school.force_login(person("liaison", schools["A"], "liaison"))
    text = "国务院办公厅关于2027年部分节假日安排的通知\n元旦：1月1日放假1天。"
    assert school.post(URL, {"text": text, "confirm": True}, content_type="application/json").status_code == 403
    assert anonymous.post(URL, {"text": text}, content_type="application/json").status_code in (401, 403)
    assert school.get("/api/calendar/").status_code == 200
    assert CalendarDay.objects.count() == 0
