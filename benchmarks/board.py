"""The managers' board at a province's scale: 10,000 schools in one plan, each with a late task and all
three levels open (30,000 escalations). Over HTTP, as the office: the board page (counts, the first
page of the list, the charts' figures, the matrix of the listed schools), the page filtered to one
level further down the list, and the escalations API. Target (issue 18): first page p95 <= 100 ms.

gunicorn (2 sync workers) on the benchmark's database; the readings are interleaved round by round.
Run: .venv/bin/python -m benchmarks.board [--schools 10000] [--samples 30]
(PostgreSQL when DATABASE_URL is set)
"""
from __future__ import annotations

import argparse
import datetime as dt
import uuid

from benchmarks.harness import analyze_tables, django_database, line, token_for
from benchmarks.http_server import Client, gunicorn, one_task_definition, read_interleaved

LEVELS = (("reminder", "liaison"), ("chase", "principal"), ("supervise", ""))


def build(schools: int):
    """The plan, its schools with one late task each and three open escalations; the office's user."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from workflows.org.models import Membership, Unit
    from workflows.plans.models import Plan, WorkItem
    from workflows.processes.models import Escalation, HumanTask, ProcessInstance
    from workflows.processes.services.instances import instance_start

    definition = one_task_definition("board_task")
    template = instance_start(definition=definition)
    bureau = Unit.objects.create(code="prov", name="省教育厅", kind="bureau")
    office = Unit.objects.create(code="prov-office", name="办公室", kind="office", parent=bureau)
    user = get_user_model().objects.create_user("prov-office")
    Membership.objects.create(user=user, unit=office, role="office_director")
    units = Unit.objects.bulk_create([Unit(code=f"prov-s{i:05d}", name=f"学校{i}", kind="school", parent=bureau)
                                      for i in range(schools)], batch_size=5000)
    plan = Plan.objects.create(code="prov-plan", title="全省计划", year=2026, bureau=bureau)
    plan.schools.add(*units)
    item = WorkItem.objects.create(plan=plan, number=1, title="工作")
    instances = ProcessInstance.objects.bulk_create([
        ProcessInstance(definition=definition, status="running", state=template.state, unit=unit,
                        refs={"work_item": item.pk} if i % 2 else {"quarter": 1}) for i, unit in enumerate(units)],
        batch_size=5000)
    now = timezone.now()
    tasks = HumanTask.objects.bulk_create([
        HumanTask(instance=instance, task_guid=uuid.uuid4(), bpmn_id="fill", name="填写", candidate_role="liaison",
                  candidate_unit=instance.unit, due_at=now - dt.timedelta(days=1 + i % 20))
        for i, instance in enumerate(instances)], batch_size=5000)
    Escalation.objects.bulk_create([
        Escalation(instance=task.instance, human_task=task, event_guid=uuid.uuid4(), level=level, name="填写",
                   target_role=role, target_unit=task.candidate_unit if role else None,
                   raised_at=now - dt.timedelta(hours=n))
        for task in tasks for n, (level, role) in enumerate(LEVELS)], batch_size=5000)
    return user


def main(schools: int, samples: int, warmup: int) -> None:
    with django_database("board") as database:
        from django.conf import settings
        from django.test import Client as DjangoClient

        user = build(schools)
        analyze_tables()
        signed_in = DjangoClient()
        signed_in.force_login(user)
        cookie = f"{settings.SESSION_COOKIE_NAME}={signed_in.cookies[settings.SESSION_COOKIE_NAME].value}"
        print(f"board on {database}: {schools:,} schools, {3 * schools:,} open escalations")
        with gunicorn(workers=2) as port:
            page = Client(port)
            page.headers = {"Cookie": cookie, "Accept": "text/html"}
            api = Client(port, token_for(user))
            reads = {"board page": (page, "/board/"),
                     "board page, 督办, page 3": (page, "/board/?level=supervise&page=3"),
                     "board API (the counts)": (api, "/api/board/"),
                     "escalations API, first page": (api, "/api/escalations/?page_size=50")}
            times = read_interleaved(reads, samples, warmup)
        for name, values in times.items():
            print(line(name, values) + "  target p95 <= 100 ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    main(args.schools, args.samples, args.warmup)
