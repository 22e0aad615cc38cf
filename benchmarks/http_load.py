"""HTTP under load: gunicorn (2 sync workers) on the benchmark's database, locust (headless) on loopback.

50 users, each a school's liaison with its own API token and 200 open tasks of its own (10,000 in all), read
their inbox's first page (20 rows, soonest due first) three times for every completion of a task from that page,
with no pause between requests, for 60 s after a ramp-up of 25 users a second (benchmarks/locustfile.py). Prints
requests/s, p50/p95/p99 per kind of request and for all of them, and the failures (target: none); then checks
that the database holds exactly as many completed tasks as locust counted successful completions and that no
user ran out of tasks. Locust shares the machine's cores with the server and the database: its CPU time and the
machine's busy share are printed too. Issue 6, item 5.

Run: .venv/bin/python -m benchmarks.http_load [--users 50] [--seconds 60] [--tasks-each 200] [--spawn-rate 25]
     [--wait 0]   (PostgreSQL when DATABASE_URL is set)
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.harness import ROOT, analyze_tables, django_database
from benchmarks.http_server import COMPLETE_URL, INBOX_URL, gunicorn, staff_with_tasks

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
KINDS = ("inbox", "complete")


def locust_files(tokens: list[str], wait: float) -> tuple[Path, Path, Path]:
    """The users' configuration; where locust writes its final statistics and its failures."""
    folder = Path(os.environ["DUBAN_VAR_DIR"])
    config, stats, failures = folder / "locust-config.json", folder / "locust-stats", folder / "locust-failures.json"
    config.write_text(json.dumps({"tokens": tokens, "inbox": INBOX_URL, "complete": COMPLETE_URL, "wait": wait,
                                  "failures": str(failures)}))
    return config, stats, failures


def run_locust(port: int, args: argparse.Namespace, config: Path, stats: Path) -> float:
    """Run locust to the end (its final statistics in ``stats``.json); locust's CPU seconds."""
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(args.users),
               "-r", str(args.spawn_rate), "-t", f"{args.seconds}s", "--stop-timeout", "10",
               "--host", f"http://127.0.0.1:{port}", "--json-file", str(stats), "--only-summary",
               "--loglevel", "WARNING"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, cwd=ROOT, env=dict(os.environ, DUBAN_BENCH_LOCUST=str(config)),
                          capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if not Path(f"{stats}.json").exists() or done.returncode not in (0, 1):  # 1: some requests failed
        raise RuntimeError(f"locust exited with {done.returncode}:\n{done.stderr[-3000:]}")
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def merged(entries: list[dict]) -> dict:
    """Several of locust's entries as one: counts, response time histogram (ms, as locust rounds them), span."""
    times: Counter[int] = Counter()
    for entry in entries:
        times.update({int(ms): n for ms, n in entry["response_times"].items()})
    return {"requests": sum(e["num_requests"] for e in entries), "failures": sum(e["num_failures"] for e in entries),
            "times": times, "max": max(e["max_response_time"] or 0 for e in entries),
            "span": max(e["last_request_timestamp"] for e in entries) - min(e["start_time"] for e in entries)}


def percentile(times: Counter[int], q: float) -> int:
    """The response time that ``q`` percent of the requests finished within."""
    goal, seen = q / 100 * sum(times.values()), 0
    for ms in sorted(times):
        seen += times[ms]
        if seen >= goal:
            return ms
    return 0


def stats_line(label: str, row: dict) -> str:
    rate = row["requests"] / row["span"] if row["span"] else 0.0
    quantiles = "  ".join(f"p{q}={percentile(row['times'], q):5d} ms" for q in (50, 95, 99))
    return (f"{label:<13} n={row['requests']:<7} {rate:7.1f} req/s  {quantiles}  max={row['max']:6.0f} ms  "
            f"failures={row['failures']}")


def load_stats(stats: Path) -> dict[str, dict]:
    entries = json.loads(Path(f"{stats}.json").read_text())
    rows = {kind: merged([e for e in entries if e["name"] == kind]) for kind in KINDS
            if any(e["name"] == kind for e in entries)}
    rows["all requests"] = merged(entries)
    return rows


def database_check(staff: list, completions: int) -> str:
    """Completed tasks in the database against the successful completions; the fewest tasks a user has left."""
    from django.db.models import Count, Q

    from workflows.processes.models import HumanTask

    users = [user for user, _ in staff]
    completed = HumanTask.objects.filter(state="completed", completed_by__in=users).count()
    left = HumanTask.objects.filter(candidate_unit__memberships__user__in=users).values("candidate_unit") \
        .annotate(n=Count("id", filter=Q(state="ready"))).order_by("n").values_list("n", flat=True).first()
    same = "matches" if completed == completions else "DOES NOT match"
    warning = "" if left else " (a user ran out of tasks: raise --tasks-each)"
    return (f"database: {completed} tasks completed, {same} the {completions} successful completions; "
            f"fewest tasks left to a user: {left}{warning}")


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far."""
    import psutil

    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return sum(times) - idle, sum(times)


def report(rows: dict[str, dict], failures: Path) -> None:
    for label, row in rows.items():
        print(f"  {stats_line(label, row)}")
    for failure in json.loads(failures.read_text()) if failures.exists() else []:
        print(f"  FAILURE {failure['count']} x {failure['request']}: {failure['error']}")
    count = rows["all requests"]["failures"]
    print(f"  failures: {count} (target 0): {'met' if count == 0 else 'NOT met'}")


def main(args: argparse.Namespace) -> None:
    with django_database("http_load") as database:
        began = time.perf_counter()
        staff = staff_with_tasks(prefix="http-load", people=args.users, tasks_each=args.tasks_each)
        analyze_tables()
        print(f"HTTP under load on {database}: gunicorn, 2 sync workers; locust, {args.users} users "
              f"({args.tasks_each} open tasks each), 3 inbox reads : 1 completion, wait {args.wait} s, "
              f"{args.seconds} s (set up in {time.perf_counter() - began:.0f} s)")
        config, stats, failures = locust_files([token for _, token in staff], args.wait)
        with gunicorn(workers=2) as port:
            start = machine_busy()
            locust_cpu = run_locust(port, args, config, stats)
            end = machine_busy()
        rows = load_stats(stats)
        report(rows, failures)
        done = rows.get("complete", {"requests": 0, "failures": 0})
        print(f"  {database_check(staff, done['requests'] - done['failures'])}")
        print(f"  CPU: locust {locust_cpu:.0f} s; the machine {(end[0] - start[0]) / (end[1] - start[1]):.0%} busy "
              f"over the run ({os.cpu_count()} cores)")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="HTTP under load with locust against gunicorn (issue 6, item 5).")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="duration of the run (default 60)")
    parser.add_argument("--tasks-each", type=int, default=200, help="open tasks per user (default 200)")
    parser.add_argument("--spawn-rate", type=float, default=25, help="users started per second (default 25)")
    parser.add_argument("--wait", type=float, default=0.0, help="pause between a user's requests, s (default 0)")
    return parser.parse_args()


if __name__ == "__main__":
    main(arguments())
