"""Access: tokens stop working once revoked; uploads are size- and type-checked; the admin cannot edit audit."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_revoked_token_is_refused(world):
    client = Client()
    token = client.post("/api/auth/token/", {"username": "lili", "password": "pw"},
                        content_type="application/json").json()["token"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get("/api/tasks/", **auth).status_code == 200
    assert client.delete("/api/auth/token/", **auth).status_code == 204
    assert client.get("/api/tasks/", **auth).status_code == 401


def test_token_requests_are_refused_after_five_wrong_passwords(world):
    client = Client()
    answers = [client.post("/api/auth/token/", {"username": "lili", "password": "wrong"},
                           content_type="application/json") for _ in range(6)]
    assert [a.status_code for a in answers] == [400] * 4 + [429] * 2
    assert answers[-1].json()["code"] == "too_many_attempts" and answers[-1]["Retry-After"] == "900"
    right = client.post("/api/auth/token/", {"username": "lili", "password": "pw"}, content_type="application/json")
    assert right.status_code == 429 and "token" not in right.json()


def test_uploads_are_limited_in_size_and_type(world, clients, settings):
    settings.DUBAN_MAX_UPLOAD_BYTES = 1024
    url = f"/api/tasks/{world.report_task.pk}/attachments/"
    liaison = clients["liaison_a"]
    big = liaison.post(url, {"file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2000)})
    assert big.status_code == 413 and big.json()["code"] == "too_large"  # refused while it was read
    fake = liaison.post(url, {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf")})
    assert fake.status_code == 400
    script = liaison.post(url, {"file": SimpleUploadedFile("run.exe", b"MZ")})
    assert script.status_code == 400
    download = clients["liaison_a"].get(f"/api/attachments/{world.attachment.pk}/")
    assert download["Content-Disposition"].startswith("attachment") and download["X-Content-Type-Options"] == "nosniff"


def test_the_admin_shows_the_audit_trail_read_only(world, django_user_model):
    from workflows.processes.models import AuditEvent

    admin = Client()
    admin.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    event = AuditEvent.objects.first()
    assert admin.get("/admin/processes/auditevent/").status_code == 200
    assert admin.post(f"/admin/processes/auditevent/{event.pk}/change/", {"action": "forged"}).status_code == 403
    assert admin.post(f"/admin/processes/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_unknown_inactive_and_malformed_tokens_answer_401(world, django_user_model):
    from rest_framework.authtoken.models import Token

    client = Client()
    assert client.get("/api/tasks/", HTTP_AUTHORIZATION="Token " + "0" * 40).status_code == 401
    assert client.get("/api/tasks/", HTTP_AUTHORIZATION="Token abc\x00def").status_code == 401
    idle = django_user_model.objects.create_user("idle", password="pw", is_active=False)
    key = Token.objects.create(user=idle).key
    response = client.get("/api/tasks/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"
