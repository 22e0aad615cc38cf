"""The State Council's holiday notice, pasted as published, gives the days chinese-calendar holds.

The 2025 notice (国办发明电〔2024〕12号) and the 2026 notice are in data/, written out line by line in the
notice's official wording; their days were checked against chinese-calendar's data for every day of the year.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import chinese_calendar
import pytest
from django.utils import translation

from workflows.plans.holiday_notice import HOLIDAY, WORKDAY, NoticeError, notice_year, parse_notice

DATA = Path(__file__).parent / "data"
NAMES = {"New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
         "Dragon Boat Festival": "端午节", "Mid-autumn Festival": "中秋节", "National Day": "国庆节"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def notice(year: int) -> str:
    return (DATA / f"holiday_notice_{year}.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_published_notice_gives_exactly_chinese_calendars_days(year):
    days = {d.date: d for d in parse_notice(notice(year))}
    assert notice_year(notice(year)) == year
    day = dt.date(year, 1, 1)
    while day.year == year:
        parsed = days.pop(day, None)
        on, name = chinese_calendar.get_holiday_detail(day)
        if day in chinese_calendar.holidays:
            assert parsed is not None and parsed.kind == HOLIDAY, day
            assert NAMES[name] in parsed.festival, day
        elif day in chinese_calendar.workdays:
            assert parsed is not None and parsed.kind == WORKDAY, day
            assert NAMES[name] in parsed.festival, day
        else:
            assert parsed is None, day
        assert (parsed.kind == WORKDAY if parsed else day.weekday() < 5) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert days == {}


def test_the_notices_formats_single_days_ranges_across_months_weekends_and_full_width_text():
    text = "\n".join([
        "国务院办公厅关于2014年部分节假日安排的通知",
        "一、元旦：１月１日放假１天。",
        "二、劳动节：5月1日至3日放假调休，共3天。5月4日（星期日）上班。",
        "三、端午节：6月2日（星期一）放假，与周末连休。",
        "四、国庆节：10月1日至7日放假调休，共7天。9月28日（星期日）、10月11日（星期六）上班。"])
    days = {d.date: (d.kind, d.festival) for d in parse_notice(text)}
    assert days[dt.date(2014, 1, 1)] == (HOLIDAY, "元旦")
    assert [d for d in days if d.month == 5] == [dt.date(2014, 5, i) for i in (1, 2, 3, 4)]
    assert days[dt.date(2014, 5, 4)] == (WORKDAY, "劳动节") and days[dt.date(2014, 6, 2)] == (HOLIDAY, "端午节")
    assert dt.date(2014, 5, 31) not in days  # 与周末连休: the weekend is an ordinary weekend
    assert days[dt.date(2014, 10, 11)] == (WORKDAY, "国庆节")
    spring = parse_notice("春节：1月28日（农历除夕）至2月4日（农历正月初七）放假调休，共8天。"
                          "1月26日（周日）、2月8日（周六）上班。", 2025)
    assert len(spring) == 10 and spring[0].date == dt.date(2025, 1, 26)
    spring_2024 = parse_notice("春节：2月10日至17日放假调休，共8天。2月4日（周日）、2月18日（周日）上班。"
                               "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。", 2024)
    assert {d.date for d in spring_2024 if d.kind == HOLIDAY} == {
        d for d in chinese_calendar.holidays if d.year == 2024 and d.month == 2}
    assert {d.date for d in spring_2024 if d.kind == WORKDAY} == {dt.date(2024, 2, 4), dt.date(2024, 2, 18)}
    across = parse_notice("元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。", 2019)
    assert [d.date for d in across] == [dt.date(2018, 12, 29), dt.date(2018, 12, 30), dt.date(2018, 12, 31),
                                        dt.date(2019, 1, 1)]


@pytest.mark.parametrize(("text", "line", "words"), [
    ("关于2025年部分节假日安排的通知\n春节：1月28日至2月4放假调休，共8天。", 2, "cannot read the days off"),
    ("关于2025年部分节假日安排的通知\n\n春节：1月28日至2月4日放假调休，共9天。", 3, "共9天"),
    ("关于2025年部分节假日安排的通知\n元宵节：2月12日放假1天。", 2, "unknown festival 元宵节"),
    ("关于2025年部分节假日安排的通知\n元旦：1月1日（周四）放假1天，不调休。", 2, "is not a 周四"),
    ("关于2025年部分节假日安排的通知\n劳动节：5月1日至5日放假调休。4月27日加班。", 2, "4月27日加班"),
    ("关于2025年部分节假日安排的通知\n清明节：4月31日放假。", 2, "4月31日 is not a date"),
    ("经国务院批准，特此通知。", 0, "no year"),
    ("关于2025年部分节假日安排的通知\n各地区要妥善安排。", 0, "no festival lines"),
])
def test_bad_notice_text_names_the_line(text, line, words):
    with pytest.raises(NoticeError) as caught:
        parse_notice(text)
    assert [e.line for e in caught.value.errors] == [line]
    assert words in caught.value.errors[0].message


def test_a_notice_for_another_year_is_refused():
    with pytest.raises(NoticeError, match="for 2025, not 2027"):
        parse_notice(notice(2025), 2027)
