"""Extension requests over HTTP: the school asks, the office decides; scope and bad input refused."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model

from workflows.org.models import Membership, Role
from workflows.plans.calendar import LOCAL
from workflows.plans.services.cycles import cycles_tick
from workflows.processes.models import HumanTaskState

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def _local(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2024, 4, day, hour, tzinfo=LOCAL)


def _people(report):
    liaison = Membership.objects.filter(unit=report.school, role=Role.LIAISON).first()
    return liaison.user if liaison else None


def test_a_school_asks_and_the_office_grants_over_http(yunxi, client):
    office = get_user_model().objects.get(username="lili")
    quarter = yunxi.cycles.get(half=1).quarters.get(quarter=1)
    with time_machine.travel(quarter.opens_at + dt.timedelta(hours=1), tick=True):
        cycles_tick()
    reports = [r for r in quarter.reports.select_related("school").order_by("school__code") if _people(r)]
    report, elsewhere = reports[0], reports[1]
    liaison, stranger = _people(report), _people(elsewhere)
    with time_machine.travel(_local(2, 10), tick=True):
        client.force_login(stranger)
        hidden = client.post(f"/api/quarterly-reports/{report.pk}/extensions/",
                             {"due_on": "2024-04-10", "reason": "理由"}, content_type="application/json")
        assert hidden.status_code == 404
        client.force_login(liaison)
        bad = client.post(f"/api/quarterly-reports/{report.pk}/extensions/", {"due_on": "2024-04-20",
                          "reason": "理由"}, content_type="application/json")
        assert bad.status_code == 400 and "due_on" in bad.json()["details"]
        asked = client.post(f"/api/quarterly-reports/{report.pk}/extensions/",
                            {"due_on": "2024-04-10", "reason": "迎接督导"}, content_type="application/json")
        assert asked.status_code == 201, asked.content
        body = asked.json()
        assert (body["status"], body["reason"], body["asked_by"]) == ("pending", "迎接督导", liaison.username)
        again = client.post(f"/api/quarterly-reports/{report.pk}/extensions/",
                            {"due_on": "2024-04-11", "reason": "再次"}, content_type="application/json")
        assert again.status_code == 409
        mine = client.post(f"/api/extensions/{body['id']}/decision/", {"decision": "grant"},
                           content_type="application/json")
        assert mine.status_code == 403

        client.force_login(office)
        pending = client.get("/api/extensions/?status=pending").json()["results"]
        assert [row["id"] for row in pending] == [body["id"]]
        assert client.get("/api/extensions/?status=nonsense").status_code == 400
        refusal = client.post(f"/api/extensions/{body['id']}/decision/", {"decision": "refuse"},
                              content_type="application/json")
        assert refusal.status_code == 400 and "comment" in refusal.json()["details"]
        granted = client.post(f"/api/extensions/{body['id']}/decision/",
                              {"decision": "grant", "due_on": "2024-04-09", "comment": "同意"},
                              content_type="application/json")
        assert granted.status_code == 200, granted.content
        assert granted.json()["status"] == "granted"
        twice = client.post(f"/api/extensions/{body['id']}/decision/", {"decision": "refuse", "comment": "x"},
                            content_type="application/json")
        assert twice.status_code == 409
    report.refresh_from_db()
    assert report.due_at == _local(9, 18)
    fill = report.instance.human_tasks.get(bpmn_id="fill_report", state=HumanTaskState.READY)
    assert fill.due_at == _local(9, 18)
    client.force_login(liaison)
    history = client.get(f"/api/quarterly-reports/{report.pk}/extensions/").json()
    assert [(row["status"], row["comment"], row["due_at"][:10]) for row in history] == [
        ("granted", "同意", "2024-04-09")]
    client.force_login(stranger)
    assert client.get(f"/api/quarterly-reports/{report.pk}/extensions/").status_code == 404
