"""The office sets up a second bureau's units and people from an XLSX in the pages: a file with a bad
row shows that row's problems and saves nothing; the fixed file is previewed, imported (its schools
joining the plan), and imported again changes nothing. A new liaison then signs in."""
from __future__ import annotations

import pytest

from tests.browser.checks import look
from tests.browser.conftest import DESKTOP, PHONE
from tests.org_workbook import bureau_workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TYPED = ("临溪-有误.xlsx", "临溪.xlsx")


def _cells(content: bytes) -> tuple[str, ...]:
    """What the office typed into the workbook (the preview shows it as typed)."""
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return tuple(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v)


def _check(office, path) -> None:
    office.set_input_files("#i-file", str(path))
    office.click("button[value=preview]")
    office.wait_for_load_state()


def import_in_the_pages(office, site, path) -> None:
    """The office uploads a workbook on the import page, previews it and imports it."""
    office.goto(f"{site['url']}/console/import/")
    _check(office, path)
    office.click("button[value=apply]")
    office.wait_for_load_state()


def test_the_office_imports_a_bureau_from_an_xlsx(site, login, tmp_path):
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit
    from workflows.processes.models import AuditAction, AuditEvent

    office = login("lili", viewport=DESKTOP)
    office.goto(f"{site['url']}/console/")
    office.click("a[href$='/console/import/']")
    office.wait_for_load_state()
    with office.expect_download() as download:
        office.click("a[href$='template.xlsx']")
    assert download.value.suggested_filename.endswith(".xlsx")

    bad, good = tmp_path / "临溪-有误.xlsx", tmp_path / "临溪.xlsx"
    bad.write_bytes(bureau_workbook(30, bad_row=True))
    good.write_bytes(bureau_workbook(30))
    _check(office, bad)
    row = office.locator("table.import-rows tr.import-error")
    assert row.count() == 1 and "没有代码为 linxi-nowhere 的单位" in row.inner_text()
    assert office.locator("button[value=apply]").count() == 0
    look(office, "import-refused-desktop", _cells(bad.read_bytes()) + (bad.name,))
    assert not Unit.objects.filter(code__startswith="linxi").exists()

    office.click("text=选择其他文件")
    office.wait_for_load_state()
    _check(office, good)
    assert "新增 96 行" in office.locator("p.msg.success").inner_text()
    office.select_option("form.card #i-plan", label=site["plan"].title)
    office.click("button[value=apply]")
    office.wait_for_load_state()
    assert "单位和人员已导入：新增 96 行" in office.locator("p.import-state").inner_text()  # followed to its end
    look(office, "import-done-desktop", TYPED)
    office.click("section.import-job a[href$='/console/people/']")
    look(office, "imported-people-desktop")
    assert Unit.objects.filter(code__startswith="linxi-s", parent__code="linxi").count() == 30
    assert site["plan"].schools.filter(code__startswith="linxi-s").count() == 30
    assert Membership.objects.filter(user__username__startswith="lx-l", role="liaison").count() == 30

    office.goto(f"{site['url']}/console/import/")
    _check(office, good)
    assert "96 行无变化" in office.locator("p.msg.success").inner_text()
    office.click("button[value=apply]")
    office.wait_for_load_state()
    assert get_user_model().objects.filter(username__startswith="lx-").count() == 62
    assert AuditEvent.objects.filter(action=AuditAction.ORG_IMPORTED).count() == 2

    liaison = login("lx-l01", viewport=PHONE, password="linxi-2024")
    liaison.goto(f"{site['url']}/inbox/")
    assert "待办" in liaison.locator("h1").inner_text()
