"""Inbox at scale: open human tasks spread over units and roles; the inbox API for a liaison and a
department head (first page, filtered, sorted by due) against the bare SQL queries behind it.

Run: .venv/bin/python -m benchmarks.inbox [tasks] [users] [units]   (issue 6 target: 100000 10000 2000)
"""
from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
import uuid

from benchmarks.harness import analyze_tables, django_database, line, p, timed, token_for

SAMPLES = 100


def populate(tasks: int, users: int, units: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from tests.builders import simple_user_process
    from workflows.org.models import Membership, Unit
    from workflows.processes.models import HumanTask, ProcessInstance
    from workflows.processes.services.definitions import definition_deploy
    from workflows.processes.services.instances import instance_start

    rng = random.Random(7)
    definition = definition_deploy(files={"inbox.bpmn": simple_user_process("inbox_bench")}).definitions[0]
    template = instance_start(definition=definition)
    bureau = Unit.objects.create(code="bench-bureau", name="局", kind="bureau")
    made = Unit.objects.bulk_create([Unit(code=f"u{i}", name=f"单位{i}", kind="school" if i % 10 else "department",
                                          parent=bureau) for i in range(units)])
    people = get_user_model().objects.bulk_create([get_user_model()(username=f"p{i}") for i in range(users)])
    roles = ["liaison", "principal", "staff", "department_head"]
    Membership.objects.bulk_create([Membership(user=p, unit=made[i % units], role=roles[i % 4])
                                    for i, p in enumerate(people)])
    instances = ProcessInstance.objects.bulk_create([
        ProcessInstance(definition=definition, status="running", state=template.state, unit=made[i % units])
        for i in range(max(1, tasks // 4))])
    now = timezone.now()
    HumanTask.objects.bulk_create([
        HumanTask(instance=instances[i % len(instances)], task_guid=uuid.uuid4(), bpmn_id="fill", name="填写",
                  candidate_role=roles[i % 4], candidate_unit=made[rng.randrange(units)],
                  due_at=now + dt.timedelta(days=rng.randint(-10, 30))) for i in range(tasks)], batch_size=5000)
    analyze_tables()
    liaison = next(p for i, p in enumerate(people) if roles[i % 4] == "liaison")
    head = next(p for i, p in enumerate(people) if roles[i % 4] == "department_head")
    return liaison, head


def main(tasks: int, users: int, units: int) -> None:
    with django_database("inbox") as database:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        began = time.perf_counter()
        liaison, head = populate(tasks, users, units)
        print(f"inbox on {database}: {tasks} open tasks, {users} users, {units} units "
              f"(set up in {time.perf_counter() - began:.0f} s)")
        for who, user in (("liaison", liaison), ("department head", head)):
            client = Client(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
            url = "/api/tasks/?ordering=due_at&state=ready&page_size=20"
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                shown = len(client.get(url).json()["results"])
            queries = list(captured.captured_queries)
            # The bare SQL behind it: every query the request ran (its token, the memberships, the
            # page's sources in one UNION ALL, its rows, a count), executed again through a cursor
            # with nothing around it, one after another.
            statements = [q["sql"] for q in queries]

            def bare(run=statements):
                with connection.cursor() as cursor:
                    for statement in run:
                        cursor.execute(statement)
                        cursor.fetchall()
            api, raw = [], []
            for _ in range(SAMPLES):  # interleaved, so machine noise hits both alike
                api += timed(lambda c=client, u=url: c.get(u), 1)
                raw += timed(bare, 1)
            print("  " + line(f"inbox API, {who} ({shown} shown)", api))
            print("  " + line(f"bare SQL behind it ({len(queries)} queries), {who}", raw))
            print(f"  ratio API / SQL p50: {statistics.median(api) / statistics.median(raw):.1f} (target <= 5); "
                  f"p95 {p(api, 95):.1f} ms (target <= 20); queries per request: {len(queries)}")

if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]] or [10000, 1000, 200]
    main(*args)
