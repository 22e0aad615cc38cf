"""The office's units-and-people XLSX: previewed row by row, saved only whole, re-imported without
duplicates, audited; the new schools may join a plan."""
from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model

from tests.org_workbook import bureau_workbook
from workflows.org import imports
from workflows.org.models import Membership, Unit
from workflows.plans.services.org_import import org_import_apply, org_import_preview
from workflows.processes.errors import Forbidden, Invalid
from workflows.processes.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(office_user):
    return office_user


def test_a_bureau_is_previewed_then_saved_whole(office, yunxi):
    content = bureau_workbook(30)
    preview = org_import_preview(content=content, actor=office)
    assert (preview.problems, preview.new, len(preview.units), len(preview.people)) == (0, 96, 34, 62)
    assert not Unit.objects.filter(code__startswith="linxi").exists()  # a preview saves nothing
    org_import_apply(content=content, actor=office, plan_id=yunxi.pk)
    assert Unit.objects.filter(code__startswith="linxi-s", kind="school", parent__code="linxi").count() == 30
    liaison = get_user_model().objects.get(username="lx-l07")
    assert liaison.first_name == "联络员7" and liaison.check_password("linxi-2024")
    assert Membership.objects.get(user=liaison).role == "liaison"
    assert Membership.objects.get(user__username="lx-aid").role == "department_head"  # an English role name
    assert yunxi.schools.filter(code__startswith="linxi-s").count() == 30
    event = AuditEvent.objects.get(action=AuditAction.ORG_IMPORTED)
    assert (event.actor, event.detail["new"], event.detail["joined"]) == (office, 96, 30)


def test_importing_again_updates_and_never_duplicates(office):
    org_import_apply(content=bureau_workbook(30), actor=office)
    again = org_import_preview(content=bureau_workbook(30, kind_words="en"), actor=office)
    assert (again.new, again.updated, again.problems) == (0, 0, 0) and again.unchanged == 96
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(bureau_workbook(30)))
    book.worksheets[0]["B5"] = "临溪县基础教育股（更名）"
    out = io.BytesIO()
    book.save(out)
    org_import_apply(content=out.getvalue(), actor=office)
    assert Unit.objects.get(code="linxi-basic").name == "临溪县基础教育股（更名）"
    assert Unit.objects.filter(code__startswith="linxi").count() == 34
    assert get_user_model().objects.filter(username__startswith="lx-").count() == 62


def test_a_bad_row_is_named_and_nothing_is_saved(office):
    preview = org_import_preview(content=bureau_workbook(30, bad_row=True), actor=office)
    [bad] = [row for row in preview.people if row.problems]
    assert (bad.line, bad.key, bad.action) == (64, "lx-ghost", imports.ERROR)
    assert len(bad.problems) == 2  # the unit and the email, both at once
    with pytest.raises(Invalid):
        org_import_apply(content=bureau_workbook(30, bad_row=True), actor=office)
    assert not Unit.objects.filter(code__startswith="linxi").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.ORG_IMPORTED).exists()


def test_a_file_that_is_not_a_workbook_or_someone_else_is_refused(office, django_user_model):
    with pytest.raises(Invalid):
        org_import_preview(content=b"code,name\n1,2\n", actor=office)
    stranger = django_user_model.objects.create_user("stranger")
    with pytest.raises(Forbidden):
        org_import_preview(content=bureau_workbook(3), actor=stranger)


def test_a_workbook_with_xml_entities_is_refused(office):
    """A billion-laughs sheet: openpyxl reads through defusedxml, and the import refuses the file."""
    import zipfile

    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "&lol;" * 10}">' for i in range(9))
              + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>')
    source, out = zipfile.ZipFile(io.BytesIO(bureau_workbook(1))), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, laughs if item.filename == "xl/worksheets/sheet1.xml" else source.read(item))
    with pytest.raises(Invalid):
        org_import_preview(content=out.getvalue(), actor=office)
