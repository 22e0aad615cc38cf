"""The import page: a file that is not a workbook, no file, a forged or stale token, or someone not in
the office change nothing and are told why in their language."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.org_workbook import bureau_workbook
from workflows.org.models import Unit
from workflows.plans.models import ImportJob

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


def test_a_preview_then_its_import(clients, django_capture_on_commit_callbacks):
    office = clients["office"]
    page = office.post("/console/import/", {"_action": "preview",
                                            "file": SimpleUploadedFile("临溪.xlsx", bureau_workbook(3))})
    token = page.context["token"]
    assert page.context["preview"].new == 15 and not Unit.objects.filter(code="linxi").exists()
    with django_capture_on_commit_callbacks(execute=True) as handed:  # the job goes to the workers on commit
        answer = office.post("/console/import/", {"_action": "apply", "token": token, "name": "临溪.xlsx"})
    assert len(handed) == 1
    job = ImportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/console/import/{job.pk}/"
    assert Unit.objects.filter(code__startswith="linxi-s").count() == 3  # the worker ran it (eager in tests)
    page = office.get(answer["Location"]).content.decode()
    assert "单位和人员已导入：新增 15 行" in page and 'http-equiv="refresh"' not in page
    assert (job.status, job.name, job.counts["new"]) == ("done", "临溪.xlsx", 15) and job.finished_at


def test_an_import_runs_once_and_a_file_changed_since_its_preview_fails_in_words(clients, office_user):
    from workflows.plans.services.org_import import org_import_run

    job = ImportJob.objects.create(created_by=office_user, name="x.xlsx", content=bureau_workbook(3, bad_row=True))
    waiting = clients["office"].get(f"/console/import/{job.pk}/").content.decode()
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting  # the page follows the job
    assert clients["liaison_a"].get(f"/console/import/{job.pk}/").status_code == 403
    assert org_import_run(job_id=job.pk) is True and org_import_run(job_id=job.pk) is False
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "problems") and not Unit.objects.filter(code="linxi").exists()
    page = clients["office"].get(f"/console/import/{job.pk}/").content.decode()
    assert "未保存任何内容" in page and 'http-equiv="refresh"' not in page


@pytest.mark.parametrize("role", ["lead_dept", "principal_a", "liaison_b"])
def test_only_the_office_imports(role, clients):
    assert clients[role].get("/console/import/").status_code == 403
    answer = clients[role].post("/console/import/", {"_action": "preview",
                                                     "file": SimpleUploadedFile("x.xlsx", bureau_workbook(3))})
    assert answer.status_code == 403 and not Unit.objects.filter(code="linxi").exists()


def test_an_import_that_stops_on_an_error_says_so_and_saves_nothing(clients, office_user, monkeypatch):
    from workflows.plans.services import org_import

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(org_import, "org_import_apply", broken)
    job = ImportJob.objects.create(created_by=office_user, name="x.xlsx", content=bureau_workbook(3))
    with pytest.raises(RuntimeError):
        org_import.org_import_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error) == ("failed", "stopped") and not Unit.objects.filter(code="linxi").exists()
    page = clients["office"].get(f"/console/import/{job.pk}/").content.decode()
    assert "导入因错误中止" in page and 'http-equiv="refresh"' not in page


def test_the_job_counts_its_steps_as_each_new_persons_password_is_hashed(clients, office_user, monkeypatch):
    from django.contrib.auth import get_user_model

    from workflows.org import imports
    from workflows.plans.services.org_import import org_import_run

    job = ImportJob.objects.create(created_by=office_user, name="x.xlsx", content=bureau_workbook(3))
    seen, make_password = [], imports.make_password

    def hashing(password):  # what the job's page would read while each password is hashed
        seen.append(ImportJob.objects.values_list("steps_done", "steps").get(pk=job.pk))
        return make_password(password)

    monkeypatch.setattr(imports, "make_password", hashing)
    assert org_import_run(job_id=job.pk)
    assert seen == [(1 + done, 10) for done in range(8)]  # the check, 8 new people, the save
    job.refresh_from_db()
    assert (job.status, job.steps_done, job.steps, job.percent) == ("done", 10, 10, 100)
    assert get_user_model().objects.get(username="lx-l02").check_password("linxi-2024")
    ImportJob.objects.filter(pk=job.pk).update(status="running", steps_done=3)
    page = clients["office"].get(f"/console/import/{job.pk}/").content.decode()
    assert 'value="30"' in page and "第 3 步，共 10 步" in page and 'http-equiv="refresh"' in page
