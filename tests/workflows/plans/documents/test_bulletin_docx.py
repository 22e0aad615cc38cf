"""The bulletin (通报) as a Word document, read back and checked against GB/T 9704-2012."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from workflows.plans.documents.bulletin_docx import chinese_date, render_bulletin_docx
from workflows.plans.documents.types import BulletinDocument, BulletinSection

ISSUER = "岳阳市云溪区教育体育局"


def _bulletin(**changes: object) -> BulletinDocument:
    doc = BulletinDocument(
        issuer=ISSUER,
        document_number="岳云教体函〔2024〕15号",
        title="关于2024年上半年教育服务乡村振兴工作情况的通报",
        addressees="区直各中小学、幼儿园：",
        sections=(
            BulletinSection("总体情况", (
                "2024年上半年，全区各学校按照“季汇总、半年通报”的要求，认真落实乡村振兴各项工作任务。",
                "应报送单位5个，按时报送2个，逾期报送2个，未报送1个。",
            )),
            BulletinSection("主要做法和成效", ("文桥中心小学、岳化二小、云溪小学项目建设按计划推进。",)),
            BulletinSection("存在问题", ("个别学校报送不及时，陆城镇中心小学未按要求报送。",)),
            BulletinSection("下一步工作要求", ("各学校要进一步压实责任，按时报送工作开展情况。",)),
        ),
        signature=ISSUER,
        date=dt.date(2024, 7, 15),
        copied_to="区乡村振兴局，局领导班子成员",
        printed_by="岳阳市云溪区教育体育局办公室",
        printed_on=dt.date(2024, 7, 15),
    )
    return dataclasses.replace(doc, **changes)


def _open(doc: BulletinDocument | None = None):
    return Document(io.BytesIO(render_bulletin_docx(doc or _bulletin())))


def _find(paragraphs: list[Paragraph], start: str) -> Paragraph:
    return next(p for p in paragraphs if p.text.startswith(start))


def _east_asia(p: Paragraph) -> str | None:
    return p.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia"))


def test_page_is_a4_with_the_standard_margins() -> None:
    """21 × 29.7 cm; top 3.7, bottom 3.5, left 2.8, right 2.6 cm."""
    section = _open().sections[0]
    measured = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
                section.left_margin, section.right_margin]
    assert [round(m.cm, 1) for m in measured] == [21.0, 29.7, 3.7, 3.5, 2.8, 2.6]


def test_masthead_is_red_bold_and_centred() -> None:
    """版头: issuer + 文件 in red 小标宋, centred."""
    first = _open().paragraphs[0]
    assert first.text == "岳阳市云溪区教育体育局文件"
    assert first.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = first.runs[0]
    assert str(run.font.color.rgb) in {"FF0000", "C00000"}
    assert run.font.bold
    assert run.font.size >= Pt(22)
    assert _east_asia(first) == "方正小标宋简体"
    assert run.font.name == "Times New Roman"


def test_document_number_sits_above_a_red_rule() -> None:
    """The number with 〔〕, centred, and a red bottom border under it."""
    paragraphs = _open().paragraphs
    number = _find(paragraphs, "岳云教体函")
    assert number.text == "岳云教体函〔2024〕15号"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) in {"FF0000", "C00000"}


def test_title_and_addressees() -> None:
    """Title centred in 小标宋 二号; the addressee line left-aligned in 仿宋 三号."""
    paragraphs = _open().paragraphs
    title = _find(paragraphs, "关于2024年上半年")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert _east_asia(title) == "方正小标宋简体"
    addressees = _find(paragraphs, "区直各中小学")
    assert addressees.text == "区直各中小学、幼儿园："
    assert addressees.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert addressees.runs[0].font.size == Pt(16)
    assert _east_asia(addressees) == "仿宋_GB2312"


def test_sections_are_numbered_and_indented() -> None:
    """Headings 一、二、三、四、 in 黑体; body paragraphs in 仿宋 with a two-character indent."""
    paragraphs = _open().paragraphs
    headings = [p for p in paragraphs if p.text[:2] in {"一、", "二、", "三、", "四、"}]
    assert [p.text for p in headings] == ["一、总体情况", "二、主要做法和成效", "三、存在问题", "四、下一步工作要求"]
    assert {_east_asia(p) for p in headings} == {"黑体"}
    body = _find(paragraphs, "应报送单位5个")
    assert _east_asia(body) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_signature_and_date_bottom_right() -> None:
    """署名 then 2024年7月15日, both right-aligned, after the body."""
    texts = [p.text for p in _open().paragraphs]
    date_at = texts.index("2024年7月15日")
    assert texts[date_at - 1] == ISSUER
    assert date_at > texts.index("各学校要进一步压实责任，按时报送工作开展情况。")
    paragraphs = _open().paragraphs
    assert paragraphs[date_at].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert paragraphs[date_at - 1].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_footer_record_lists_copied_to_and_printer() -> None:
    """版记: 抄送 line, then 印发机关 and 印发日期 on one line, between rules."""
    paragraphs = _open().paragraphs
    copied = _find(paragraphs, "抄送：")
    assert copied.text == "抄送：区乡村振兴局，局领导班子成员。"
    printed = paragraphs[-1]
    assert printed.text.startswith("岳阳市云溪区教育体育局办公室")
    assert printed.text.endswith("2024年7月15日印发")
    assert copied._p.pPr.find(qn("w:pBdr")).find(qn("w:top")) is not None
    assert printed._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None


def test_footer_record_lines_are_optional() -> None:
    """No 抄送 without copied_to; nothing after the date without either."""
    texts = [p.text for p in _open(_bulletin(copied_to="")).paragraphs]
    assert not any(t.startswith("抄送") for t in texts)
    assert texts[-1].endswith("印发")
    texts = [p.text for p in _open(_bulletin(copied_to="", printed_by="")).paragraphs]
    assert texts[-1] == "2024年7月15日"


def test_pages_are_numbered() -> None:
    """A PAGE field in the footer."""
    footer = _open().sections[0].footer
    assert footer.paragraphs[0]._p.find(qn("w:fldSimple")).get(qn("w:instr")) == "PAGE"


def test_chinese_date() -> None:
    """No leading zeros; aware datetimes are read in Shanghai time."""
    assert chinese_date(dt.date(2024, 7, 5)) == "2024年7月5日"
    assert chinese_date(dt.date(2024, 12, 31)) == "2024年12月31日"
    assert chinese_date(dt.datetime(2024, 7, 14, 17, 0, tzinfo=dt.UTC)) == "2024年7月15日"
