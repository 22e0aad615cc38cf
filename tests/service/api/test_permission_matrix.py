"""Every endpoint × every role, from one table. Each request runs in a rolled-back transaction."""
from __future__ import annotations

import pytest
from django.db import transaction

from tests.service.conftest import ROLES
from workflows.plans.simulation import report_data

pytestmark = pytest.mark.django_db

#          office leader lead  coop  prin  li_a  li_b  anon
SEE_ALL = (200, 200, 200, 200, 200, 200, 200, 401)
OFFICE_WRITE = (201, 403, 403, 403, 403, 403, 403, 401)
OFFICE_ACT = (200, 403, 403, 403, 403, 403, 403, 401)
REPORT_VIEW = (200, 200, 200, 200, 200, 200, 404, 401)
REPORT_ACT = (200, 403, 403, 403, 403, 200, 404, 401)
REPORT_OFFICE = (200, 403, 403, 403, 403, 403, 404, 401)
BUREAU_ONLY = (200, 200, 200, 200, 403, 403, 403, 401)
ITEM_LEAD = (200, 403, 200, 403, 404, 404, 404, 401)
DRAFT_ONLY = (200, 200, 404, 404, 404, 404, 404, 401)

MATRIX = [
    ("GET", "/api/schema/", None, (200, 200, 200, 200, 200, 200, 200, 200)),  # documentation is public
    ("GET", "/api/definitions/", None, SEE_ALL),
    ("POST", "/api/definitions/", "upload", (201, 403, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/definitions/quarterly_report/versions/", None, SEE_ALL),
    ("GET", "/api/definitions/quarterly_report/versions/1/xml/", None, SEE_ALL),
    ("POST", "/api/definitions/quarterly_report/versions/1/activate/", None, OFFICE_ACT),
    ("GET", "/api/instances/", None, SEE_ALL),
    ("POST", "/api/instances/", {"key": "work_item", "unit": "aid-center"}, OFFICE_WRITE),
    ("GET", "/api/instances/{instance}/", None, REPORT_VIEW),
    ("POST", "/api/instances/{instance}/suspend/", None, REPORT_OFFICE),
    ("POST", "/api/instances/{instance}/terminate/", {"reason": "重复"}, REPORT_OFFICE),
    ("POST", "/api/instances/{instance}/resume/", None, (409, 403, 403, 403, 403, 403, 404, 401)),
    ("POST", "/api/instances/{instance}/retry/", {}, (409, 403, 403, 403, 403, 403, 404, 401)),
    ("GET", "/api/tasks/", None, SEE_ALL),
    ("GET", "/api/tasks/{task}/", None, REPORT_VIEW),
    ("GET", "/api/tasks/{task}/form/", None, REPORT_VIEW),
    ("POST", "/api/tasks/{task}/claim/", None, REPORT_ACT),
    ("POST", "/api/tasks/{task}/unclaim/", None, (409, 403, 403, 403, 403, 409, 404, 401)),
    ("POST", "/api/tasks/{task}/draft/", {"data": {"sections": {}}}, REPORT_ACT),
    ("POST", "/api/tasks/{task}/complete/", "report", REPORT_ACT),
    ("POST", "/api/tasks/{task}/delegate/", {"user": "lili"}, REPORT_ACT),
    ("POST", "/api/tasks/{task}/reassign/", {"user": "lili"}, REPORT_OFFICE),
    ("GET", "/api/tasks/{task}/attachments/", None, REPORT_VIEW),
    ("POST", "/api/tasks/{task}/attachments/", "file", (201, 403, 403, 403, 403, 201, 404, 401)),
    ("GET", "/api/attachments/{attachment}/", None, REPORT_VIEW),
    ("GET", "/api/escalations/", None, SEE_ALL),
    ("POST", "/api/escalations/{escalation}/acknowledge/", None, REPORT_ACT),
    ("POST", "/api/escalations/{escalation}/chase/", None, REPORT_ACT),
    ("GET", "/api/units/", None, SEE_ALL),
    ("POST", "/api/units/", {"code": "new-school", "name": "新学校", "kind": "school", "parent": "yunxi-bureau"},
     OFFICE_WRITE),
    ("PATCH", "/api/units/{unit}/", {"name": "文桥中心小学（新）"}, OFFICE_ACT),
    ("GET", "/api/people/", None, SEE_ALL),
    ("POST", "/api/people/", {"username": "newbie", "name": "新人"}, OFFICE_WRITE),
    ("GET", "/api/memberships/", None, SEE_ALL),
    ("POST", "/api/memberships/", {"user": "luoting", "unit": "aid-center", "role": "staff"}, OFFICE_WRITE),
    ("DELETE", "/api/memberships/{membership}/", None, (204, 403, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/plans/", None, SEE_ALL),
    ("POST", "/api/plans/", {"code": "p2", "title": "计划", "year": 2025, "bureau": "yunxi-bureau"}, OFFICE_WRITE),
    ("GET", "/api/work-items/", None, SEE_ALL),
    # work item 5, not started: led by the lead role's department (the plan lets departments start theirs);
    # the cooperating role's department has no part in it and does not see it
    ("POST", "/api/work-items/{item5}/start/", None, (201, 403, 201, 404, 404, 404, 404, 401)),
    ("POST", "/api/work-items/{item}/start/", None, (409, 403, 409, 403, 404, 404, 404, 401)),  # started already
    ("POST", "/api/work-item-runs/{run}/dispatch/", "dispatch", ITEM_LEAD),
    ("POST", "/api/work-item-runs/{run}/apply-close/", {"result": "完成"}, (409, 403, 409, 403, 404, 404, 404, 401)),
    ("POST", "/api/work-item-runs/{run}/close/", {}, (409, 403, 403, 403, 404, 404, 404, 401)),
    ("GET", "/api/cycles/", None, SEE_ALL),
    ("POST", "/api/cycles/", {"plan": "{plan}", "year": 2025, "half": 1}, OFFICE_WRITE),
    ("POST", "/api/cycles/{cycle2}/open/", None, OFFICE_ACT),
    ("GET", "/api/cycles/{cycle}/progress/", None, BUREAU_ONLY),
    ("GET", "/api/cycles/{cycle}/quarters/1/opening/", None, BUREAU_ONLY),
    ("GET", "/api/cycles/{cycle}/quarters/1/summary/", None, BUREAU_ONLY),
    ("GET", "/api/cycles/{cycle}/quarters/1/summary/xlsx/", None, BUREAU_ONLY),
    # The world's cycle is in Q1, not at its draft step: the office is refused with a conflict.
    ("POST", "/api/cycles/{cycle}/bulletin/", None, (201, 403, 403, 403, 403, 403, 403, 401)),  # a redraft
    ("GET", "/api/cycles/{cycle}/bulletin/answers/", None, (200, 403, 403, 403, 403, 403, 403, 401)),
    ("GET", "/api/bulletins/", None, SEE_ALL),
    ("GET", "/api/bulletins/{bulletin}/", None, DRAFT_ONLY),
    ("PATCH", "/api/bulletins/{bulletin}/", {"document_number": "岳云教体函〔2024〕11号"},
     (200, 403, 404, 404, 404, 404, 404, 401)),
    ("POST", "/api/bulletins/{bulletin}/submit/", None, (400, 403, 404, 404, 404, 404, 404, 401)),
    ("POST", "/api/bulletins/{bulletin}/decide/", {"decision": "approve"}, (409, 409, 404, 404, 404, 404, 404, 401)),
    ("GET", "/api/bulletins/{bulletin}/docx/", None, (409, 409, 404, 404, 404, 404, 404, 401)),
    ("GET", "/api/extensions/", None, SEE_ALL),
    ("GET", "/api/quarterly-reports/{report}/extensions/", None, REPORT_VIEW),
    # the report is past its due moment: its school may not ask any more; others may never ask
    ("POST", "/api/quarterly-reports/{report}/extensions/", {"due_on": "2024-04-12", "reason": "理由"},
     (403, 403, 403, 403, 409, 409, 404, 401)),
    ("GET", "/api/audit/", None, SEE_ALL),
    ("GET", "/api/notifications/", None, SEE_ALL),
    ("GET", "/api/notifications/unread/", None, SEE_ALL),
    ("POST", "/api/notifications/read/", {}, SEE_ALL),
    ("DELETE", "/api/auth/token/", None, (204, 204, 204, 204, 204, 204, 204, 401)),
]


def _ids(world) -> dict:
    from tests.service.conftest import draft_bulletin
    from workflows.org.models import Membership, Unit

    bulletin = draft_bulletin(world)
    return {"task": world.report_task.pk, "instance": world.report_instance.pk, "attachment": world.attachment.pk,
            "escalation": world.escalation.pk, "unit": Unit.objects.get(code="wenqiao-central-primary").pk,
            "membership": Membership.objects.filter(role="staff").first().pk, "plan": world.plan.pk,
            "item": world.plan.work_items.get(number=1).pk, "item5": world.plan.work_items.get(number=5).pk,
            "run": world.run.pk, "cycle": world.cycle.pk,
            "cycle2": world.plan.cycles.get(half=2).pk, "bulletin": bulletin.pk,
            "report": world.report_instance.quarterly_report.pk}


def _body(kind, world):
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    if kind == "upload":
        from tests.builders import simple_user_process

        return {"files": {"matrix.bpmn": simple_user_process("matrix_process").decode()}}, "json"
    if kind == "report":
        return {"data": report_data(world.report_task, world.report_task.instance.unit)}, "json"
    if kind == "file":
        return {"file": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf")}, "multipart"
    if kind == "dispatch":
        due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        return {"instructions": "核查", "due_date": due, "school_ids": [world.plan.schools.first().pk]}, "json"
    return kind, "json"


@pytest.mark.parametrize("method,path,body,expected", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_endpoint_by_role(method, path, body, expected, world, clients):
    ids = _ids(world)
    url = path.format(**ids)
    got = {}
    for role in ROLES:
        data, kind = _body(body, world)  # fresh each time: an uploaded file is read once
        if isinstance(data, dict):
            data = {k: (v.format(**ids) if isinstance(v, str) and v.startswith("{") else v) for k, v in data.items()}
        with transaction.atomic():
            call = getattr(clients[role], method.lower())
            if data is None:
                response = call(url)
            elif kind == "multipart":
                response = call(url, data=data)
            else:
                response = call(url, data=data, content_type="application/json")
            transaction.set_rollback(True)
        got[role] = response.status_code
        if response.status_code >= 400 and response.get("Content-Type", "").startswith("application/json"):
            assert set(response.json()) == {"code", "message", "details"}, response.json()
    assert got == dict(zip(ROLES, expected, strict=True))
