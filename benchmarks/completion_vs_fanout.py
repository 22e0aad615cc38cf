"""Completing one school's task in cycles of 10, 1,000 and 10,000 schools costs the same.

Each school has its own quarterly_report instance (fan-out), so completing one touches one
small instance whatever the cycle's size. Completion goes through the API in-process (POST
/api/tasks/<id>/complete/ with a token). Prints p50/p95 per size, the ratio 10,000 / 10, and
the same step in raw SpiffWorkflow (load + complete + save in memory) for comparison.
Run: make bench (or .venv/bin/python -m benchmarks.completion_vs_fanout [sizes...]).
"""
from __future__ import annotations

import datetime as dt
import statistics
import sys
import time

from benchmarks.harness import django_database, line, token_for

SAMPLES = 30


def build_cycle(schools: int, copy: int = 0):
    """A synthetic plan with ``schools`` schools and one work item; its first quarter opened."""
    from django.contrib.auth import get_user_model

    from workflows.org.models import Membership, Unit
    from workflows.plans.services.cycles import cycle_open, quarter_open
    from workflows.plans.services.seed import plan_load

    tag = f"bench{schools}c{copy}"
    year = dt.date.today().year + 1  # a future half year: the reports' timers are still waiting
    data = {
        "bureau": {"code": f"{tag}-bureau", "name": f"基准局{schools}"},
        "plan": {"code": f"{tag}-plan", "title": "基准计划", "year": year},
        "units": [{"code": f"{tag}-office", "name": "办公室", "kind": "office"},
                  {"code": f"{tag}-dept", "name": "资助中心", "kind": "department"}]
                 + [{"code": f"{tag}-s{i:05d}", "name": f"学校{i}", "kind": "school"} for i in range(schools)],
        "people": [{"username": f"{tag}-office", "unit": f"{tag}-office", "role": "office_director"}],
        "work_items": [{"number": 1, "title": "工作", "departments": [f"{tag}-dept"],
                        "figures": [{"key": "n", "label": "人数", "type": "integer"}]}],
        "cycles": [{"year": year, "half": 1}],
    }
    plan = plan_load(data=data)
    began = time.perf_counter()
    cycle = cycle_open(cycle_id=plan.cycles.get().pk)
    quarter_open(quarter_id=cycle.quarters.get(quarter=1).pk)
    fan_out = time.perf_counter() - began
    users = get_user_model()
    liaisons = []
    step = max(1, schools // SAMPLES)
    for code in [f"{tag}-s{i:05d}" for i in range(0, schools, step)][:SAMPLES]:
        user = users.objects.create(username=f"{code}-liaison")
        Membership.objects.create(user=user, unit=Unit.objects.get(code=code), role="liaison")
        liaisons.append(user)
    return liaisons, fan_out


_client = None


def complete_one(liaison) -> float:
    """POST the school's report through the API in-process (token auth, as a client would).

    One test client for every request: a client loads Django's middleware on its first request, as
    a server process does once, which is not part of a request's cost.
    """
    global _client
    from django.test import Client

    from workflows.processes.selectors import inbox_for_user

    task = inbox_for_user(user=liaison).first()
    if _client is None:
        _client = Client()
        _client.get("/healthz")  # its middleware loaded before any timing
    body = {"data": {"sections": {"wi1": {"progress": "完成", "figures": {"n": 3}}}}}
    auth = f"Token {token_for(liaison)}"
    began = time.perf_counter()
    response = _client.post(f"/api/tasks/{task.pk}/complete/", body, content_type="application/json",
                            HTTP_AUTHORIZATION=auth)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"completing failed: {response.status_code} {response.content[:300]!r}")
    return elapsed


def raw_spiff_ms(liaison) -> list[float]:
    """The engine alone on the same kind of instance: load, complete, save."""
    from workflows.processes.runtime import process_for
    from workflows.processes.selectors import inbox_for_user

    task = inbox_for_user(user=liaison).first()
    engine, state = process_for(task.instance.definition), bytes(task.instance.state)
    out = []
    for _ in range(SAMPLES):
        began = time.perf_counter()
        engine.complete(state, str(task.task_guid), {"sections": {"wi1": {"progress": "完成"}}})
        out.append((time.perf_counter() - began) * 1000)
    return out


def main(sizes: list[int]) -> None:
    with django_database("completion") as database:
        print(f"completion vs fan-out on {database}")
        liaisons: dict[int, list] = {}
        for size in sizes:
            liaisons[size], copy = [], 0
            while len(liaisons[size]) < SAMPLES + 1:  # small cycles: several of them for enough samples
                users, fan_out = build_cycle(size, copy)
                liaisons[size] += users
                copy += 1
            print(f"  fan-out of {size} schools: {fan_out:.1f} s ({size / fan_out:.0f} instances/s)")
        timings: dict[int, list[float]] = {size: [] for size in sizes}
        for i in range(SAMPLES):  # interleaved, so machine noise hits every size alike
            for size in sizes:
                timings[size].append(complete_one(liaisons[size][i]))
        for size in sizes:
            print("  " + line(f"complete via API, {size} schools", timings[size]))
        raw = raw_spiff_ms(liaisons[sizes[-1]][SAMPLES])
        print("  " + line("raw SpiffWorkflow load+complete+save", raw))
        ratio = statistics.median(timings[sizes[-1]]) / statistics.median(timings[sizes[0]])
        print(f"  p50 ratio {sizes[-1]} / {sizes[0]} schools: {ratio:.2f} (target <= 1.3); "
              f"p50 at {sizes[-1]}: {statistics.median(timings[sizes[-1]]):.1f} ms (target <= 15); "
              f"API / raw SpiffWorkflow p50: {statistics.median(timings[sizes[-1]]) / statistics.median(raw):.1f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10, 1000, 10000])
