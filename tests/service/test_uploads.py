"""Uploads are bounded before they are read: a body too long by its Content-Length is never read, a file past
DUBAN_MAX_UPLOAD_BYTES stops the reading, and a task holds at most DUBAN_MAX_FILES_PER_TASK files.

Each refusal is checked as a person meets it (the page, the API, in their language) and as the database sees it.
"""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from workflows.processes.models import Attachment, AuditEvent
from workflows.processes.services.attachments import attachment_add

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class Body(io.RawIOBase):
    """A request body of ``size`` bytes made up as it is read, counting what the server read."""

    def __init__(self, head: bytes, size: int):
        self.head, self.size, self.served = head, size, 0

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        n = self.size - self.served if n is None or n < 0 else min(n, self.size - self.served)
        start, self.served = self.served, self.served + n
        return (self.head[start:start + n] + b"0" * n)[:n]


def _stored(world) -> tuple[int, int]:
    return Attachment.objects.filter(task=world.report_task).count(), AuditEvent.objects.count()


def _multipart(field: str, content: bytes, **fields: str) -> bytes:
    return encode_multipart(BOUNDARY, {**fields, field: SimpleUploadedFile("佐证.pdf", content)})


@pytest.mark.parametrize("page", [False, True])
def test_a_200_mb_upload_is_refused_before_a_byte_is_read(world, clients, page):
    before = _stored(world)
    body = Body(_multipart("evidence" if page else "file", b"%PDF-1.4", action="attach"), 200 * MB)
    url = f"/tasks/{world.report_task.pk}/" if page else f"/api/tasks/{world.report_task.pk}/attachments/"
    response = clients["liaison_a"].post(url, **{"wsgi.input": body, "CONTENT_LENGTH": str(200 * MB),
                                                 "CONTENT_TYPE": MULTIPART_CONTENT})
    assert response.status_code == 413 and body.served == 0
    if page:
        page_text = response.content.decode()
        assert "请求过大：最多 11.0\xa0MB。" in page_text and "没有保存任何内容" in page_text
    else:
        assert response.json()["code"] == "too_large" and "11.0" in response.json()["message"]
    assert _stored(world) == before


def test_a_json_body_past_the_cap_is_refused_unread(world, clients):
    body = Body(b'{"data": "', 50 * MB)
    response = clients["office"].post("/api/definitions/", **{"wsgi.input": body, "CONTENT_LENGTH": str(50 * MB),
                                                               "CONTENT_TYPE": "application/json"})
    assert response.status_code == 413 and response.json()["code"] == "too_large" and body.served == 0


@pytest.mark.parametrize("page", [False, True])
def test_reading_stops_as_soon_as_a_file_passes_the_limit(world, clients, settings, page):
    settings.DUBAN_MAX_UPLOAD_BYTES = 256 * 1024
    before = _stored(world)
    content = _multipart("evidence" if page else "file", b"%PDF-1.4" + b"0" * (3 * MB), action="attach")
    body = Body(content, len(content))
    url = f"/tasks/{world.report_task.pk}/" if page else f"/api/tasks/{world.report_task.pk}/attachments/"
    response = clients["liaison_a"].post(url, **{"wsgi.input": body, "CONTENT_LENGTH": str(len(content)),
                                                 "CONTENT_TYPE": MULTIPART_CONTENT})
    assert response.status_code == 413
    assert body.served < settings.DUBAN_MAX_UPLOAD_BYTES + 3 * 64 * 1024 < len(content)  # a few chunks past it
    if page:
        assert "文件“佐证.pdf”过大：最多 256.0\xa0KB。" in response.content.decode()
    else:
        assert response.json() == {"code": "too_large", "message": "文件“佐证.pdf”过大：最多 256.0\xa0KB。",
                                   "details": {}}
    assert _stored(world) == before


def test_a_file_within_the_limit_is_attached(world, clients):
    response = clients["liaison_a"].post(f"/api/tasks/{world.report_task.pk}/attachments/",
                                         {"file": SimpleUploadedFile("报告.pdf", b"%PDF-1.4 " + b"x" * 300_000)})
    assert response.status_code == 201 and response.json()["size"] == 300_009


def _fill(world, settings) -> None:
    held = Attachment.objects.filter(task=world.report_task).count()
    for n in range(settings.DUBAN_MAX_FILES_PER_TASK - held):
        attachment_add(task_id=world.report_task.pk, actor=world.users["liaison_a"], name=f"{n}.txt", content=b"ok")


def test_a_task_holds_at_most_twenty_files_on_the_api(world, clients, settings):
    assert settings.DUBAN_MAX_FILES_PER_TASK == 20
    _fill(world, settings)
    before = _stored(world)
    response = clients["liaison_a"].post(f"/api/tasks/{world.report_task.pk}/attachments/",
                                         {"file": SimpleUploadedFile("21.txt", b"one too many")})
    assert response.status_code == 409
    assert response.json()["message"] == "该任务已有 20 个佐证材料，已达上限。"
    assert response.json()["details"] == {"file": ["该任务已有 20 个佐证材料，已达上限。"]}
    assert _stored(world) == before == (20, before[1])


def test_a_task_holds_at_most_twenty_files_on_the_page(world, clients, settings):
    _fill(world, settings)
    before = _stored(world)
    liaison = clients["liaison_a"]
    liaison.cookies["django_language"] = "en"
    page = liaison.post(f"/tasks/{world.report_task.pk}/", {"_action": "attach",
                                                             "evidence": SimpleUploadedFile("21.txt", b"one more")})
    assert page.status_code == 200
    assert "This task already holds 20 files of evidence, the most a task may hold." in page.content.decode()
    assert _stored(world) == before
