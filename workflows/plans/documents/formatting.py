"""Chinese wording shared by the renderers: dates as 2024年7月15日, numbers as 一、二、三、."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
_DIGITS = "零一二三四五六七八九"


def local_date(moment: dt.date) -> dt.date:
    """The calendar date in Asia/Shanghai; naive datetimes are taken as already local."""
    if isinstance(moment, dt.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(LOCAL_TZ)
        return moment.date()
    return moment


def chinese_date(d: dt.date) -> str:
    """A date written out the way official documents do: 2024年7月15日 (no leading zeros)."""
    d = local_date(d)
    return f"{d.year}年{d.month}月{d.day}日"


def chinese_datetime(moment: dt.datetime) -> str:
    """A moment in Asia/Shanghai as 2024年4月8日 15:30."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TZ)
    return f"{chinese_date(moment)} {moment:%H:%M}"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五; anything outside 1–99 stays in Arabic digits."""
    if not 1 <= n <= 99:
        return str(n)
    tens, units = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[units] if units else "")
