"""The State Council's holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知) read into days.

Pure text in, days out: each festival line ("春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）
放假调休，共8天。1月26日（周日）、2月8日（周六）上班。") gives its days off and its make-up working days.
Other lines (the title, the document number, the addressees, the closing paragraph, the signature) are
read only for the notice's year. A line that names a festival but cannot be read is an error naming it.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _

HOLIDAY, WORKDAY = "holiday", "workday"
FESTIVALS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

_DATE = r"(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日"
_FESTIVAL_LINE = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\d+[、.])?\s*([^:,。()]{1,16}?)\s*:(.*)$")
_OFF = re.compile(rf"^(?P<start>{_DATE})(?:至(?P<end>{_DATE}))?放假(?:调休)?(?:,?共?(?P<count>\d+)天)?"
                  r"(?:,(?:与周末连休|不调休))?$")
_ON = re.compile(rf"^{_DATE}(?:、{_DATE})*上班$")
_PART = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^)]*)\))?")
_YEAR = re.compile(r"关于(\d{4})年[^\n]*节假日安排|现将(\d{4})年")


@dataclass(frozen=True)
class NoticeDay:
    date: dt.date
    kind: str  # HOLIDAY or WORKDAY (a make-up working day)
    festival: str


@dataclass(frozen=True)
class LineError:
    line: int  # 1-based; 0 for the notice as a whole
    text: str
    message: str


class NoticeError(ValueError):
    """The notice could not be read; ``errors`` name the lines."""

    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("; ".join(f"line {e.line}: {e.message}" for e in errors))
        self.errors = errors


class _Bad(ValueError):
    pass


def _normal(line: str) -> str:
    """Full-width digits and punctuation as half-width, no spaces (NFKC keeps 、 and 。)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", line))


def notice_year(text: str) -> int | None:
    """The year the notice is for, from its title or its lead sentence."""
    for line in text.splitlines():
        match = _YEAR.search(_normal(line))
        if match:
            return int(match.group(1) or match.group(2))
    return None


def parse_notice(text: str, year: int | None = None) -> list[NoticeDay]:
    """The notice's holidays and make-up working days, by date; NoticeError naming each bad line."""
    stated = notice_year(text)
    if year is not None and stated is not None and stated != year:
        message = _("the notice is for %(stated)s, not %(year)s") % {"stated": stated, "year": year}
        raise NoticeError([LineError(0, "", message)])
    year = year or stated
    if year is None:
        raise NoticeError([LineError(0, "", _("no year: the notice's title names none and none was given"))])
    days: dict[dt.date, NoticeDay] = {}
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        try:
            for day in _festival_days(_normal(raw), year):
                if day.date in days and days[day.date] != day:
                    raise _Bad(_("%(date)s is already given by another line") % {"date": day.date.isoformat()})
                days[day.date] = day
        except _Bad as exc:
            errors.append(LineError(number, raw.strip(), str(exc)))
    if not errors and not days:
        errors.append(LineError(0, "", _("no festival lines (such as 春节：…放假…) were found")))
    if errors:
        raise NoticeError(errors)
    return sorted(days.values(), key=lambda d: d.date)


def _festival_days(line: str, year: int) -> list[NoticeDay]:
    match = _FESTIVAL_LINE.match(line)
    if not match or ("放假" not in line and "上班" not in line):
        return []
    names = match.group(1).split("、")
    unknown = [n for n in names if n not in FESTIVALS]
    if unknown:
        raise _Bad(_("unknown festival %(name)s") % {"name": "、".join(unknown)})
    festival = "、".join(names)
    sentences = [s for s in match.group(2).split("。") if s]
    if not sentences:
        raise _Bad(_("no dates after the festival's name"))
    days = [NoticeDay(d, HOLIDAY, festival) for d in _days_off(sentences[0], year)]
    for sentence in sentences[1:]:
        if sentence.endswith("上班") or re.match(_DATE, sentence):
            days += [NoticeDay(d, WORKDAY, festival) for d in _make_up_days(sentence, year)]
        # else a recommendation, e.g. 鼓励各单位……安排职工在除夕（2月9日）休息 (2024): no day changes
    return days


def _days_off(sentence: str, year: int) -> list[dt.date]:
    plain = re.sub(r"\([^)]*\)", "", sentence)
    match = _OFF.match(plain)
    if not match:
        raise _Bad(_("cannot read the days off in “%(text)s” (expected e.g. 1月28日至2月4日放假调休，共8天)")
                   % {"text": sentence})
    parts = _PART.findall(sentence.split("放假")[0])
    start = _date(parts[0], year, None)
    end = _date(parts[1], start.year, start) if len(parts) > 1 else start
    if end < start:
        raise _Bad(_("the days off end (%(end)s) before they start (%(start)s)")
                   % {"end": end.isoformat(), "start": start.isoformat()})
    length = (end - start).days + 1
    if match.group("count") and int(match.group("count")) != length:
        raise _Bad(_("共%(count)s天 but %(start)s to %(end)s is %(length)s days") % {
            "count": match.group("count"), "start": start.isoformat(), "end": end.isoformat(), "length": length})
    return [start + dt.timedelta(days=i) for i in range(length)]


def _make_up_days(sentence: str, year: int) -> list[dt.date]:
    if not _ON.match(re.sub(r"\([^)]*\)", "", sentence)):
        raise _Bad(_("cannot read “%(text)s” (expected e.g. 1月26日（周日）、2月8日（周六）上班)") % {"text": sentence})
    return [_date(part, year, None) for part in _PART.findall(sentence)]


def _date(part: tuple[str, str, str, str], year: int, after: dt.date | None) -> dt.date:
    """A date of the notice: year and month default to the notice's year or the range's start."""
    y, m, d, note = part
    if not m and after is None:
        raise _Bad(_("%(day)s日 has no month") % {"day": d})
    try:
        day = dt.date(int(y) if y else year, int(m) if m else after.month, int(d))  # type: ignore[union-attr]
    except ValueError:
        text = f"{y + '年' if y else ''}{m + '月' if m else ''}{d}日"
        raise _Bad(_("%(text)s is not a date") % {"text": text}) from None
    weekday = re.search(r"(?:周|星期)([一二三四五六日天])", note)
    if weekday and _WEEKDAYS[weekday.group(1)] != day.weekday():
        raise _Bad(_("%(date)s is not a %(weekday)s: check the dates and the year") % {
            "date": day.isoformat(), "weekday": weekday.group(0)})
    return day
