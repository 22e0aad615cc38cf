"""The import page: a file that is not a workbook, no file, a forged or stale token, or someone not in
the office change nothing and are told why in their language."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.org_workbook import bureau_workbook
from workflows.org.models import Unit

pytestmark = pytest.mark.django_db


def test_bad_uploads_and_tokens_change_nothing(clients):
    office = clients["office"]
    assert office.get("/console/import/template.xlsx")["Content-Type"].startswith("application/vnd.openxml")
    answer = office.post("/console/import/", {"_action": "preview"})
    assert answer.status_code == 400 and "请选择要导入的 XLSX 文件" in answer.content.decode()
    answer = office.post("/console/import/", {"_action": "preview",
                                              "file": SimpleUploadedFile("a.xlsx", b"not a workbook")})
    assert answer.status_code == 400 and "该文件不是 XLSX 工作簿" in answer.content.decode()
    for token in ("../../etc/passwd", "0" * 32):
        answer = office.post("/console/import/", {"_action": "apply", "token": token}, follow=True)
        assert "预览的文件已失效" in answer.content.decode()
    assert not Unit.objects.filter(code__startswith="linxi").exists()


def test_a_preview_then_its_import(clients):
    office = clients["office"]
    page = office.post("/console/import/", {"_action": "preview",
                                            "file": SimpleUploadedFile("临溪.xlsx", bureau_workbook(3))})
    token = page.context["token"]
    assert page.context["preview"].new == 15 and not Unit.objects.filter(code="linxi").exists()
    answer = office.post("/console/import/", {"_action": "apply", "token": token})
    assert answer.status_code == 302 and answer["Location"] == "/console/people/"
    assert Unit.objects.filter(code__startswith="linxi-s").count() == 3


@pytest.mark.parametrize("role", ["lead_dept", "principal_a", "liaison_b"])
def test_only_the_office_imports(role, clients):
    assert clients[role].get("/console/import/").status_code == 403
    answer = clients[role].post("/console/import/", {"_action": "preview",
                                                     "file": SimpleUploadedFile("x.xlsx", bureau_workbook(3))})
    assert answer.status_code == 403 and not Unit.objects.filter(code="linxi").exists()
