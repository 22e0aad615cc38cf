"""Opening a quarter for a province: one quarterly-report instance per school, on Celery workers.

A plan with N schools (each with a liaison, so every new task notifies someone) has its cycle
opened; then the quarter is dispatched as beat does it (chunks of schools become Celery tasks)
and a real worker (prefork, 2 processes, against a real broker) starts the reports. Prints the
wall time until every school has its report and task, instances per second, and the peak memory
of each process, and how long the dispatch takes (what the office's request waits for). Targets:
10,000 schools in <= 15 s with 2 workers, <= 500 MB each; the dispatch under 200 ms.

Needs PostgreSQL and a broker: DATABASE_URL=postgres://... and CELERY_BROKER_URL=redis://...
Run: .venv/bin/python -m benchmarks.quarter_opening [schools] [workers]
"""
from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import ROOT, database_url, django_database, stop_process

DEADLINE_SECONDS = 600


def build_plan(schools: int):
    """A plan of ``schools`` schools with a liaison each, its half-year cycle opened; the first quarter."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit
    from workflows.plans.services.cycles import cycle_open
    from workflows.plans.services.seed import plan_load

    year = dt.date.today().year + 1  # a future half year: the reports' timers are still waiting
    plan = plan_load(data={
        "bureau": {"code": "prov", "name": "省教育厅"},
        "plan": {"code": "prov-plan", "title": "全省计划", "year": year},
        "units": [{"code": "prov-office", "name": "办公室", "kind": "office"},
                  {"code": "prov-dept", "name": "资助中心", "kind": "department"}]
                 + [{"code": f"prov-s{i:05d}", "name": f"学校{i}", "kind": "school"} for i in range(schools)],
        "people": [{"username": "prov-office", "unit": "prov-office", "role": "office_director"}],
        "work_items": [{"number": 1, "title": "工作", "departments": ["prov-dept"],
                        "figures": [{"key": "n", "label": "人数", "type": "integer"}]}],
        "cycles": [{"year": year, "half": 1}],
    })
    users = get_user_model()
    units = list(Unit.objects.filter(kind="school", code__startswith="prov-s").order_by("code"))
    people = users.objects.bulk_create([users(username=f"{u.code}-liaison") for u in units], batch_size=5000)
    Membership.objects.bulk_create([Membership(user=p, unit=u, role="liaison") for p, u in zip(people, units,
                                                                                              strict=True)])
    cycle = cycle_open(cycle_id=plan.cycles.get().pk)
    return cycle.quarters.get(quarter=1)


def start_worker(workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url(), DUBAN_LOG_LEVEL="WARNING")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "service", "worker", "--concurrency", str(workers), "--pool",
         "prefork", "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def peak_rss_mb(pid: int) -> dict[int, float]:
    """VmHWM (peak resident memory) of a process and its children, in MB."""
    out = {}
    for p in [pid, *_children(pid)]:
        try:
            for row in Path(f"/proc/{p}/status").read_text().splitlines():
                if row.startswith("VmHWM:"):
                    out[p] = int(row.split()[1]) / 1024
        except FileNotFoundError:
            continue
    return out


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def wait_until_ready(worker: subprocess.Popen, count: int) -> None:
    """Until the worker has its pool processes up (so start-up is not counted)."""
    began = time.monotonic()
    while len(_children(worker.pid)) < count:
        if worker.poll() is not None or time.monotonic() - began > 60:
            raise SystemExit("the Celery worker did not start (see its log)")
        time.sleep(0.2)
    time.sleep(2)


def main(schools: int, workers: int) -> None:
    with django_database("quarter_opening") as database:
        from django.db import connection

        from service.celery import app
        from workflows.plans.models import QuarterlyReport
        from workflows.plans.services.cycles import quarter_dispatch
        from workflows.processes.models import HumanTask

        if connection.vendor != "postgresql":
            raise SystemExit("quarter_opening needs PostgreSQL (DATABASE_URL) and a broker (CELERY_BROKER_URL)")
        app.conf.task_always_eager = False
        app.control.purge()
        began = time.perf_counter()
        quarter = build_plan(schools)
        print(f"quarter opening on {database}: {schools} schools, {workers} worker processes "
              f"(set up in {time.perf_counter() - began:.0f} s)")
        log = Path(os.environ["DUBAN_VAR_DIR"]) / "quarter-opening-worker.log"
        worker = start_worker(workers, log)
        try:
            wait_until_ready(worker, workers)
            began = time.perf_counter()
            quarter_dispatch(quarter_id=quarter.pk)  # what the office's request does before it answers
            dispatched = time.perf_counter() - began
            reports = QuarterlyReport.objects.filter(quarter=quarter, instance__isnull=False)
            while (done := reports.count()) < schools:
                if time.perf_counter() - began > DEADLINE_SECONDS or worker.poll() is not None:
                    raise SystemExit(f"only {done} of {schools} reports after {time.perf_counter() - began:.0f} s; "
                                     f"worker log: {log}")
                time.sleep(0.1)
            elapsed = time.perf_counter() - began
            memory = peak_rss_mb(worker.pid)
        finally:
            stop_process(worker, 30)
        tasks = HumanTask.objects.filter(instance__parent=quarter.cycle.instance).count()
        quarter.refresh_from_db()
        print(f"  the request's part (the schools handed to the workers in chunks): {dispatched * 1000:.0f} ms "
              f"(target < 200 ms)")
        print(f"  {schools} reports and {tasks} tasks in {elapsed:.1f} s: {schools / elapsed:.0f} instances/s "
              f"(target <= 15 s for 10,000 on 2 workers); quarter opened: {quarter.opened_at is not None}")
        for pid, mb in memory.items():
            role = "worker main" if pid == worker.pid else "worker process"
            print(f"  peak memory, {role} {pid}: {mb:.0f} MB (target <= 500)")
        mine = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory, dispatching process: {mine:.0f} MB")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    main(args[0] if args else 10000, args[1] if len(args) > 1 else 2)
