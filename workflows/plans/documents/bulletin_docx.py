"""The bulletin (通报) as a Word document laid out after GB/T 9704-2012 (党政机关公文格式)."""
from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Cm, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .formatting import chinese_date, chinese_numeral
from .types import BulletinDocument

__all__ = ["chinese_date", "render_bulletin_docx"]

TITLE_FONT = "方正小标宋简体"  # 小标宋
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xFF, 0x00, 0x00)
BLACK = "000000"

BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
MASTHEAD_SIZE = 26
RECORD_SIZE = 14  # 四号, 版记 and page numbers
LINE = Pt(28.95)  # 22 lines to the 225 mm 版心
TEXT_WIDTH = Cm(21 - 2.8 - 2.6)

# Children of w:pPr that must come after w:pBdr (schema order).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def render_bulletin_docx(doc: BulletinDocument) -> bytes:
    """Render a bulletin as a .docx in the official-document layout and return its bytes."""
    word = Document()
    _set_up_page(word)
    word.core_properties.title = doc.title
    word.core_properties.author = doc.issuer

    masthead = doc.issuer if doc.issuer.endswith("文件") else f"{doc.issuer}文件"
    size = min(MASTHEAD_SIZE, int(TEXT_WIDTH.pt // max(_width_in_chars(masthead), 1)))
    p = _paragraph(word, WD_ALIGN_PARAGRAPH.CENTER, space_before=Cm(3.5), exact=None)
    _run(p, masthead, TITLE_FONT, size, bold=True, color=RED)

    p = _paragraph(word, WD_ALIGN_PARAGRAPH.CENTER, space_before=LINE * 2)
    _run(p, doc.document_number, BODY_FONT, BODY_SIZE)
    _border(p, bottom=(12, str(RED), 11))  # the red rule, about 4 mm under the number

    p = _paragraph(word, WD_ALIGN_PARAGRAPH.CENTER, space_before=LINE * 2, exact=Pt(35))
    _run(p, doc.title, TITLE_FONT, TITLE_SIZE)

    p = _paragraph(word, WD_ALIGN_PARAGRAPH.LEFT, space_before=LINE)
    _run(p, doc.addressees, BODY_FONT, BODY_SIZE)

    # Headings are one short line: left, never justified. Body paragraphs are justified (both edges,
    # the last line left); a line break typed inside one becomes its own paragraph, since Word stretches
    # a justified line that ends in a manual break across the whole width.
    for number, section in enumerate(doc.sections, start=1):
        p = _paragraph(word, WD_ALIGN_PARAGRAPH.LEFT, indent_chars=2)
        _run(p, f"{chinese_numeral(number)}、{section.heading}", HEADING_FONT, BODY_SIZE)
        for text in section.paragraphs:
            for line in (part.strip() for part in text.splitlines()):
                if line:
                    p = _paragraph(word, WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
                    _run(p, line, BODY_FONT, BODY_SIZE)

    # 署名 centred over the date; the date four characters in from the right margin.
    date_text = chinese_date(doc.date)
    offset = (_width_in_chars(date_text) - _width_in_chars(doc.signature)) / 2
    p = _paragraph(word, WD_ALIGN_PARAGRAPH.RIGHT, space_before=LINE * 2, right=Pt(BODY_SIZE * max(0, 4 + offset)))
    _run(p, doc.signature, BODY_FONT, BODY_SIZE)
    p = _paragraph(word, WD_ALIGN_PARAGRAPH.RIGHT, right=Pt(BODY_SIZE * 4))
    _run(p, date_text, BODY_FONT, BODY_SIZE)

    _add_record(word, doc)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _add_record(word: DocxDocument, doc: BulletinDocument) -> None:
    """版记: 抄送 and 印发机关/印发日期 between black rules (thick outside, thin between)."""
    if not (doc.copied_to or doc.printed_by):
        return
    thick, thin = (8, BLACK, 1), (6, BLACK, 1)
    margin = Pt(RECORD_SIZE)
    first = True
    if doc.copied_to:
        text = doc.copied_to if doc.copied_to.endswith("。") else f"{doc.copied_to}。"
        p = _paragraph(word, WD_ALIGN_PARAGRAPH.LEFT, space_before=LINE * 2, left=margin, right=margin)
        _run(p, f"抄送：{text}", BODY_FONT, RECORD_SIZE)
        _border(p, top=thick, bottom=thin if doc.printed_by else thick)
        first = False
    if doc.printed_by:
        printed_on = chinese_date(doc.printed_on or doc.date)
        p = _paragraph(word, WD_ALIGN_PARAGRAPH.LEFT, space_before=LINE * 2 if first else 0, left=margin, right=margin)
        p.paragraph_format.tab_stops.add_tab_stop(Length(TEXT_WIDTH - margin), WD_TAB_ALIGNMENT.RIGHT)
        _run(p, f"{doc.printed_by}\t{printed_on}印发", BODY_FONT, RECORD_SIZE)
        _border(p, top=thick if first else None, bottom=thick)


def _set_up_page(word: DocxDocument) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.3)

    defaults = word.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = r_pr.find(qn("w:rFonts"))
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    _set_fonts(fonts, BODY_FONT)
    for tag in ("w:sz", "w:szCs"):
        r_pr.find(qn(tag)).set(qn("w:val"), str(BODY_SIZE * 2))
    r_pr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")

    compat = word.settings.element.find(qn("w:compat"))
    if compat is None:
        compat = OxmlElement("w:compat")
        word.settings.element.append(compat)
    compat.insert(0, OxmlElement("w:doNotExpandShiftReturn"))  # never stretch a line ending in a break

    # Page numbers: 4号半角宋体, — 1 —, odd pages right, even pages left, one character in.
    word.settings.odd_and_even_pages_header_footer = True
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                     WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        p.paragraph_format.left_indent = Pt(RECORD_SIZE) if align == WD_ALIGN_PARAGRAPH.LEFT else None
        p.paragraph_format.right_indent = Pt(RECORD_SIZE) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
        _run(p, "— ", PAGE_NUMBER_FONT, RECORD_SIZE)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        p._p.append(field)
        field.append(_run(p, "1", PAGE_NUMBER_FONT, RECORD_SIZE)._r)  # the placeholder Word replaces
        _run(p, " —", PAGE_NUMBER_FONT, RECORD_SIZE)


def _paragraph(word: DocxDocument, align: WD_ALIGN_PARAGRAPH, *, space_before: Length | int = 0,
               exact: Length | None = LINE, indent_chars: int = 0, left: Length | None = None,
               right: Length | None = None) -> Paragraph:
    p = word.add_paragraph()
    fmt = p.paragraph_format
    p.alignment = align
    fmt.space_before, fmt.space_after = Length(int(space_before)), Pt(0)
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    fmt.left_indent, fmt.right_indent = left, right
    if indent_chars:
        fmt.first_line_indent = Pt(BODY_SIZE * indent_chars)
        p._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), str(indent_chars * 100))
    return p


def _run(p: Paragraph, text: str, east_asia: str, size: float, *, bold: bool = False,
         color: RGBColor | None = None) -> Run:
    run = p.add_run(text)
    _set_fonts(run._r.get_or_add_rPr().get_or_add_rFonts(), east_asia)
    run.font.size = Pt(size)
    run.font.bold = bold or None
    if color is not None:
        run.font.color.rgb = color
    return run


def _set_fonts(fonts: BaseOxmlElement, east_asia: str) -> None:
    """Latin text in Times New Roman, Chinese text (and ambiguous marks such as “”) in `east_asia`."""
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hint"), "eastAsia")


def _border(p: Paragraph, **edges: tuple[int, str, int] | None) -> None:
    """Rules above/below a paragraph: edge=(width in eighths of a point, colour, gap in points)."""
    borders = OxmlElement("w:pBdr")
    for edge in ("top", "bottom"):
        if spec := edges.get(edge):
            size, color, space = spec
            line = OxmlElement(f"w:{edge}")
            for key, value in (("val", "single"), ("sz", size), ("space", space), ("color", color)):
                line.set(qn(f"w:{key}"), str(value))
            borders.append(line)
    p._p.get_or_add_pPr().insert_element_before(borders, *_AFTER_PBDR)


def _width_in_chars(text: str) -> float:
    """Width in full-width characters: ASCII counts as half."""
    return sum(0.5 if ord(ch) < 128 else 1 for ch in text)
