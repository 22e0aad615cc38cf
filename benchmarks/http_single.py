"""Single requests over HTTP: gunicorn (2 sync workers) on the benchmark's database, one client on loopback.

Each figure is the wall time of one request as the client sees it (send, server, last byte read); gunicorn's
sync workers close the connection after each response, so it includes a loopback connect too. Measured:

- start an instance: POST /api/instances/ by the office, a one-task process (target p50 <= 15 ms);
- complete a task: POST /api/tasks/<id>/complete/ by the school's liaison, the task of that instance (<= 12 ms);
- the inbox's first page (20 rows, as benchmarks.inbox) of a liaison among 10,000 open tasks (<= 8 ms);
- complete one school's task (its quarterly report) in a cycle of 1,000 schools (<= 15 ms);
- without target: GET /healthz (the floor: HTTP, gunicorn, middleware) and the inbox of a liaison with 200 open
  tasks (a full first page).

The operations are interleaved round by round (machine noise hits all alike); the first rounds warm up both
workers and are not counted. Issue 6, item 8.

Run: .venv/bin/python -m benchmarks.http_single [--samples 30] [--warmup 10] [--tasks 10000] [--schools 1000]
(PostgreSQL when DATABASE_URL is set)
"""
from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass, field

from benchmarks.completion_vs_fanout import build_cycle
from benchmarks.harness import analyze_tables, django_database, line, token_for
from benchmarks.http_server import (
    COMPLETE_URL,
    INBOX_URL,
    Client,
    gunicorn,
    liaisons_of_schools,
    one_task_definition,
    staff_with_tasks,
)

PROCESS_KEY = "http_single"
REPORT_DATA = {"sections": {"wi1": {"progress": "完成", "figures": {"n": 3}}}}


@dataclass
class Fixtures:
    office: str = ""
    school: str = ""
    school_liaison: str = ""
    inbox_reader: str = ""
    full_inbox_reader: str = ""
    cycle_tasks: list[tuple[str, int]] = field(default_factory=list)  # (liaison's token, task id)
    fan_out_seconds: float = 0.0


def office_and_school(fixtures: Fixtures) -> None:
    """The office (it starts instances) and a school whose liaison completes them."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit

    one_task_definition(PROCESS_KEY)
    office_unit = Unit.objects.create(code="http-office", name="办公室", kind="office")
    director = get_user_model().objects.create(username="http-office-director")
    Membership.objects.create(user=director, unit=office_unit, role="office_director")
    school, liaison = liaisons_of_schools("http-single", 1)[0]
    fixtures.office, fixtures.school, fixtures.school_liaison = token_for(director), school.code, token_for(liaison)


def cycle_tasks(schools: int, count: int) -> tuple[list[tuple[str, int]], float]:
    """A cycle of ``schools`` schools with its first quarter open: ``count`` liaisons' tokens and report tasks,
    and the seconds the quarter's fan-out took."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit
    from workflows.processes.selectors import inbox_for_user

    liaisons, fan_out = build_cycle(schools)
    # build_cycle names the units bench<size>c<copy>-s<number> and gives only some schools a liaison
    taken = Membership.objects.filter(user__in=liaisons).values("unit_id")
    free = Unit.objects.filter(kind="school", code__startswith=f"bench{schools}c0-s").exclude(pk__in=taken)
    for unit in free.order_by("code")[:max(0, count - len(liaisons))]:
        user = get_user_model().objects.create(username=f"{unit.code}-liaison")
        Membership.objects.create(user=user, unit=unit, role="liaison")
        liaisons.append(user)
    return [(token_for(user), inbox_for_user(user=user).first().pk) for user in liaisons[:count]], fan_out


def populate(tasks: int, schools: int, rounds: int) -> Fixtures:
    from benchmarks.inbox import populate as inbox_population

    fixtures = Fixtures()
    office_and_school(fixtures)
    reader, _ = inbox_population(tasks, max(1, tasks // 10), max(1, tasks // 50))
    fixtures.inbox_reader = token_for(reader)
    fixtures.full_inbox_reader = staff_with_tasks(prefix="http-full", people=1, tasks_each=200)[0][1]
    fixtures.cycle_tasks, fixtures.fan_out_seconds = cycle_tasks(schools, rounds)
    if len(fixtures.cycle_tasks) < rounds:
        raise SystemExit(f"only {len(fixtures.cycle_tasks)} schools for {rounds} rounds: use more schools")
    analyze_tables()
    return fixtures


def operations(tasks: int, schools: int) -> list[tuple[str, float | None]]:
    """What each round requests, in order, with the issue's target for the p50 in ms."""
    return [("GET /healthz (no database)", None), ("start an instance", 15), ("complete a task", 12),
            (f"inbox first page, {tasks:,} open tasks", 8), ("inbox first page, own 200 open tasks", None),
            (f"complete one school's task, {schools:,} schools", 15)]


def run_rounds(port: int, fixtures: Fixtures, rounds: int, names: list[str]) -> dict[str, list[float]]:
    """One request of each kind per round, in the same order every round; wall times in ms."""
    office, liaison = Client(port, fixtures.office), Client(port, fixtures.school_liaison)
    reader, full_reader, anonymous = Client(port, fixtures.inbox_reader), Client(port, fixtures.full_inbox_reader), \
        Client(port)
    start_body = {"key": PROCESS_KEY, "unit": fixtures.school}
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(rounds):
        started, took = office.expect(201, "POST", "/api/instances/", start_body)
        steps = [anonymous.expect(200, "GET", "/healthz")[1], took,
                 liaison.expect(200, "POST", COMPLETE_URL.format(started["tasks"][0]["id"]), {"data": {}})[1],
                 reader.expect(200, "GET", INBOX_URL)[1], full_reader.expect(200, "GET", INBOX_URL)[1]]
        school_token, task_id = fixtures.cycle_tasks[i]
        steps.append(Client(port, school_token).expect(200, "POST", COMPLETE_URL.format(task_id),
                                                       {"data": REPORT_DATA})[1])
        for name, took in zip(names, steps, strict=True):
            times[name].append(took)
    return times


def inbox_sizes(port: int, fixtures: Fixtures) -> str:
    pages = [Client(port, token).expect(200, "GET", INBOX_URL)[0] for token in
             (fixtures.inbox_reader, fixtures.full_inbox_reader)]
    return ", ".join(f"{len(page['results'])} rows of {page['count']}" for page in pages)


def verdict(target: float | None, values: list[float]) -> str:
    if target is None:
        return "(no target)"
    return f"target p50 <= {target} ms: {'met' if statistics.median(values) <= target else 'NOT met'}"


def open_tasks() -> int:
    from workflows.processes.models import HumanTask

    return HumanTask.objects.filter(state="ready").count()


def main(samples: int, warmup: int, tasks: int, schools: int) -> None:
    with django_database("http_single") as database:
        began = time.perf_counter()
        fixtures = populate(tasks, schools, warmup + samples)
        print(f"HTTP single requests on {database}: gunicorn, 2 sync workers, one client on loopback; "
              f"{open_tasks():,} open tasks in all (set up in {time.perf_counter() - began:.0f} s, the cycle's "
              f"fan-out in {fixtures.fan_out_seconds:.1f} s)")
        with gunicorn(workers=2) as port:
            print(f"  inbox pages read: {inbox_sizes(port, fixtures)}")
            measured = operations(tasks, schools)
            times = run_rounds(port, fixtures, warmup + samples, [name for name, _ in measured])
        print(f"  {samples} samples each, after {warmup} warm-up rounds:")
        for name, target in measured:
            print(f"  {line(name, times[name][warmup:])}  {verdict(target, times[name][warmup:])}")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Single HTTP requests against gunicorn (issue 6, item 8).")
    parser.add_argument("--samples", type=int, default=30, help="timed requests per operation (default 30)")
    parser.add_argument("--warmup", type=int, default=10, help="rounds before timing (default 10)")
    parser.add_argument("--tasks", type=int, default=10000, help="open tasks for the inbox case (default 10000)")
    parser.add_argument("--schools", type=int, default=1000, help="schools in the cycle (default 1000)")
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    main(args.samples, args.warmup, args.tasks, args.schools)
