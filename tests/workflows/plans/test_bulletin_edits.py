"""What the office types into a bulletin is kept as typed: paragraphs, 主送, 抄送, 印发."""
from __future__ import annotations

import datetime as dt

import pytest

from workflows.plans.services.bulletin_edits import body_of, checked_field, checked_sections, paragraphs_of
from workflows.processes.errors import Invalid


def test_a_browser_body_with_crlf_blank_lines_is_split_into_its_paragraphs() -> None:
    assert paragraphs_of("第一段。\r\n\r\n第二段，\r\n同一段的第二行。\r\n \r\n\r\n第三段。\r\n") == [
        "第一段。", "第二段，\n同一段的第二行。", "第三段。"]


def test_editor_body_reads_back_unchanged() -> None:
    paragraphs = ["一、", "二段\n带换行", "“引号”和 spaces  inside"]
    assert paragraphs_of(body_of(paragraphs)) == paragraphs
    assert paragraphs_of(body_of(paragraphs).replace("\n", "\r\n")) == paragraphs


def test_sections_are_trimmed_and_a_blank_line_inside_a_paragraph_makes_two() -> None:
    sections = checked_sections([{"heading": " 总体情况 ", "paragraphs": ["甲。\n\n乙。", "  ", "丙。"]}])
    assert sections == [{"heading": "总体情况", "paragraphs": ["甲。", "乙。", "丙。"]}]
    assert checked_sections(sections) == sections


@pytest.mark.parametrize("bad", [[], [{"heading": ""}], [{"heading": "h", "paragraphs": "p"}], "x"])
def test_bad_sections_are_refused(bad) -> None:
    with pytest.raises(Invalid):
        checked_sections(bad)


def test_record_fields_are_trimmed_and_the_title_is_required() -> None:
    assert checked_field("copy_to", "  区乡村振兴局，局领导班子成员 ") == "区乡村振兴局，局领导班子成员"
    assert checked_field("copy_to", "") == ""
    assert checked_field("printed_on", dt.date(2024, 7, 16)) == dt.date(2024, 7, 16)
    assert checked_field("printed_on", None) is None
    with pytest.raises(Invalid):
        checked_field("title", "  ")
    with pytest.raises(Invalid):
        checked_field("printed_on", "2024-07-16")
    with pytest.raises(Invalid):
        checked_field("status", "published")
