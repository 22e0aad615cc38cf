"""The operator commands for plans: load a plan, simulate a half year."""
from __future__ import annotations

from io import StringIO

import docx
import openpyxl
import pytest
from django.core.management import call_command

from tests.workflows.plans.conftest import SEED

pytestmark = pytest.mark.django_db(transaction=True)


def test_load_plan_then_simulate_writes_the_summaries_and_the_bulletin(processes, tmp_path):
    out = StringIO()
    call_command("load_plan", str(SEED / "example-second-plan.json"), stdout=out)
    assert "5 work items, 30 schools" in out.getvalue()
    call_command("simulate_half_year", "example-2025-safety", "--out", str(tmp_path), stdout=out)
    text = out.getvalue()
    assert "2025年第一季度: {'on_time': 27, 'late': 2, 'missing': 1, 'schools': 30}" in text
    assert "extension granted" in text and "report returned by the principal" in text
    for quarter in (1, 2):
        workbook = openpyxl.load_workbook(tmp_path / f"summary-Q{quarter}.xlsx")
        assert len(list(workbook["未报送单位"].iter_rows(min_row=2))) == 1
    bulletin = docx.Document(str(tmp_path / "bulletin.docx"))
    assert any("未报送的单位" in p.text for p in bulletin.paragraphs)
