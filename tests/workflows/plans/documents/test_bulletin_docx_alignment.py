"""No line of the bulletin is spread character by character: short lines left or centred, body justified."""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from workflows.plans.documents.bulletin_docx import render_bulletin_docx
from workflows.plans.documents.types import BulletinSection

from .test_bulletin_docx import _bulletin

SPREADING = {WD_ALIGN_PARAGRAPH.DISTRIBUTE, WD_ALIGN_PARAGRAPH.JUSTIFY_LOW, WD_ALIGN_PARAGRAPH.JUSTIFY_MED,
             WD_ALIGN_PARAGRAPH.JUSTIFY_HI, WD_ALIGN_PARAGRAPH.THAI_JUSTIFY}


def _docx(**changes: object) -> bytes:
    return render_bulletin_docx(dataclasses.replace(_bulletin(), **changes))


def test_no_paragraph_is_distributed_and_none_spaces_its_characters() -> None:
    word = Document(io.BytesIO(_docx()))
    assert not {p.alignment for p in word.paragraphs} & SPREADING
    assert not word.element.body.findall(f".//{qn('w:spacing')}[@{qn('w:val')}]")  # no character spacing
    assert word.settings.element.find(f"{qn('w:compat')}/{qn('w:doNotExpandShiftReturn')}") is not None


def test_short_lines_are_left_or_centred_and_only_body_is_justified() -> None:
    paragraphs = Document(io.BytesIO(_docx())).paragraphs
    by_start = {p.text[:4]: p.alignment for p in paragraphs if p.text}
    assert by_start["一、总体"] == WD_ALIGN_PARAGRAPH.LEFT
    assert by_start["区直各中"] == WD_ALIGN_PARAGRAPH.LEFT  # 主送
    assert by_start["关于20"] == WD_ALIGN_PARAGRAPH.CENTER
    assert by_start["抄送：区"] == WD_ALIGN_PARAGRAPH.LEFT
    assert by_start["岳阳市云"] in (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT)
    assert by_start["应报送单"] == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_a_typed_line_break_is_its_own_paragraph_not_a_stretched_line() -> None:
    doc = _docx(sections=(BulletinSection("总体情况", ("第一行。\n第二行。", "第三段。")),))
    word = Document(io.BytesIO(doc))
    texts = [p.text for p in word.paragraphs]
    start = texts.index("一、总体情况") + 1
    assert texts[start:start + 3] == ["第一行。", "第二行。", "第三段。"]
    assert not word.element.body.findall(f".//{qn('w:br')}")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed: the PDF render is not checked")
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_rendered_through_libreoffice_no_line_is_spread(tmp_path: Path) -> None:
    source = tmp_path / "bulletin.docx"
    source.write_bytes(_docx())
    subprocess.run([_soffice(), f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "bulletin.pdf"), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert any(line.startswith("区直各中小学、幼儿园：") for line in lines)
    assert any(line.startswith("一、总体情况") for line in lines)
    assert any("抄送：区乡村振兴局" in line for line in lines)
    spread = [line for line in lines if re.search(r"(?:[\u4e00-\u9fff] ){3,}[\u4e00-\u9fff]", line)]
    assert not spread, spread
