"""Timer sweep at scale: find and fire 1,000 due timers among 1,000 or 100,000 waiting instances.

Every instance is a shipped ``quarterly_report`` waiting in its fill-in task with three timers
(reminder, chase, supervise). Two templates are started through the real service: one whose
reminder falls due a moment later, one whose reminder is days away; copies of their engine state
and open task rows are bulk-created over 200 schools (task ids repeat across instances, which is
valid: task rows and escalations are unique per instance). A round builds 1,000 fresh due copies,
times the due-selection query, then sweeps until nothing is due (each firing raises a reminder
escalation, notifies the school's liaison and writes the audit event, as in production) and retires
the fired copies. Rounds with 1,000 and with 100,000 waiting instances alternate in one database:
the 99,000 extra waiting instances are parked (no timer) during the small rounds. A first set of
small rounds runs before the extra rows exist at all.

Issue 6, target 3 (PostgreSQL): sweep at 100,000 waiting <= 1.5x the sweep at 1,000 waiting;
>= 200 timers fired per second per worker (one process here).

Run: .venv/bin/python -m benchmarks.timer_sweep [waiting] [due] [rounds]   (defaults 100000 1000 5)
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

from benchmarks.harness import django_database, line, timed

SMALL = 1000
QUERY_SAMPLES = 20
SCHOOLS = 200


def build_schools(count: int) -> list:
    """A bureau with its office and ``count`` schools, each with a liaison and a principal."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit, UnitKind

    bureau = Unit.objects.create(code="bench-bureau", name="局", kind=UnitKind.BUREAU)
    office = Unit.objects.create(code="bench-office", name="办公室", kind=UnitKind.OFFICE, parent=bureau)
    schools = Unit.objects.bulk_create([Unit(code=f"s{i}", name=f"学校{i}", kind=UnitKind.SCHOOL, parent=bureau)
                                        for i in range(count)])
    people = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"{role}{i}") for i in range(count) for role in ("li", "pr")] + [
            get_user_model()(username="director")])
    Membership.objects.bulk_create(
        [Membership(user=people[2 * i + k], unit=school, role=role) for i, school in enumerate(schools)
         for k, role in enumerate(("liaison", "principal"))]
        + [Membership(user=people[-1], unit=office, role="office_director")])
    return schools


def start_template(definition, unit, reminder_in: dt.timedelta):
    """A quarterly report started through the real service, its reminder ``reminder_in`` from now."""
    from django.utils import timezone

    from workflows.processes.services.instances import instance_start

    now = timezone.now()
    data = {"reminder_at": now + reminder_in, "due_at": now + dt.timedelta(days=20),
            "supervise_at": now + dt.timedelta(days=30)}
    instance = instance_start(definition=definition, unit=unit, data=data)
    instance.refresh_from_db()
    assert instance.status == "running" and instance.next_timer_at is not None, instance.status
    return instance


def copy_instances(template, units: list, count: int) -> list[int]:
    """``count`` copies of the template's state and open task rows, spread over ``units``; their ids."""
    from workflows.processes.models import HumanTask, ProcessInstance

    made = ProcessInstance.objects.bulk_create([
        ProcessInstance(definition_id=template.definition_id, status=template.status, state=template.state,
                        next_timer_at=template.next_timer_at, revision=template.revision, refs=template.refs,
                        unit=units[i % len(units)]) for i in range(count)], batch_size=2000)
    rows = list(template.human_tasks.filter(state="ready"))
    HumanTask.objects.bulk_create([
        HumanTask(instance=copy, task_guid=row.task_guid, bpmn_id=row.bpmn_id, name=row.name,
                  documentation=row.documentation, lane=row.lane, candidate_role=row.candidate_role,
                  candidate_unit=copy.unit, due_at=row.due_at, form_key=row.form_key)
        for copy in made for row in rows], batch_size=2000)
    return [copy.pk for copy in made]


def park(ids: range, next_timer_at) -> None:
    """Take instances out of (None) or put them back into the timer sweep's reach."""
    from django.db import connection

    from workflows.processes.models import ProcessInstance

    ProcessInstance.objects.filter(pk__gte=ids.start, pk__lt=ids.stop).update(next_timer_at=next_timer_at)
    with connection.cursor() as cursor:  # clean up and write out the update before the next measurement
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE processes_processinstance")
            # The instances' task rows came in bulk too: the planner's statistics of them as autovacuum
            # would have them by now. Stale (a fiftieth of the rows), they turned a step's read of its
            # chunk's task rows from an index scan of 0.1 ms into a bitmap scan of 28 ms.
            cursor.execute("ANALYZE processes_humantask")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("ANALYZE")


def sweep_all() -> int:
    """Sweep until a sweep fires nothing (one sweep fires at most one batch)."""
    from workflows.processes.services.timers import timer_sweep

    fired = 0
    while batch := timer_sweep():
        fired += batch
    return fired


def one_round(due_template, units: list, due: int) -> tuple[list[float], float, float]:
    """Fresh due copies; the due query's timings, the wall and CPU seconds to fire them all; then retire them."""
    from workflows.processes.models import ProcessInstance
    from workflows.processes.services.timers import due_instance_ids

    ids = copy_instances(due_template, units, due)
    query = timed(due_instance_ids, QUERY_SAMPLES)
    began, cpu = time.perf_counter(), time.process_time()
    fired = sweep_all()
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    if fired != due:
        print(f"  !! fired {fired} of {due} due timers")
    ProcessInstance.objects.filter(pk__in=ids).update(next_timer_at=None, status="completed")
    return query, seconds, cpu


def due_query_plan() -> str:
    """The database's plan for the due-selection query (first line: how the rows are found)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.processes.services.timers import due_instance_ids

    with CaptureQueriesContext(connection) as captured:
        due_instance_ids()
    with connection.cursor() as cursor:
        cursor.execute(("EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN ")
                       + captured.captured_queries[-1]["sql"])
        rows = cursor.fetchall()
    return " | ".join(str(r[-1]).strip() for r in rows[:3])


def report(label: str, rounds: list[tuple[list[float], float, float]], due: int) -> float:
    """Print the due query's and the sweep's timings and the firing rate; the sweep's p50 in seconds."""
    print("  " + line(f"due query, {label}", [q for r in rounds for q in r[0]]))
    print("  " + line(f"sweep {due} due, {label}", [r[1] * 1000 for r in rounds]))
    wall = statistics.median(r[1] for r in rounds)
    cpu = statistics.median(r[2] for r in rounds)
    print(f"  {'':<44} fired p50 {due / wall:8.0f} timers/s (target >= 200 per worker); "
          f"this process's CPU {cpu / due * 1000:.1f} ms per timer")
    return wall


def templates(units: list):
    """The waiting and the due template (the due one retired, so only its copies are swept)."""
    from django.utils import timezone

    from workflows.processes.models import ProcessDefinition, ProcessInstance

    definition = ProcessDefinition.objects.filter(key="quarterly_report").latest("version")
    waiting = start_template(definition, units[0], dt.timedelta(days=10))
    due = start_template(definition, units[0], dt.timedelta(seconds=1))
    time.sleep(max(0.0, (due.next_timer_at - timezone.now()).total_seconds()) + 0.1)
    ProcessInstance.objects.filter(pk=due.pk).update(next_timer_at=None, status="completed")
    return waiting, due


def interleaved(waiting_template, due_template, units: list, waiting: int, due: int, rounds: int) -> dict:
    """Rounds at 1,000 and at ``waiting`` waiting instances, alternating; their results by size."""
    extra_ids = copy_instances(waiting_template, units, waiting - SMALL)
    extra = range(min(extra_ids), max(extra_ids) + 1)
    assert len(extra) == len(extra_ids), "the extra instances' ids must be one range"
    results: dict[int, list] = {SMALL: [], waiting: []}
    for index in range(rounds):
        for size in ((SMALL, waiting) if index % 2 == 0 else (waiting, SMALL)):
            park(extra, None if size == SMALL else waiting_template.next_timer_at)
            results[size].append(one_round(due_template, units, due))
    return results


def main(waiting: int, due: int, rounds: int) -> None:
    with django_database("timer_sweep") as database:
        began = time.perf_counter()
        units = build_schools(SCHOOLS)
        waiting_template, due_template = templates(units)
        copy_instances(waiting_template, units, SMALL - 1)  # with the template: 1,000 waiting
        print(f"timer sweep on {database}: quarterly_report instances, {due} due per round, {rounds} rounds")
        fresh = [one_round(due_template, units, due) for _ in range(rounds)]
        print(f"1. {SMALL} waiting, before any other instance exists:")
        report(f"{SMALL} waiting (fresh)", fresh, due)
        print(f"2. interleaved, {waiting - SMALL} more waiting instances parked or not "
              f"(set up in {time.perf_counter() - began:.0f} s before step 2):")
        results = interleaved(waiting_template, due_template, units, waiting, due, rounds)
        small = report(f"{SMALL} waiting", results[SMALL], due)
        large = report(f"{waiting} waiting", results[waiting], due)
        print(f"  ratio sweep p50 {waiting} / {SMALL} waiting: {large / small:.2f} (target <= 1.5)")
        print(f"  due query plan at {waiting} waiting: {due_query_plan()}")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(*(args + [100000, 1000, 5][len(args):]))
