"""Periods in the reader's language: 2024年上半年 / first half of 2024, 第一季度 / Q1."""
from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

CN_NUMERALS = "一二三四五六七八九十"


def numeral(number: int) -> str:
    """一 for 1 … 十 for 10 (the way Chinese documents number quarters and sections); else the digits."""
    return CN_NUMERALS[number - 1] if 1 <= number <= len(CN_NUMERALS) else str(number)


def half_label(year: int, half: int) -> str:
    if half == 1:
        return _("first half of %(year)s") % {"year": year}
    return _("second half of %(year)s") % {"year": year}


def quarter_name(quarter: int) -> str:
    """第一季度 / Q1."""
    names = {1: _("Q1"), 2: _("Q2"), 3: _("Q3"), 4: _("Q4")}
    return names.get(quarter, str(quarter))


def quarter_label(year: int, quarter: int) -> str:
    """2024年第一季度 / Q1 2024."""
    return _("%(quarter)s %(year)s") % {"quarter": quarter_name(quarter), "year": year}


def item_heading(number: int, title: str) -> str:
    """A work item's heading: 一、title on a Chinese page, "1. title" on others (the title as entered)."""
    if (get_language() or "").startswith("zh"):
        return f"{numeral(number)}、{title}"
    return f"{number}. {title}"
