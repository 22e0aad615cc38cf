"""The office is warned before a year without holidays and enters them by pasting the State Council's notice."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from workflows.plans.calendar import LOCAL
from workflows.plans.models import CalendarDay

pytestmark = pytest.mark.django_db
NOTICES = Path(__file__).resolve().parents[2] / "workflows" / "plans" / "data"
# Not a published notice: a short one in the notice's wording, for a year chinese-calendar does not know.
SOURCE = re.compile(r'<td class="calendar-source">([^<]*)</td>')
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"


def at(day: dt.date):
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), LOCAL), tick=False)


@pytest.fixture
def office(office_user) -> Client:
    client = Client()
    client.force_login(office_user)
    return client


def test_the_warning_shows_60_days_before_a_year_without_holidays_and_goes_once_the_office_saves_it(office):
    with at(dt.date(2026, 10, 1)):
        assert "calendar-warning" not in office.get("/console/").content.decode()
        assert office.get("/api/calendar/").json()["warning"] is None
        assert office.get("/readyz").json()["warnings"] == []
    with at(dt.date(2026, 11, 2)):
        page = office.get("/console/").content.decode()
        assert "calendar-warning" in page and "还没有2027年的法定节假日" in page
        api = office.get("/api/calendar/").json()
        assert api["warning"]["year"] == 2027
        assert "国务院办公厅关于2027年部分节假日安排的通知" in api["warning"]["message"]
        assert [(y["year"], y["label"]) for y in api["years"]] == [(2026, "国务院公布的节假日"),
                                                                     (2027, "仅按周一至周五")]
        ready = office.get("/readyz")
        assert ready.status_code == 200 and ready.json()["warnings"][0]["year"] == 2027
        office.cookies["django_language"] = "en"
        english = office.get("/console/").content.decode()
        assert "There are no official holidays for 2027 yet" in english
        del office.cookies["django_language"]
        saved = office.post("/console/calendar/", {"text": NOTICE_2027, "action": "confirm"})
        assert saved.status_code == 302
        assert "calendar-warning" not in office.get("/console/").content.decode()
        assert office.get("/api/calendar/").json()["warning"] is None
        assert office.get("/readyz").json()["warnings"] == []


def test_paste_preview_confirm_saves_the_days_in_chinese(office):
    text = (NOTICES / "holiday_notice_2026.txt").read_text(encoding="utf-8")
    form = office.get("/console/calendar/").content.decode()
    assert "国务院办公厅关于……年部分节假日安排的通知" in form
    preview = office.post("/console/calendar/", {"text": text, "action": "preview"}).content.decode()
    assert "2026年通知中的日期" in preview and "调休上班" in preview and "2026-02-14" in preview
    assert CalendarDay.objects.count() == 0  # read back, not saved
    saved = office.post("/console/calendar/", {"text": text, "year": "2026", "action": "confirm"}, follow=True)
    page = saved.content.decode()
    assert "已将2026年的39天保存为办公室录入的日期" in page and "办公室为2026年录入的日期" in page
    assert CalendarDay.objects.filter(date__year=2026).count() == 39
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 14)).is_workday
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 14)).note == "春节调休上班"
    assert not CalendarDay.objects.get(date=dt.date(2026, 10, 7)).is_workday


def test_a_bad_notice_names_its_line_and_saves_nothing(office):
    text = ("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）放假1天。\n"
            "二、春节：2月5日至2月13放假调休，共9天。\n")
    for action in ("preview", "confirm"):
        page = office.post("/console/calendar/", {"text": text, "action": action}).content.decode()
        assert "无法读取这份通知" in page and "没有保存任何内容" in page
        assert '<td class="line">3</td>' in page and "无法读取" in page
    assert CalendarDay.objects.count() == 0


def test_only_the_office_has_the_calendar_page(person, schools):
    school = Client()
    school.force_login(person("liaison", schools["A"], "liaison"))
    assert school.get("/console/calendar/").status_code == 403
    assert school.post("/console/calendar/", {"text": NOTICE_2027, "action": "confirm"}).status_code == 403
    assert CalendarDay.objects.count() == 0


def test_each_deadline_on_the_progress_page_says_its_calendar(world, clients):
    from workflows.plans.models import ReportingCycle
    from workflows.plans.services.cycles import cycle_schedule

    cycle = ReportingCycle.objects.create(plan=world.plan, year=2026, half=2)
    q3, q4 = cycle_schedule(cycle=cycle)
    assert q4.due_at.astimezone(LOCAL).date() == dt.date(2027, 1, 7)  # 1, 4, 5, 6, 7 January: weekdays only
    office = clients["office"]
    page = office.get(f"/cycles/{cycle.pk}/").content.decode()
    assert SOURCE.findall(page) == ["国务院公布的节假日", "仅按周一至周五"]
    cycles = {c["id"]: c for c in office.get("/api/cycles/?page_size=50").json()["results"]}
    assert [(q["quarter"], q["calendar"], q["calendar_label"]) for q in cycles[cycle.pk]["quarters"]] == [
        (3, "official", "国务院公布的节假日"), (4, "weekdays", "仅按周一至周五")]
    office.post("/console/calendar/", {"text": NOTICE_2027, "action": "confirm"})
    q4.refresh_from_db()
    assert q4.due_at.astimezone(LOCAL).date() == dt.date(2027, 1, 8)  # New Year's Day off: rescheduled
    page = office.get(f"/cycles/{cycle.pk}/").content.decode()
    assert SOURCE.findall(page) == ["国务院公布的节假日", "办公室录入"]
    office.cookies["django_language"] = "en"
    english = office.get(f"/cycles/{cycle.pk}/").content.decode()
    assert SOURCE.findall(english) == ["State Council holidays", "Entered by the office"]
