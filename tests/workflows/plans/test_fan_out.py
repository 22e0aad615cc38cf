"""Opening a quarter starts the schools' reports in bulk, on any number of workers, with the rows
one-by-one starts would write."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.notifications.models import Notification
from workflows.org.models import Membership, Unit
from workflows.org.roles import unit_for_role, units_for_role
from workflows.plans.models import QuarterlyReport
from workflows.plans.services import cycles
from workflows.plans.services.cycles import cycle_open, quarter_dispatch, quarter_open, quarter_open_schools
from workflows.processes.audit import audit_verify
from workflows.processes.models import AuditEvent, HumanTask
from workflows.processes.services import instances
from workflows.processes.services.definitions import definition_for_start
from workflows.processes.services.instances import InstanceStart, instance_start, instances_start_many

pytestmark = pytest.mark.django_db

TASK_FIELDS = ("bpmn_id", "name", "documentation", "lane", "candidate_role", "candidate_unit_id", "assignee_id",
               "due_at", "state", "form_key")


def _opened_quarter(plan):
    cycle = cycle_open(cycle_id=plan.cycles.get(half=1).pk)
    return cycle.quarters.get(quarter=1)


def _rows(instance):
    task = instance.human_tasks.get()
    events = list(AuditEvent.objects.filter(instance_id=instance.pk).order_by("id").values_list("action", "task_guid"))
    notices = sorted(Notification.objects.filter(link=f"/tasks/{task.pk}/").values_list("user_id", "kind", "title"))
    return ({f: getattr(task, f) for f in TASK_FIELDS}, [a for a, _ in events],
            [g == str(task.task_guid) for _, g in events], notices,
            (instance.status, instance.next_timer_at, instance.revision, bytes(instance.state) != b""))


def test_the_bulk_path_writes_the_rows_the_general_path_writes(yunxi, monkeypatch):
    """Plain first steps are written in bulk; the general path (any first step) is the reference."""
    quarter = _opened_quarter(yunxi)
    definition = definition_for_start(key=cycles.REPORT_PROCESS)
    school = Unit.objects.get(code="wenqiao-central-primary")
    start = InstanceStart(unit=school, business_key="k", refs={"quarter": 1},
                          data={"school": school.name, "quarter": 1, "year": 2024, "reminder_at": quarter.reminder_at,
                                "due_at": quarter.due_at, "supervise_at": quarter.supervise_at})
    with monkeypatch.context() as patch:
        patch.setattr(instances, "is_plain_start", lambda snapshot: False)
        alone = instance_start(definition=definition, data=start.data, unit=school, business_key="k",
                               refs=start.refs)
    single = instance_start(definition=definition, data=start.data, unit=school, business_key="k", refs=start.refs)
    batch = [single, *instances_start_many(definition=definition, starts=[start, start])]
    assert len({i.pk for i in batch}) == 3
    for instance in batch:
        assert _rows(instance) == _rows(alone)
    assert Notification.objects.filter(title__startswith="新待办").count() == 4 * len(_rows(alone)[3]) > 0
    assert audit_verify() == []


def test_opening_a_quarter_gives_every_school_one_report_and_task(yunxi, monkeypatch):
    monkeypatch.setattr(cycles, "CHUNK", 4)  # several chunks even for this plan's schools
    quarter = _opened_quarter(yunxi)
    schools = set(yunxi.schools.values_list("pk", flat=True))
    assert quarter_open(quarter_id=quarter.pk) == len(schools) > 4
    reports = QuarterlyReport.objects.filter(quarter=quarter)
    assert set(reports.values_list("school_id", flat=True)) == schools
    for report in reports.select_related("instance"):
        task = report.instance.human_tasks.get()
        assert task.candidate_unit_id == report.school_id  # the school's own liaison, never a peer's
        assert report.instance.refs["quarterly_report"] == report.pk
    quarter.refresh_from_db()
    assert quarter.opened_at is not None
    assert quarter_open(quarter_id=quarter.pk) == 0
    assert audit_verify() == []


def test_dispatched_chunks_open_the_quarter_and_a_repeated_chunk_starts_nothing(yunxi, monkeypatch):
    monkeypatch.setattr(cycles, "CHUNK", 5)
    quarter = _opened_quarter(yunxi)
    ids = list(yunxi.schools.order_by("code").values_list("pk", flat=True))
    assert quarter_dispatch(quarter_id=quarter.pk) == len(ids)  # tasks run inline in tests
    quarter.refresh_from_db()
    assert quarter.opened_at is not None
    assert QuarterlyReport.objects.filter(quarter=quarter).count() == len(ids)
    assert quarter_open_schools(quarter_id=quarter.pk, school_ids=ids[:5]) == 0  # a redelivered chunk
    assert HumanTask.objects.filter(instance__refs__quarter=1, instance__parent=quarter.cycle.instance).count() \
        == len(ids)


def test_a_chunk_that_meets_a_school_started_elsewhere_starts_the_rest(yunxi):
    quarter = _opened_quarter(yunxi)
    schools = list(yunxi.schools.order_by("code"))
    quarter_open(quarter_id=quarter.pk, limit=1)  # another worker got the first school
    definition = definition_for_start(key=cycles.REPORT_PROCESS)
    assert cycles._start_reports(quarter, schools[:3], definition, None) == 2  # falls back to one by one
    assert QuarterlyReport.objects.filter(quarter=quarter).count() == 3


def test_the_candidate_lookup_reads_no_peer_schools(bureau, django_user_model):
    office = Unit.objects.create(code="office", name="办公室", kind="office", parent=bureau)
    peers = [Unit.objects.create(code=f"s{i}", name=f"学校{i}", kind="school", parent=bureau) for i in range(30)]
    for unit, role in [(office, "office_director"), *[(s, "liaison") for s in peers]]:
        Membership.objects.create(user=django_user_model.objects.create(username=f"u-{unit.code}"), unit=unit,
                                  role=role)
    assert unit_for_role("liaison", peers[3]) == peers[3]
    assert unit_for_role("office_director", peers[3]) == office
    assert units_for_role("liaison", peers) == {s.pk: s for s in peers}
    with CaptureQueriesContext(connection) as captured:
        unit_for_role("liaison", peers[3])
    lookup = next(q["sql"] for q in captured.captured_queries if "org_membership" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({lookup}) AS rows")
        assert cursor.fetchone()[0] == 1  # the school's own holder, not 30 peers'
