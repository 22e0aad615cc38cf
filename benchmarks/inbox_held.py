"""The inbox of one reader who holds many open tasks (a department head, the office): the first page
over HTTP when the reader holds 100, 10,000 and 100,000 open tasks (half assigned to them, half
unclaimed in their unit), in the pages (/inbox/, signed in) and in the API (/api/tasks/). Targets
(issue 18): p95 <= 15 ms at 10,000 and <= 25 ms at 100,000 for the page; the ratio to 100 held <= 1.5.

gunicorn (2 sync workers) on the benchmark's database; the readings are interleaved round by round.
Run: .venv/bin/python -m benchmarks.inbox_held [--samples 60] [--held 100 10000 100000]
(PostgreSQL when DATABASE_URL is set)
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import uuid

from benchmarks.harness import analyze_tables, django_database, line, p, token_for
from benchmarks.http_server import Client, gunicorn, one_task_definition, read_interleaved

TASKS_PER_INSTANCE = 50


def reader_holding(held: int, definition) -> tuple[object, str]:
    """A liaison of a school of their own who holds ``held`` open tasks: (user, session key)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client as DjangoClient
    from django.utils import timezone

    from workflows.org.models import Membership, Unit
    from workflows.processes.models import HumanTask, ProcessInstance

    rng = random.Random(held)
    school = Unit.objects.create(code=f"held-{held}", name=f"学校{held}", kind="school")
    user = get_user_model().objects.create_user(f"reader-{held}")
    Membership.objects.create(user=user, unit=school, role="liaison")
    template = ProcessInstance.objects.filter(definition=definition).first()
    instances = ProcessInstance.objects.bulk_create([
        ProcessInstance(definition=definition, status="running", state=template.state, unit=school)
        for _ in range(max(1, held // TASKS_PER_INSTANCE))], batch_size=2000)
    now = timezone.now()
    HumanTask.objects.bulk_create([
        HumanTask(instance=instances[i % len(instances)], task_guid=uuid.uuid4(), bpmn_id="fill", name="填写",
                  candidate_role="liaison", candidate_unit=school, assignee=user if i % 2 else None,
                  due_at=now + dt.timedelta(days=rng.randint(-10, 30), minutes=rng.randint(0, 1440)))
        for i in range(held)], batch_size=5000)
    signed_in = DjangoClient()
    signed_in.force_login(user)  # a session in the database, as a sign-in makes
    return user, signed_in.cookies[settings.SESSION_COOKIE_NAME].value


def main(samples: int, warmup: int, helds: list[int]) -> None:
    with django_database("inbox_held") as database:
        from django.conf import settings

        from workflows.processes.services.instances import instance_start

        definition = one_task_definition("held_task")
        instance_start(definition=definition)
        readers = {held: reader_holding(held, definition) for held in helds}
        analyze_tables()
        print(f"inbox of one reader on {database}: {', '.join(f'{h:,}' for h in helds)} open tasks held")
        with gunicorn(workers=2) as port:
            clients = {}
            for held, (user, session_key) in readers.items():
                page = Client(port)
                page.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}", "Accept": "text/html"}
                clients[("page", held)] = (page, "/inbox/")
                clients[("api", held)] = (Client(port, token_for(user)), "/api/tasks/?page_size=20")
            times = read_interleaved(clients, samples, warmup)
        for surface in ("page", "api"):
            base = statistics.median(times[(surface, helds[0])])
            for held in helds:
                values = times[(surface, held)]
                print(line(f"{surface} /inbox first page, {held:,} held", values)
                      + f"  ratio p50 to {helds[0]:,} held: {statistics.median(values) / base:.2f}"
                      + f"  p95 ratio: {p(values, 95) / p(times[(surface, helds[0])], 95):.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--held", type=int, nargs="+", default=[100, 10_000, 100_000])
    args = parser.parse_args()
    main(args.samples, args.warmup, args.held)
