"""Shared setup for benchmarks: Django on a throwaway database, timing and printing helpers."""
from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def django_database(name: str = "bench") -> Iterator[str]:
    """Set up Django and a fresh test database (SQLite file or PostgreSQL, per DATABASE_URL).

    ``name`` keeps benchmarks apart: each gets its own database, never the test suite's.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "service.settings")
    os.environ.setdefault("DUBAN_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DUBAN_DEBUG", "0")  # as in production: no per-query logging in the timings
    os.environ.setdefault("DUBAN_SECRET_KEY", secrets.token_urlsafe(50))  # with DEBUG off a key of its own
    os.environ.setdefault("DUBAN_VAR_DIR", tempfile.mkdtemp(prefix="duban-bench-"))
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from service.celery import app

    setup_test_environment()
    app.conf.task_always_eager = True
    if connection.vendor != "sqlite":  # never the database the test suite creates
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_duban_{name}"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    from workflows.processes.services.definitions import definition_deploy_folder

    definition_deploy_folder(folder=ROOT / "bpmn")
    from service.gc_tuning import tune_for_serving

    tune_for_serving()  # as gunicorn and Celery workers run (service/wsgi.py, service/celery.py)
    print(machine_reference())
    try:
        yield f"{connection.vendor} ({name})"
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def machine_reference() -> str:
    """How fast this machine is right now, to compare runs on other days: this 2-core machine's speed
    drifts by up to 2x within hours. A fixed pure-Python workload (best of 5) and a database round trip."""
    from django.db import connection

    loops = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(5000):
            sum(range(1000))
        loops.append((time.perf_counter() - began) * 1000)
    with connection.cursor() as cursor:
        trips = timed(lambda: cursor.execute("SELECT 1"), 200)
    return (f"machine reference: Python loop {min(loops):.0f} ms (5,000 x sum(range(1000))), "
            f"database round trip p50 {statistics.median(trips):.3f} ms")


def analyze_tables() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load, as autovacuum would in production."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def token_for(user) -> str:
    """The user's API token (``Authorization: Token <key>``), as POST /api/auth/token/ would hand out."""
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def database_url() -> str:
    """DATABASE_URL naming the benchmark's throwaway database, for the servers and workers it starts."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()


def stop_process(process: subprocess.Popen, seconds: float = 15) -> None:
    """SIGTERM, then SIGKILL if it has not exited after ``seconds``."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall times in milliseconds of ``repeat`` calls."""
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def line(label: str, values: list[float]) -> str:
    return (f"{label:<44} n={len(values):<4} p50={statistics.median(values):8.2f} ms  "
            f"p95={p(values, 95):8.2f} ms")
