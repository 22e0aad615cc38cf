"""Each quarter keeps its roster: a school that joins later counts only from the quarter it joins, a school
that leaves (撤并) is cancelled where it was pending and stays where it was counted; on a ticking clock."""
from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from workflows.org.models import Unit, UnitKind
from workflows.plans.documents.summary_xlsx import render_summary_xlsx
from workflows.plans.models import ReportStatus
from workflows.plans.progress import cycle_progress
from workflows.plans.services.cycles import cycles_tick
from workflows.plans.services.plan_schools import plan_school_add, plan_school_remove
from workflows.plans.summary import quarterly_summary
from workflows.processes.models import InstanceStatus

pytestmark = pytest.mark.django_db


def _at(moment: dt.datetime, hours: float = 1):
    return time_machine.travel(moment + dt.timedelta(hours=hours), tick=True)


def _summary(quarter) -> tuple[dict, list[str]]:
    table = quarterly_summary(quarter=quarter)
    return dict(table.counts), [row.school for row in table.rows]


def _xlsx_schools(quarter) -> list[str]:
    sheet = load_workbook(io.BytesIO(render_summary_xlsx(quarterly_summary(quarter=quarter)))).worksheets[0]
    names = {row.school for row in quarterly_summary(quarter=quarter).rows}
    return [c.value for row in sheet.iter_rows() for c in row if c.value in names]


def test_joining_and_leaving_change_only_the_quarters_still_open(
        yunxi, office_user, django_capture_on_commit_callbacks):
    cycle = yunxi.cycles.get(half=1)
    first, second = cycle.quarters.get(quarter=1), cycle.quarters.get(quarter=2)
    founding = sorted(yunxi.schools.values_list("name", flat=True), key=lambda n: n)
    newcomer = Unit.objects.create(code="zz-new-school", name="新建学校", kind=UnitKind.SCHOOL, parent=yunxi.bureau)
    leaving = yunxi.schools.order_by("code").first()
    with _at(first.opens_at):
        cycles_tick()
    with _at(first.closes_at):
        cycles_tick()
    first.refresh_from_db()
    q1_counts, q1_schools = _summary(first)
    assert q1_counts["missing"] == len(founding) and len(q1_schools) == len(founding)

    with _at(second.opens_at):
        cycles_tick()
    with _at(second.opens_at, hours=2), django_capture_on_commit_callbacks(execute=True):
        plan_school_add(plan_id=yunxi.pk, unit_id=newcomer.pk, actor=office_user)
        cancelled = plan_school_remove(plan_id=yunxi.pk, unit_id=leaving.pk, actor=office_user, reason="撤并")
        assert cancelled == 1
        cycles_tick()  # the scheduler gives the newcomer its report for the open quarter
    second.refresh_from_db()
    assert second.reports.get(school=newcomer).status == ReportStatus.PENDING
    left = second.reports.get(school=leaving)
    assert left.status == ReportStatus.CANCELLED and left.instance.status == InstanceStatus.TERMINATED
    assert not first.reports.filter(school=newcomer).exists()

    assert _summary(first) == (q1_counts, q1_schools)  # the closed quarter did not change
    assert _xlsx_schools(first) == q1_schools
    q2_counts, q2_schools = _summary(second)
    assert "新建学校" in q2_schools and leaving.name not in q2_schools
    assert len(q2_schools) == len(founding) and q2_counts["missing"] == len(founding)

    quarters, rows = cycle_progress(cycle=cycle)
    cells = {row.school.name: row.cells for row in rows}
    assert cells["新建学校"] == ["not_counted", "pending"]
    assert cells[leaving.name] == ["missing", "cancelled"]

    with _at(second.closes_at):
        cycles_tick()
    second.refresh_from_db()
    assert second.closed_at is not None
    assert _summary(second) == (q2_counts, q2_schools)
    assert _summary(first) == (q1_counts, q1_schools)


def test_the_office_adds_and_removes_schools_through_the_api(yunxi, office_user, client, django_user_model):
    newcomer = Unit.objects.create(code="zz-api-school", name="接口新学校", kind=UnitKind.SCHOOL, parent=yunxi.bureau)
    client.force_login(office_user)
    added = client.post(f"/api/plans/{yunxi.pk}/schools/", {"unit": newcomer.pk}, content_type="application/json")
    assert added.status_code == 200 and {"id": newcomer.pk, "code": "zz-api-school", "name": "接口新学校"} in \
        added.json()["schools"]
    again = client.post(f"/api/plans/{yunxi.pk}/schools/", {"unit": newcomer.pk}, content_type="application/json")
    assert again.status_code == 409
    removed = client.delete(f"/api/plans/{yunxi.pk}/schools/{newcomer.pk}/", {"reason": "撤并"},
                            content_type="application/json")
    assert removed.status_code == 200 and removed.json() == {"cancelled_reports": 0}
    assert not yunxi.schools.filter(pk=newcomer.pk).exists()
    liaison = django_user_model.objects.get(username="luoting")
    client.force_login(liaison)
    refused = client.post(f"/api/plans/{yunxi.pk}/schools/", {"unit": newcomer.pk}, content_type="application/json")
    assert refused.status_code in (403, 404) and not yunxi.schools.filter(pk=newcomer.pk).exists()
